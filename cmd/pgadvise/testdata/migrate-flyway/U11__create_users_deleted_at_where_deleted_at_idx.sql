-- Undo of V11__create_users_deleted_at_where_deleted_at_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U11__create_users_deleted_at_where_deleted_at_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.users_deleted_at_where_deleted_at_idx;
