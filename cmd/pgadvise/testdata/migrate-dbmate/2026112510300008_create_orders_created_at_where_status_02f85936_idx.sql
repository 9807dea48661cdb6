-- migrate:up transaction:false
-- pgadvise create_index: orders_created_at_where_status_02f85936_idx on public.orders
-- Serves 1 query (6 calls) with a partial index on the rows it always asks for (status = …):
-- estimated read cost −166k against +304 of index maintenance.
-- estimated benefit 166k, write cost 304 (planner cost units over the workload), size 128 KiB; serves 1 query; confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).

CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_where_status_02f85936_idx ON public.orders (created_at) WHERE status = 'pending';

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS public.orders_created_at_where_status_02f85936_idx;
