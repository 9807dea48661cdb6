-- Undo of V3__create_users_tenant_id_email_where_deleted_at_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U3__create_users_tenant_id_email_where_deleted_at_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.users_tenant_id_email_where_deleted_at_idx;
