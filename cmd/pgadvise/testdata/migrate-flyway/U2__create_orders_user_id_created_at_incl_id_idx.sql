-- Undo of V2__create_orders_user_id_created_at_incl_id_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U2__create_orders_user_id_created_at_incl_id_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.orders_user_id_created_at_incl_id_idx;
