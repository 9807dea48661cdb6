-- pgadvise create_index: payments_created_at_incl_amount_provider_idx on public.payments
-- Serves 1 query (2 calls) by index-only scans (INCLUDE amount, provider): estimated read cost
-- −53k against +388 of index maintenance.
-- estimated benefit 53k, write cost 388 (planner cost units over the workload), size 64.3 MiB; serves 1 query; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V11__create_payments_created_at_incl_amount_provider_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U11__create_payments_created_at_incl_amount_provider_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_created_at_incl_amount_provider_idx ON public.payments (created_at) INCLUDE (amount, provider);
