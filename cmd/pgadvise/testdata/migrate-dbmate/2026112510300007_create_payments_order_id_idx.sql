-- migrate:up transaction:false
-- pgadvise create_index: payments_order_id_idx on public.payments
-- Serves 1 query (20 calls): estimated read cost −175k against +146 of index maintenance.
-- estimated benefit 175k, write cost 146 (planner cost units over the workload), size 21.4 MiB; serves 1 query; confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).

CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_order_id_idx ON public.payments (order_id);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS public.payments_order_id_idx;
