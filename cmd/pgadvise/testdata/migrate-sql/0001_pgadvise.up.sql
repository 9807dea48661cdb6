-- pgadvise: 17 migration(s). Run with
--   psql -v ON_ERROR_STOP=1 -f 0001_pgadvise.up.sql
-- psql runs each statement on its own (autocommit), as CONCURRENTLY requires: do not add
-- --single-transaction or BEGIN. Undo with 0001_pgadvise.down.sql.

-- 1.
-- pgadvise create_index: orders_tenant_id_status_created_at_incl_id_total_user_id_idx on public.orders
-- Serves 7 queries (116 calls) by index-only scans (INCLUDE id, total, user_id): estimated read
-- cost −1.8M against +672 of index maintenance.
-- estimated benefit 1.8M, write cost 672 (planner cost units over the workload), size 90.2 MiB; serves 7 queries; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_tenant_id_status_created_at_incl_id_total_user_id_idx ON public.orders (tenant_id, status, created_at) INCLUDE (id, total, user_id);

-- 2.
-- pgadvise create_index: orders_user_id_created_at_incl_id_idx on public.orders
-- Serves 3 queries (45 calls) by index-only scans (INCLUDE id): estimated read cost −1.1M
-- against +304 of index maintenance.
-- estimated benefit 1.1M, write cost 304 (planner cost units over the workload), size 38.5 MiB; serves 3 queries; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_created_at_incl_id_idx ON public.orders (user_id, created_at) INCLUDE (id);

-- 3.
-- pgadvise create_index: users_tenant_id_email_where_deleted_at_idx on public.users
-- Serves 3 queries (55 calls) with a partial index on the rows it always asks for (deleted_at IS
-- NULL): estimated read cost −1.1M against +69 of index maintenance.
-- estimated benefit 1.1M, write cost 69 (planner cost units over the workload), size 256 KiB; serves 3 queries; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_tenant_id_email_where_deleted_at_idx ON public.users (tenant_id, email) WHERE deleted_at IS NULL;

-- 4.
-- pgadvise create_index: products_tenant_id_active_name_incl_id_price_sku_idx on public.products
-- Serves 2 queries (29 calls) by index-only scans (INCLUDE id, price, sku): estimated read cost
-- −359k against +267 of index maintenance.
-- estimated benefit 359k, write cost 267 (planner cost units over the workload), size 107.5 MiB; serves 2 queries; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS products_tenant_id_active_name_incl_id_price_sku_idx ON public.products (tenant_id, active, name) INCLUDE (id, price, sku);

-- 5.
-- pgadvise create_index: products_tenant_id_category_name_where_active_true_idx on public.products
-- Serves 2 queries (37 calls) with a partial index on the rows it always asks for (active =
-- true): estimated read cost −305k against +73 of index maintenance.
-- estimated benefit 305k, write cost 73 (planner cost units over the workload), size 36.3 MiB; serves 2 queries; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS products_tenant_id_category_name_where_active_true_idx ON public.products (tenant_id, category, name) WHERE active = true;

-- 6.
-- pgadvise create_index: events_tenant_id_user_id_created_at_idx on public.events
-- Serves 1 query (15 calls): estimated read cost −303k against +13k of index maintenance.
-- estimated benefit 303k, write cost 13k (planner cost units over the workload), size 38.5 MiB; serves 1 query; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS events_tenant_id_user_id_created_at_idx ON public.events (tenant_id, user_id, created_at);

-- 7.
-- pgadvise create_index: payments_order_id_idx on public.payments
-- Serves 1 query (20 calls): estimated read cost −175k against +146 of index maintenance.
-- estimated benefit 175k, write cost 146 (planner cost units over the workload), size 21.4 MiB; serves 1 query; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_order_id_idx ON public.payments (order_id);

-- 8.
-- pgadvise create_index: orders_created_at_where_status_02f85936_idx on public.orders
-- Serves 1 query (6 calls) with a partial index on the rows it always asks for (status = …):
-- estimated read cost −166k against +304 of index maintenance.
-- estimated benefit 166k, write cost 304 (planner cost units over the workload), size 128 KiB; serves 1 query; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_where_status_02f85936_idx ON public.orders (created_at) WHERE status = 'pending';

