-- Undo of V8__create_orders_created_at_where_status_02f85936_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U8__create_orders_created_at_where_status_02f85936_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.orders_created_at_where_status_02f85936_idx;
