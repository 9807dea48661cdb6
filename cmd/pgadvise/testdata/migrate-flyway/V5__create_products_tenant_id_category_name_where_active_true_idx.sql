-- pgadvise create_index: products_tenant_id_category_name_where_active_true_idx on public.products
-- Serves 2 queries (37 calls) with a partial index on the rows it always asks for (active =
-- true): estimated read cost −305k against +73 of index maintenance.
-- estimated benefit 305k, write cost 73 (planner cost units over the workload), size 36.3 MiB; serves 2 queries; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V5__create_products_tenant_id_category_name_where_active_true_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U5__create_products_tenant_id_category_name_where_active_true_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS products_tenant_id_category_name_where_active_true_idx ON public.products (tenant_id, category, name) WHERE active = true;
