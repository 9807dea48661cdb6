-- pgadvise drop_index: products_category_idx on public.products
-- Made useless by the recommended products_tenant_id_category_name_where_active_true_idx
-- (tenant_id, category, name): the captured queries that use this index today are cheaper through
-- that one. Drop it once that one is built. From the schema and the captured workload alone: no
-- index statistics were given.
-- frees 38.5 MiB and saves 73 of index maintenance (planner cost units over the workload); confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V16__drop_products_category_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- Undo: U16__drop_products_category_idx.sql (Flyway Teams' undo; with Community, run it by hand).

DROP INDEX CONCURRENTLY IF EXISTS public.products_category_idx;
