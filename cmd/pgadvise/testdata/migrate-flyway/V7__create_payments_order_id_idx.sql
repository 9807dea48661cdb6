-- pgadvise create_index: payments_order_id_idx on public.payments
-- Serves 1 query (20 calls): estimated read cost −175k against +146 of index maintenance.
-- estimated benefit 175k, write cost 146 (planner cost units over the workload), size 21.4 MiB; serves 1 query; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V7__create_payments_order_id_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U7__create_payments_order_id_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_order_id_idx ON public.payments (order_id);
