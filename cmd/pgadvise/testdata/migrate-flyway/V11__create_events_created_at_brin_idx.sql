-- pgadvise create_index: events_created_at_brin_idx on public.events
-- Serves 3 queries (8 calls) with a BRIN index: the table is append-mostly and the column follows
-- insertion order: estimated read cost −147k against +625 of index maintenance.
-- estimated benefit 147k, write cost 625 (planner cost units over the workload), size 24 KiB; serves 3 queries; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V11__create_events_created_at_brin_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U11__create_events_created_at_brin_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS events_created_at_brin_idx ON public.events USING brin (created_at);
