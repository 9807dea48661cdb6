-- pgadvise drop_index: users_tenant_id_idx on public.users
-- Redundant: its keys (tenant_id) are a leading prefix of users_tenant_id_email_key (tenant_id,
-- email), which serves the same lookups. From the schema and the captured workload alone: no
-- index statistics were given.
-- frees 21.4 MiB and saves 40 of index maintenance (planner cost units over the workload); confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V17__drop_users_tenant_id_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- Undo: U17__drop_users_tenant_id_idx.sql (Flyway Teams' undo; with Community, run it by hand).

DROP INDEX CONCURRENTLY IF EXISTS public.users_tenant_id_idx;
