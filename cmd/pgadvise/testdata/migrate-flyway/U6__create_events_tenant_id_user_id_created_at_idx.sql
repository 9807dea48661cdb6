-- Undo of V6__create_events_tenant_id_user_id_created_at_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U6__create_events_tenant_id_user_id_created_at_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.events_tenant_id_user_id_created_at_idx;
