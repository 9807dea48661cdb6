-- migrate:up transaction:false
-- pgadvise create_index: payments_created_at_brin_idx on public.payments
-- Serves 1 query (2 calls) with a BRIN index: the table is append-mostly and the column follows
-- insertion order: estimated read cost −57k against +5 of index maintenance.
-- estimated benefit 57k, write cost 5 (planner cost units over the workload), size 24 KiB; serves 1 query; confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).

CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_created_at_brin_idx ON public.payments USING brin (created_at);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS public.payments_created_at_brin_idx;
