-- Undo of V11__create_payments_created_at_incl_amount_provider_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U11__create_payments_created_at_incl_amount_provider_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.payments_created_at_incl_amount_provider_idx;
