-- pgadvise create_index: orders_tenant_id_created_at_idx on public.orders
-- Serves 2 queries (15 calls): estimated read cost −33k against +304 of index maintenance.
-- estimated benefit 33k, write cost 304 (planner cost units over the workload), size 29.9 MiB; serves 2 queries; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V12__create_orders_tenant_id_created_at_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U12__create_orders_tenant_id_created_at_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_tenant_id_created_at_idx ON public.orders (tenant_id, created_at);
