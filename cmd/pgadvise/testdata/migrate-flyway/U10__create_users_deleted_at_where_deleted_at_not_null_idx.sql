-- Undo of V10__create_users_deleted_at_where_deleted_at_not_null_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U10__create_users_deleted_at_where_deleted_at_not_null_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.users_deleted_at_where_deleted_at_not_null_idx;
