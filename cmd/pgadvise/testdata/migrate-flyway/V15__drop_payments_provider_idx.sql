-- pgadvise drop_index: payments_provider_idx on public.payments
-- Redundant: its keys (provider) are a leading prefix of payments_provider_provider_ref_key
-- (provider, provider_ref), which serves the same lookups. From the schema and the captured
-- workload alone: no index statistics were given.
-- frees 38.5 MiB and saves 97 of index maintenance (planner cost units over the workload); confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V15__drop_payments_provider_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- Undo: U15__drop_payments_provider_idx.sql (Flyway Teams' undo; with Community, run it by hand).

DROP INDEX CONCURRENTLY IF EXISTS public.payments_provider_idx;
