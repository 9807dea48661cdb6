-- migrate:up transaction:false
-- pgadvise create_index: events_created_at_brin_idx on public.events
-- Serves 3 queries (8 calls) with a BRIN index: the table is append-mostly and the column follows
-- insertion order: estimated read cost −147k against +625 of index maintenance.
-- estimated benefit 147k, write cost 625 (planner cost units over the workload), size 24 KiB; serves 3 queries; confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).

CREATE INDEX CONCURRENTLY IF NOT EXISTS events_created_at_brin_idx ON public.events USING brin (created_at);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS public.events_created_at_brin_idx;
