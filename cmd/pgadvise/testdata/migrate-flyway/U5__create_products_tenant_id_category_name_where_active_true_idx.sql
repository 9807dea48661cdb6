-- Undo of V5__create_products_tenant_id_category_name_where_active_true_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U5__create_products_tenant_id_category_name_where_active_true_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.products_tenant_id_category_name_where_active_true_idx;
