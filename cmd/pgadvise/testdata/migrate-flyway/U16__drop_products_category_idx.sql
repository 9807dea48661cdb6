-- Undo of V16__drop_products_category_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U16__drop_products_category_idx.sql.conf sets executeInTransaction=false.

CREATE INDEX CONCURRENTLY IF NOT EXISTS products_category_idx ON public.products USING btree (category);
