-- migrate:up transaction:false
-- pgadvise drop_index: products_category_idx on public.products
-- Made useless by the recommended products_tenant_id_category_name_where_active_true_idx
-- (tenant_id, category, name): the captured queries that use this index today are cheaper through
-- that one. Drop it once that one is built. From the schema and the captured workload alone: no
-- index statistics were given.
-- frees 38.5 MiB and saves 73 of index maintenance (planner cost units over the workload); confidence high
-- transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a
-- block as one Exec, where several statements would share an implicit transaction: this
-- statement is alone in its block.

DROP INDEX CONCURRENTLY IF EXISTS public.products_category_idx;

-- migrate:down transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS products_category_idx ON public.products USING btree (category);
