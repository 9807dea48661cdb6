-- migrate:up transaction:false
-- pgadvise create_index: users_lower_email_idx on public.users
-- Serves 1 query (9 calls): estimated read cost −86k against +69 of index maintenance.
-- estimated benefit 86k, write cost 69 (planner cost units over the workload), size 29.9 MiB; serves 1 query; confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).

CREATE INDEX CONCURRENTLY IF NOT EXISTS users_lower_email_idx ON public.users ((lower(email)));

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS public.users_lower_email_idx;
