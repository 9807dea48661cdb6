-- migrate:up transaction:false
-- pgadvise create_index: orders_tenant_id_created_at_idx on public.orders
-- Serves 2 queries (15 calls): estimated read cost −33k against +304 of index maintenance.
-- estimated benefit 33k, write cost 304 (planner cost units over the workload), size 29.9 MiB; serves 2 queries; confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).

CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_tenant_id_created_at_idx ON public.orders (tenant_id, created_at);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS public.orders_tenant_id_created_at_idx;
