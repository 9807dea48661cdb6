-- Undo of V4__create_products_tenant_id_active_name_incl_id_price_sku_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U4__create_products_tenant_id_active_name_incl_id_price_sku_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.products_tenant_id_active_name_incl_id_price_sku_idx;
