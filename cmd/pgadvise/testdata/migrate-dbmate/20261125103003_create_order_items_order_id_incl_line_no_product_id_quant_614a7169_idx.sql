-- migrate:up transaction:false
-- pgadvise create_index: order_items_order_id_incl_line_no_product_id_quant_614a7169_idx on public.order_items
-- Serves 4 queries (49 calls) by index-only scans (INCLUDE line_no, product_id, quantity,
-- unit_price): estimated read cost −817k against +166 of index maintenance.
-- estimated benefit 817k, write cost 166 (planner cost units over the workload), size 55.6 MiB; serves 4 queries; confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).

CREATE INDEX CONCURRENTLY IF NOT EXISTS order_items_order_id_incl_line_no_product_id_quant_614a7169_idx ON public.order_items (order_id) INCLUDE (line_no, product_id, quantity, unit_price);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS public.order_items_order_id_incl_line_no_product_id_quant_614a7169_idx;
