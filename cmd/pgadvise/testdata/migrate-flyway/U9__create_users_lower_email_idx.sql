-- Undo of V9__create_users_lower_email_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U9__create_users_lower_email_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.users_lower_email_idx;
