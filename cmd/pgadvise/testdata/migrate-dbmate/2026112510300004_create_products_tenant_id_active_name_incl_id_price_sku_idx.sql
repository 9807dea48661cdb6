-- migrate:up transaction:false
-- pgadvise create_index: products_tenant_id_active_name_incl_id_price_sku_idx on public.products
-- Serves 2 queries (29 calls) by index-only scans (INCLUDE id, price, sku): estimated read cost
-- −359k against +267 of index maintenance.
-- estimated benefit 359k, write cost 267 (planner cost units over the workload), size 107.5 MiB; serves 2 queries; confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).

CREATE INDEX CONCURRENTLY IF NOT EXISTS products_tenant_id_active_name_incl_id_price_sku_idx ON public.products (tenant_id, active, name) INCLUDE (id, price, sku);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS public.products_tenant_id_active_name_incl_id_price_sku_idx;
