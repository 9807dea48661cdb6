-- Undo of V14__drop_orders_tenant_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U14__drop_orders_tenant_idx.sql.conf sets executeInTransaction=false.

CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_tenant_idx ON public.orders USING btree (tenant_id);