-- 9.
-- pgadvise create_index: users_lower_email_idx on public.users
-- Serves 1 query (9 calls): estimated read cost −86k against +69 of index maintenance.
-- estimated benefit 86k, write cost 69 (planner cost units over the workload), size 29.9 MiB; serves 1 query; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_lower_email_idx ON public.users ((lower(email)));

-- 10.
-- pgadvise create_index: users_deleted_at_where_deleted_at_not_null_idx on public.users
-- Serves 1 query (2 calls) with a partial index on the rows it always asks for (deleted_at IS NOT
-- NULL): estimated read cost −77k against +69 of index maintenance.
-- estimated benefit 77k, write cost 69 (planner cost units over the workload), size 21.3 MiB; serves 1 query; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_deleted_at_where_deleted_at_not_null_idx ON public.users (deleted_at) WHERE deleted_at IS NOT NULL;

-- 11.
-- pgadvise create_index: payments_created_at_incl_amount_provider_idx on public.payments
-- Serves 1 query (2 calls) by index-only scans (INCLUDE amount, provider): estimated read cost
-- −53k against +388 of index maintenance.
-- estimated benefit 53k, write cost 388 (planner cost units over the workload), size 64.3 MiB; serves 1 query; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_created_at_incl_amount_provider_idx ON public.payments (created_at) INCLUDE (amount, provider);

-- 12.
-- pgadvise create_index: orders_tenant_id_created_at_idx on public.orders
-- Serves 2 queries (15 calls): estimated read cost −33k against +304 of index maintenance.
-- estimated benefit 33k, write cost 304 (planner cost units over the workload), size 29.9 MiB; serves 2 queries; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_tenant_id_created_at_idx ON public.orders (tenant_id, created_at);

-- 13.
-- pgadvise drop_index: orders_tenant_id_idx on public.orders
-- Superseded by the recommended orders_tenant_id_created_at_idx (tenant_id, created_at), which
-- serves every lookup this one does: drop it once that one is built. From the schema and the
-- captured workload alone: no index statistics were given.
-- frees 21.4 MiB and saves 304 of index maintenance (planner cost units over the workload); confidence high
DROP INDEX CONCURRENTLY IF EXISTS public.orders_tenant_id_idx;

-- 14.
-- pgadvise drop_index: orders_tenant_idx on public.orders
-- Superseded by the recommended orders_tenant_id_created_at_idx (tenant_id, created_at), which
-- serves every lookup this one does: drop it once that one is built. From the schema and the
-- captured workload alone: no index statistics were given.
-- frees 21.4 MiB and saves 304 of index maintenance (planner cost units over the workload); confidence high
DROP INDEX CONCURRENTLY IF EXISTS public.orders_tenant_idx;

-- 15.
-- pgadvise drop_index: payments_provider_idx on public.payments
-- Redundant: its keys (provider) are a leading prefix of payments_provider_provider_ref_key
-- (provider, provider_ref), which serves the same lookups. From the schema and the captured
-- workload alone: no index statistics were given.
-- frees 38.5 MiB and saves 97 of index maintenance (planner cost units over the workload); confidence high
DROP INDEX CONCURRENTLY IF EXISTS public.payments_provider_idx;

-- 16.
-- pgadvise drop_index: products_category_idx on public.products
-- Made useless by the recommended products_tenant_id_category_name_where_active_true_idx
-- (tenant_id, category, name): the captured queries that use this index today are cheaper through
-- that one. Drop it once that one is built. From the schema and the captured workload alone: no
-- index statistics were given.
-- frees 38.5 MiB and saves 73 of index maintenance (planner cost units over the workload); confidence high
DROP INDEX CONCURRENTLY IF EXISTS public.products_category_idx;

-- 17.
-- pgadvise drop_index: users_tenant_id_idx on public.users
-- Redundant: its keys (tenant_id) are a leading prefix of users_tenant_id_email_key (tenant_id,
-- email), which serves the same lookups. From the schema and the captured workload alone: no
-- index statistics were given.
-- frees 21.4 MiB and saves 40 of index maintenance (planner cost units over the workload); confidence high
DROP INDEX CONCURRENTLY IF EXISTS public.users_tenant_id_idx;
