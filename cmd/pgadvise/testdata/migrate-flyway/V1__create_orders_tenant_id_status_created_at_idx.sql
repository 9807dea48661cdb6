-- pgadvise create_index: orders_tenant_id_status_created_at_idx on public.orders
-- Serves 6 queries (115 calls): estimated read cost −1.8M against +251 of index maintenance.
-- estimated benefit 1.8M, write cost 251 (planner cost units over the workload), size 55.6 MiB; serves 6 queries; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V1__create_orders_tenant_id_status_created_at_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U1__create_orders_tenant_id_status_created_at_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_tenant_id_status_created_at_idx ON public.orders (tenant_id, status, created_at);
