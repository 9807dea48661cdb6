-- pgadvise: 18 migration(s). Run with
--   psql -v ON_ERROR_STOP=1 -f 0001_pgadvise.up.sql
-- psql runs each statement on its own (autocommit), as CONCURRENTLY requires: do not add
-- --single-transaction or BEGIN. Undo with 0001_pgadvise.down.sql.

-- 1.
-- pgadvise create_index: orders_tenant_id_status_idx on public.orders
-- Serves 6 queries (115 calls): estimated read cost −1.8M against +251 of index maintenance.
-- estimated benefit 1.8M, write cost 251 (planner cost units over the workload), size 47.0 MiB; serves 6 queries; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_tenant_id_status_idx ON public.orders (tenant_id, status);

-- 2.
-- pgadvise create_index: users_tenant_id_where_deleted_at_idx on public.users
-- Serves 3 queries (55 calls) with a partial index on the rows it always asks for (deleted_at IS
-- NULL): estimated read cost −1.1M against +69 of index maintenance.
-- estimated benefit 1.1M, write cost 69 (planner cost units over the workload), size 128 KiB; serves 3 queries; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_tenant_id_where_deleted_at_idx ON public.users (tenant_id) WHERE deleted_at IS NULL;

-- 3.
-- pgadvise create_index: orders_user_id_created_at_incl_id_idx on public.orders
-- Serves 3 queries (45 calls) by index-only scans (INCLUDE id): estimated read cost −1.1M
-- against +251 of index maintenance.
-- estimated benefit 1.1M, write cost 251 (planner cost units over the workload), size 38.5 MiB; serves 3 queries; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_created_at_incl_id_idx ON public.orders (user_id, created_at) INCLUDE (id);

-- 4.
-- pgadvise create_index: order_items_order_id_incl_line_no_product_id_quant_614a7169_idx on public.order_items
-- Serves 4 queries (49 calls) by index-only scans (INCLUDE line_no, product_id, quantity,
-- unit_price): estimated read cost −817k against +166 of index maintenance.
-- estimated benefit 817k, write cost 166 (planner cost units over the workload), size 55.6 MiB; serves 4 queries; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS order_items_order_id_incl_line_no_product_id_quant_614a7169_idx ON public.order_items (order_id) INCLUDE (line_no, product_id, quantity, unit_price);

-- 5.
-- pgadvise create_index: products_tenant_id_active_name_incl_id_price_sku_idx on public.products
-- Serves 2 queries (29 calls) by index-only scans (INCLUDE id, price, sku): estimated read cost
-- −359k against +267 of index maintenance.
-- estimated benefit 359k, write cost 267 (planner cost units over the workload), size 99.3 MiB; serves 2 queries; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS products_tenant_id_active_name_incl_id_price_sku_idx ON public.products (tenant_id, active, name) INCLUDE (id, price, sku);

-- 6.
-- pgadvise create_index: products_tenant_id_category_where_active_true_idx on public.products
-- Serves 2 queries (37 calls) with a partial index on the rows it always asks for (active =
-- true): estimated read cost −305k against +73 of index maintenance.
-- estimated benefit 305k, write cost 73 (planner cost units over the workload), size 23.5 MiB; serves 2 queries; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS products_tenant_id_category_where_active_true_idx ON public.products (tenant_id, category) WHERE active = true;

-- 7.
-- pgadvise create_index: orders_tenant_id_created_at_idx on public.orders
-- Serves 2 queries (15 calls): estimated read cost −301k against +251 of index maintenance.
-- estimated benefit 301k, write cost 251 (planner cost units over the workload), size 29.9 MiB; serves 2 queries; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_tenant_id_created_at_idx ON public.orders (tenant_id, created_at);

-- 8.
-- pgadvise create_index: events_tenant_id_user_id_idx on public.events
-- Serves 1 query (15 calls): estimated read cost −225k against +13k of index maintenance.
-- estimated benefit 225k, write cost 13k (planner cost units over the workload), size 29.9 MiB; serves 1 query; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS events_tenant_id_user_id_idx ON public.events (tenant_id, user_id);

