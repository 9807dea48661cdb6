-- Undo of V14__create_payments_created_at_brin_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U14__create_payments_created_at_brin_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.payments_created_at_brin_idx;
