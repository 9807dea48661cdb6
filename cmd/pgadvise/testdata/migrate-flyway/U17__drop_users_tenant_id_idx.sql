-- Undo of V17__drop_users_tenant_id_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U17__drop_users_tenant_id_idx.sql.conf sets executeInTransaction=false.

CREATE INDEX CONCURRENTLY IF NOT EXISTS users_tenant_id_idx ON public.users USING btree (tenant_id);
