-- pgadvise create_index: orders_user_id_created_at_incl_id_idx on public.orders
-- Serves 3 queries (45 calls) by index-only scans (INCLUDE id): estimated read cost −1.1M
-- against +304 of index maintenance.
-- estimated benefit 1.1M, write cost 304 (planner cost units over the workload), size 38.5 MiB; serves 3 queries; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V2__create_orders_user_id_created_at_incl_id_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U2__create_orders_user_id_created_at_incl_id_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_created_at_incl_id_idx ON public.orders (user_id, created_at) INCLUDE (id);
