-- pgadvise create_index: orders_tenant_id_status_created_at_incl_id_total_user_id_idx on public.orders
-- Serves 7 queries (116 calls) by index-only scans (INCLUDE id, total, user_id): estimated read
-- cost −1.8M against +672 of index maintenance.
-- estimated benefit 1.8M, write cost 672 (planner cost units over the workload), size 90.2 MiB; serves 7 queries; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V1__create_orders_tenant_id_status_created_at_incl_id_total_user_id_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U1__create_orders_tenant_id_status_created_at_incl_id_total_user_id_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_tenant_id_status_created_at_incl_id_total_user_id_idx ON public.orders (tenant_id, status, created_at) INCLUDE (id, total, user_id);
