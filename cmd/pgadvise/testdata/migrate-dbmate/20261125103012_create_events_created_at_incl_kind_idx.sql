-- migrate:up transaction:false
-- pgadvise create_index: events_created_at_incl_kind_idx on public.events
-- Serves 1 query (4 calls) by index-only scans (INCLUDE kind): estimated read cost −28k against
-- +13k of index maintenance.
-- estimated benefit 28k, write cost 13k (planner cost units over the workload), size 47.0 MiB; serves 1 query; confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).

CREATE INDEX CONCURRENTLY IF NOT EXISTS events_created_at_incl_kind_idx ON public.events (created_at) INCLUDE (kind);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS public.events_created_at_incl_kind_idx;
