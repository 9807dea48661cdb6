-- migrate:up transaction:false
-- pgadvise drop_index: payments_provider_idx on public.payments
-- Redundant: its keys (provider) are a leading prefix of payments_provider_provider_ref_key
-- (provider, provider_ref), which serves the same lookups. From the schema and the captured
-- workload alone: no index statistics were given.
-- frees 38.5 MiB and saves 97 of index maintenance (planner cost units over the workload); confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.

DROP INDEX CONCURRENTLY IF EXISTS public.payments_provider_idx;

-- migrate:down transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_provider_idx ON public.payments USING btree (provider);
