-- Undo of V13__drop_orders_tenant_id_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U13__drop_orders_tenant_id_idx.sql.conf sets executeInTransaction=false.

CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_tenant_id_idx ON public.orders USING btree (tenant_id);
