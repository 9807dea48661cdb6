-- Undo of V7__create_order_items_order_id_incl_quantity_unit_price_idx.sql.
-- CONCURRENTLY cannot run inside a transaction block: U7__create_order_items_order_id_incl_quantity_unit_price_idx.sql.conf sets executeInTransaction=false.

DROP INDEX CONCURRENTLY IF EXISTS public.order_items_order_id_incl_quantity_unit_price_idx;
