-- Undo of 0001_pgadvise.up.sql, in reverse order. Run with
--   psql -v ON_ERROR_STOP=1 -f 0001_pgadvise.down.sql

-- 17. undo drop_users_tenant_id_idx
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_tenant_id_idx ON public.users USING btree (tenant_id);

-- 16. undo drop_products_category_idx
CREATE INDEX CONCURRENTLY IF NOT EXISTS products_category_idx ON public.products USING btree (category);

-- 15. undo drop_payments_provider_idx
CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_provider_idx ON public.payments USING btree (provider);

-- 14. undo drop_orders_tenant_idx
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_tenant_idx ON public.orders USING btree (tenant_id);

-- 13. undo drop_orders_tenant_id_idx
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_tenant_id_idx ON public.orders USING btree (tenant_id);

-- 12. undo create_orders_tenant_id_created_at_idx
DROP INDEX CONCURRENTLY IF EXISTS public.orders_tenant_id_created_at_idx;

-- 11. undo create_payments_created_at_incl_amount_provider_idx
DROP INDEX CONCURRENTLY IF EXISTS public.payments_created_at_incl_amount_provider_idx;

-- 10. undo create_users_deleted_at_where_deleted_at_not_null_idx
DROP INDEX CONCURRENTLY IF EXISTS public.users_deleted_at_where_deleted_at_not_null_idx;

-- 9. undo create_users_lower_email_idx
DROP INDEX CONCURRENTLY IF EXISTS public.users_lower_email_idx;

-- 8. undo create_orders_created_at_where_status_02f85936_idx
DROP INDEX CONCURRENTLY IF EXISTS public.orders_created_at_where_status_02f85936_idx;

-- 7. undo create_payments_order_id_idx
DROP INDEX CONCURRENTLY IF EXISTS public.payments_order_id_idx;

-- 6. undo create_events_tenant_id_user_id_created_at_idx
DROP INDEX CONCURRENTLY IF EXISTS public.events_tenant_id_user_id_created_at_idx;

-- 5. undo create_products_tenant_id_category_name_where_active_true_idx
DROP INDEX CONCURRENTLY IF EXISTS public.products_tenant_id_category_name_where_active_true_idx;

-- 4. undo create_products_tenant_id_active_name_incl_id_price_sku_idx
DROP INDEX CONCURRENTLY IF EXISTS public.products_tenant_id_active_name_incl_id_price_sku_idx;

-- 3. undo create_users_tenant_id_email_where_deleted_at_idx
DROP INDEX CONCURRENTLY IF EXISTS public.users_tenant_id_email_where_deleted_at_idx;

-- 2. undo create_orders_user_id_created_at_incl_id_idx
DROP INDEX CONCURRENTLY IF EXISTS public.orders_user_id_created_at_incl_id_idx;

-- 1. undo create_orders_tenant_id_status_created_at_incl_id_total_user_id_idx
DROP INDEX CONCURRENTLY IF EXISTS public.orders_tenant_id_status_created_at_incl_id_total_user_id_idx;
