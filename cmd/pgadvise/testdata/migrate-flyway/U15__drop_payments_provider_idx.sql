-- Undo of V15__drop_payments_provider_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U15__drop_payments_provider_idx.sql.conf sets executeInTransaction=false.

CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_provider_idx ON public.payments USING btree (provider);
