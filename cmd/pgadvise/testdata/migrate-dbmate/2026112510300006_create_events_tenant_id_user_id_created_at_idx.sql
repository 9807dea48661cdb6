-- migrate:up transaction:false
-- pgadvise create_index: events_tenant_id_user_id_created_at_idx on public.events
-- Serves 1 query (15 calls): estimated read cost −303k against +13k of index maintenance.
-- estimated benefit 303k, write cost 13k (planner cost units over the workload), size 38.5 MiB; serves 1 query; confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).

CREATE INDEX CONCURRENTLY IF NOT EXISTS events_tenant_id_user_id_created_at_idx ON public.events (tenant_id, user_id, created_at);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS public.events_tenant_id_user_id_created_at_idx;
