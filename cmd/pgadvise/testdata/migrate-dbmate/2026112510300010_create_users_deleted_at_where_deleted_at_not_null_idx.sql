-- migrate:up transaction:false
-- pgadvise create_index: users_deleted_at_where_deleted_at_not_null_idx on public.users
-- Serves 1 query (2 calls) with a partial index on the rows it always asks for (deleted_at IS NOT
-- NULL): estimated read cost −77k against +69 of index maintenance.
-- estimated benefit 77k, write cost 69 (planner cost units over the workload), size 21.3 MiB; serves 1 query; confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).

CREATE INDEX CONCURRENTLY IF NOT EXISTS users_deleted_at_where_deleted_at_not_null_idx ON public.users (deleted_at) WHERE deleted_at IS NOT NULL;

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS public.users_deleted_at_where_deleted_at_not_null_idx;
