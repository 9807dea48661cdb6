-- pgadvise create_index: users_lower_email_idx on public.users
-- Serves 1 query (9 calls): estimated read cost −86k against +69 of index maintenance.
-- estimated benefit 86k, write cost 69 (planner cost units over the workload), size 29.9 MiB; serves 1 query; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V9__create_users_lower_email_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U9__create_users_lower_email_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS users_lower_email_idx ON public.users ((lower(email)));
