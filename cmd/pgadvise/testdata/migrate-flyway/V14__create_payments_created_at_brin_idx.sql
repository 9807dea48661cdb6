-- pgadvise create_index: payments_created_at_brin_idx on public.payments
-- Serves 1 query (2 calls) with a BRIN index: the table is append-mostly and the column follows
-- insertion order: estimated read cost −57k against +5 of index maintenance.
-- estimated benefit 57k, write cost 5 (planner cost units over the workload), size 24 KiB; serves 1 query; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V14__create_payments_created_at_brin_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U14__create_payments_created_at_brin_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_created_at_brin_idx ON public.payments USING brin (created_at);
