-- Undo of V12__create_payments_created_at_incl_amount_provider_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U12__create_payments_created_at_incl_amount_provider_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.payments_created_at_incl_amount_provider_idx;
