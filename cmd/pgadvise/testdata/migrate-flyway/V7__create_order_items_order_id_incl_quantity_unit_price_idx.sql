-- pgadvise create_index: order_items_order_id_incl_quantity_unit_price_idx on public.order_items
-- Serves 2 queries (13 calls) by index-only scans (INCLUDE quantity, unit_price): estimated read
-- cost −232k against +166 of index maintenance.
-- estimated benefit 232k, write cost 166 (planner cost units over the workload), size 38.5 MiB; serves 2 queries; confidence high
-- CONCURRENTLY cannot run inside a transaction block: the sibling V7__create_order_items_order_id_incl_quantity_unit_price_idx.sql.conf
-- sets executeInTransaction=false, so Flyway runs these statements outside one.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
-- Undo: U7__create_order_items_order_id_incl_quantity_unit_price_idx.sql (Flyway Teams' undo; with Community, run it by hand).

CREATE INDEX CONCURRENTLY IF NOT EXISTS order_items_order_id_incl_quantity_unit_price_idx ON public.order_items (order_id) INCLUDE (quantity, unit_price);
