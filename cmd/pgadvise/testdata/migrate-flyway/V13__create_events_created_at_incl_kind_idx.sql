-- pgadvise create_index: events_created_at_incl_kind_idx on public.events
-- Serves 1 query (4 calls) by index-only scans (INCLUDE kind): estimated read cost −28k against
-- +13k of index maintenance.
-- estimated benefit 28k, write cost 13k (planner cost units over the workload), size 47.0 MiB; serves 1 query; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V13__create_events_created_at_incl_kind_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U13__create_events_created_at_incl_kind_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS events_created_at_incl_kind_idx ON public.events (created_at) INCLUDE (kind);
