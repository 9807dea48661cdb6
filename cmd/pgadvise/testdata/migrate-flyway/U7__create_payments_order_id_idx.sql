-- Undo of V7__create_payments_order_id_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U7__create_payments_order_id_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.payments_order_id_idx;
