-- migrate:up transaction:false
-- pgadvise create_index: users_tenant_id_email_where_deleted_at_idx on public.users
-- Serves 3 queries (55 calls) with a partial index on the rows it always asks for (deleted_at IS
-- NULL): estimated read cost −1.1M against +69 of index maintenance.
-- estimated benefit 1.1M, write cost 69 (planner cost units over the workload), size 256 KiB; serves 3 queries; confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).

CREATE INDEX CONCURRENTLY IF NOT EXISTS users_tenant_id_email_where_deleted_at_idx ON public.users (tenant_id, email) WHERE deleted_at IS NULL;

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS public.users_tenant_id_email_where_deleted_at_idx;
