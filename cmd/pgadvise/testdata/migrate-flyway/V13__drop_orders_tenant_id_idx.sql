-- pgadvise drop_index: orders_tenant_id_idx on public.orders
-- Superseded by the recommended orders_tenant_id_created_at_idx (tenant_id, created_at), which
-- serves every lookup this one does: drop it once that one is built. From the schema and the
-- captured workload alone: no index statistics were given.
-- frees 21.4 MiB and saves 304 of index maintenance (planner cost units over the workload); confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V13__drop_orders_tenant_id_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- Undo: U13__drop_orders_tenant_id_idx.sql (Flyway Teams' undo; with Community, run it by hand).

DROP INDEX CONCURRENTLY IF EXISTS public.orders_tenant_id_idx;
