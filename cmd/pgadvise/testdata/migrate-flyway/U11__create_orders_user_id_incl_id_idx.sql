-- Undo of V11__create_orders_user_id_incl_id_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U11__create_orders_user_id_incl_id_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.orders_user_id_incl_id_idx;
