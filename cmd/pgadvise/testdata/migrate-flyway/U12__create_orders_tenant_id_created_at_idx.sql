-- Undo of V12__create_orders_tenant_id_created_at_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U12__create_orders_tenant_id_created_at_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.orders_tenant_id_created_at_idx;
