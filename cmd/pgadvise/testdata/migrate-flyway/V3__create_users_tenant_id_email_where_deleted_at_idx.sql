-- pgadvise create_index: users_tenant_id_email_where_deleted_at_idx on public.users
-- Serves 3 queries (55 calls) with a partial index on the rows it always asks for (deleted_at IS
-- NULL): estimated read cost −1.1M against +69 of index maintenance.
-- estimated benefit 1.1M, write cost 69 (planner cost units over the workload), size 256 KiB; serves 3 queries; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V3__create_users_tenant_id_email_where_deleted_at_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U3__create_users_tenant_id_email_where_deleted_at_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS users_tenant_id_email_where_deleted_at_idx ON public.users (tenant_id, email) WHERE deleted_at IS NULL;
