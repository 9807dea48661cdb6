-- Undo of V2__create_users_tenant_id_email_where_deleted_at_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U2__create_users_tenant_id_email_where_deleted_at_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.users_tenant_id_email_where_deleted_at_idx;
