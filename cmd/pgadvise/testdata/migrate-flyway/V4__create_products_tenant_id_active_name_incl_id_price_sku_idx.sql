-- pgadvise create_index: products_tenant_id_active_name_incl_id_price_sku_idx on public.products
-- Serves 2 queries (29 calls) by index-only scans (INCLUDE id, price, sku): estimated read cost
-- −359k against +267 of index maintenance.
-- estimated benefit 359k, write cost 267 (planner cost units over the workload), size 107.5 MiB; serves 2 queries; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V4__create_products_tenant_id_active_name_incl_id_price_sku_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U4__create_products_tenant_id_active_name_incl_id_price_sku_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS products_tenant_id_active_name_incl_id_price_sku_idx ON public.products (tenant_id, active, name) INCLUDE (id, price, sku);