-- 9.
-- pgadvise create_index: payments_order_id_idx on public.payments
-- Serves 1 query (20 calls): estimated read cost −175k against +97 of index maintenance.
-- estimated benefit 175k, write cost 97 (planner cost units over the workload), size 21.4 MiB; serves 1 query; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_order_id_idx ON public.payments (order_id);

-- 10.
-- pgadvise create_index: orders_created_at_where_status_02f85936_idx on public.orders
-- Serves 1 query (6 calls) with a partial index on the rows it always asks for (status = …):
-- estimated read cost −166k against +251 of index maintenance.
-- estimated benefit 166k, write cost 251 (planner cost units over the workload), size 128 KiB; serves 1 query; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_where_status_02f85936_idx ON public.orders (created_at) WHERE status = 'pending';

-- 11.
-- pgadvise create_index: events_created_at_brin_idx on public.events
-- Serves 3 queries (8 calls) with a BRIN index: the table is append-mostly and the column follows
-- insertion order: estimated read cost −147k against +625 of index maintenance.
-- estimated benefit 147k, write cost 625 (planner cost units over the workload), size 24 KiB; serves 3 queries; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS events_created_at_brin_idx ON public.events USING brin (created_at);

-- 12.
-- pgadvise create_index: users_lower_email_idx on public.users
-- Serves 1 query (9 calls): estimated read cost −86k against +69 of index maintenance.
-- estimated benefit 86k, write cost 69 (planner cost units over the workload), size 29.9 MiB; serves 1 query; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_lower_email_idx ON public.users ((lower(email)));

-- 13.
-- pgadvise create_index: users_deleted_at_idx on public.users
-- Serves 1 query (2 calls): estimated read cost −77k against +69 of index maintenance.
-- estimated benefit 77k, write cost 69 (planner cost units over the workload), size 21.4 MiB; serves 1 query; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_deleted_at_idx ON public.users (deleted_at);

-- 14.
-- pgadvise create_index: payments_created_at_brin_idx on public.payments
-- Serves 1 query (2 calls) with a BRIN index: the table is append-mostly and the column follows
-- insertion order: estimated read cost −57k against +5 of index maintenance.
-- estimated benefit 57k, write cost 5 (planner cost units over the workload), size 24 KiB; serves 1 query; confidence high
-- If the build fails, it leaves an INVALID index behind: drop it before retrying
-- (IF NOT EXISTS would keep the invalid one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_created_at_brin_idx ON public.payments USING brin (created_at);

-- 15.
-- pgadvise drop_index: orders_tenant_id_idx on public.orders
-- Superseded by the recommended orders_tenant_id_status_idx (tenant_id, status), which serves
-- every lookup this one does: drop it once that one is built.
-- frees 21.4 MiB and saves 251 of index maintenance (planner cost units over the workload); confidence high
DROP INDEX CONCURRENTLY IF EXISTS public.orders_tenant_id_idx;

-- 16.
-- pgadvise drop_index: orders_tenant_idx on public.orders
-- Superseded by the recommended orders_tenant_id_status_idx (tenant_id, status), which serves
-- every lookup this one does: drop it once that one is built.
-- frees 21.4 MiB and saves 251 of index maintenance (planner cost units over the workload); confidence high
DROP INDEX CONCURRENTLY IF EXISTS public.orders_tenant_idx;

-- 17.
-- pgadvise drop_index: payments_provider_idx on public.payments
-- Redundant: its keys (provider) are a leading prefix of payments_provider_provider_ref_key
-- (provider, provider_ref), which serves the same lookups.
-- frees 38.5 MiB and saves 97 of index maintenance (planner cost units over the workload); confidence high
DROP INDEX CONCURRENTLY IF EXISTS public.payments_provider_idx;

-- 18.
-- pgadvise drop_index: users_tenant_id_idx on public.users
-- Redundant: its keys (tenant_id) are a leading prefix of users_tenant_id_email_key (tenant_id,
-- email), which serves the same lookups.
-- frees 21.4 MiB and saves 40 of index maintenance (planner cost units over the workload); confidence high
DROP INDEX CONCURRENTLY IF EXISTS public.users_tenant_id_idx;
