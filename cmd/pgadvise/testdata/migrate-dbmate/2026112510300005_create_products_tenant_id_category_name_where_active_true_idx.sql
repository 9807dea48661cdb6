-- migrate:up transaction:false
-- pgadvise create_index: products_tenant_id_category_name_where_active_true_idx on public.products
-- Serves 2 queries (37 calls) with a partial index on the rows it always asks for (active =
-- true): estimated read cost −305k against +73 of index maintenance.
-- estimated benefit 305k, write cost 73 (planner cost units over the workload), size 36.3 MiB; serves 2 queries; confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).

CREATE INDEX CONCURRENTLY IF NOT EXISTS products_tenant_id_category_name_where_active_true_idx ON public.products (tenant_id, category, name) WHERE active = true;

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS public.products_tenant_id_category_name_where_active_true_idx;
