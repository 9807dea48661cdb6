-- Undo of V13__create_users_deleted_at_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U13__create_users_deleted_at_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.users_deleted_at_idx;
