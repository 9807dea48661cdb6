-- Queries of the reporting job, as the application sends them.
\set ON_ERROR_STOP on

SELECT o.id, o.total
  FROM orders o
 WHERE o.customer_id = 42
 ORDER BY o.created_at DESC
 LIMIT 20;

UPDATE inventory SET quantity = quantity - 1 WHERE product_id = 7;
