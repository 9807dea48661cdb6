-- migrate:up transaction:false
-- pgadvise drop_index: users_tenant_id_idx on public.users
-- Redundant: its keys (tenant_id) are a leading prefix of users_tenant_id_email_key (tenant_id,
-- email), which serves the same lookups. From the schema and the captured workload alone: no
-- index statistics were given.
-- frees 21.4 MiB and saves 40 of index maintenance (planner cost units over the workload); confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.

DROP INDEX CONCURRENTLY IF EXISTS public.users_tenant_id_idx;

-- migrate:down transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_tenant_id_idx ON public.users USING btree (tenant_id);
