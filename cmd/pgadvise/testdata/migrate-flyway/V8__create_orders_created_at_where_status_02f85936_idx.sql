-- pgadvise create_index: orders_created_at_where_status_02f85936_idx on public.orders
-- Serves 1 query (6 calls) with a partial index on the rows it always asks for (status = …):
-- estimated read cost −166k against +304 of index maintenance.
-- estimated benefit 166k, write cost 304 (planner cost units over the workload), size 128 KiB; serves 1 query; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V8__create_orders_created_at_where_status_02f85936_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U8__create_orders_created_at_where_status_02f85936_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_where_status_02f85936_idx ON public.orders (created_at) WHERE status = 'pending';
