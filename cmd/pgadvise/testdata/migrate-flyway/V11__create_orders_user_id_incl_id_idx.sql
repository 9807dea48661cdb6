-- pgadvise create_index: orders_user_id_incl_id_idx on public.orders
-- Serves 2 queries (9 calls) by index-only scans (INCLUDE id): estimated read cost −126k
-- against +251 of index maintenance.
-- estimated benefit 126k, write cost 251 (planner cost units over the workload), size 29.9 MiB; serves 2 queries; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V11__create_orders_user_id_incl_id_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U11__create_orders_user_id_incl_id_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_incl_id_idx ON public.orders (user_id) INCLUDE (id);
