-- migrate:up transaction:false
-- pgadvise create_index: payments_created_at_incl_amount_provider_idx on public.payments
-- Serves 1 query (2 calls) by index-only scans (INCLUDE amount, provider): estimated read cost
-- −53k against +388 of index maintenance.
-- estimated benefit 53k, write cost 388 (planner cost units over the workload), size 64.3 MiB; serves 1 query; confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).

CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_created_at_incl_amount_provider_idx ON public.payments (created_at) INCLUDE (amount, provider);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS public.payments_created_at_incl_amount_provider_idx;
