-- Undo of V13__create_events_created_at_incl_kind_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U13__create_events_created_at_incl_kind_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.events_created_at_incl_kind_idx;
