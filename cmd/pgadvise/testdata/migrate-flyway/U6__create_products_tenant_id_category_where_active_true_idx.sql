-- Undo of V6__create_products_tenant_id_category_where_active_true_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U6__create_products_tenant_id_category_where_active_true_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.products_tenant_id_category_where_active_true_idx;
