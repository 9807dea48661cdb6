-- Undo of V11__create_events_created_at_brin_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U11__create_events_created_at_brin_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.events_created_at_brin_idx;
