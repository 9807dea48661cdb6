-- Data for the fixtures' shop (fixtures/schema.sql), for the end-to-end test
-- of analyze --verify=execute: the sizes of the fixtures' default scale,
-- generated with generate_series (deterministic: no random()), so that the
-- indexes advised for fixtures/slow.log can be built and measured.
INSERT INTO tenants (id, slug, name, plan)
SELECT i, (ARRAY['acme','globex','initech','umbrella','cyberdyne','vandelay','hooli','soylent','wonka','stark','wayne','tyrell'])[i],
       'Tenant ' || i, (ARRAY['free','starter','pro','enterprise'])[i % 4 + 1]
FROM generate_series(1, 12) i;
INSERT INTO users (id, tenant_id, email, full_name, role, created_at, deleted_at)
SELECT i, i % 12 + 1, 'user' || i || '@Example.com', 'User ' || i, (ARRAY['customer','customer','staff','admin'])[i % 4 + 1],
       timestamptz '2026-01-01 00:00:00+00' + i * interval '1 hour',
       CASE WHEN i % 20 = 0 THEN timestamptz '2026-03-01 00:00:00+00' END
FROM generate_series(1, 2400) i;
INSERT INTO products (id, tenant_id, sku, name, category, price, active, created_at)
SELECT i, i % 12 + 1, 'SKU-' || i, (ARRAY['Smart','Classic','Compact','Deluxe','Eco','Pro'])[i % 6 + 1] || ' Item ' || i,
       (ARRAY['books','electronics','garden','toys','apparel','kitchen','sports','beauty','office','pets','grocery','tools'])[i % 12 + 1],
       (i % 300) + 2, i % 10 <> 0, timestamptz '2026-01-01 00:00:00+00' + i * interval '2 hours'
FROM generate_series(1, 1200) i;
INSERT INTO orders (id, tenant_id, user_id, status, total, created_at, updated_at)
SELECT i, u.tenant_id, u.id, (ARRAY['pending','paid','shipped','delivered','cancelled','refunded'])[i % 6 + 1], (i % 997) + 0.5,
       timestamptz '2026-01-01 00:00:00+00' + i * interval '7 minutes', timestamptz '2026-01-01 00:00:00+00' + i * interval '7 minutes'
FROM generate_series(1, 24000) i JOIN users u ON u.id = (i * 7) % 2400 + 1;
INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price)
SELECT o, l, (o * 13 + l * 7) % 1200 + 1, l, (o % 50) + 1
FROM generate_series(1, 24000) o, generate_series(1, 2 + o % 2) l;
INSERT INTO payments (id, order_id, provider, provider_ref, amount, status, created_at)
SELECT i, i, (ARRAY['stripe','stripe','stripe','paypal','adyen'])[i % 5 + 1], 'ch_' || i, (i % 997) + 0.5,
       (ARRAY['succeeded','succeeded','failed'])[i % 3 + 1], timestamptz '2026-01-01 00:00:00+00' + i * interval '7 minutes'
FROM generate_series(1, 23000) i;
INSERT INTO events (tenant_id, user_id, kind, payload, created_at)
SELECT i % 12 + 1, i % 2400 + 1,
       (ARRAY['page_view','page_view','page_view','search','search','add_to_cart','login','checkout_started','order_placed','review_posted'])[i % 10 + 1],
       jsonb_build_object('source', (ARRAY['web','web','mobile','api'])[i % 4 + 1]),
       timestamptz '2026-03-01 00:00:00+00' + i * interval '43 seconds'
FROM generate_series(1, 90000) i;
INSERT INTO sessions (token, user_id, created_at, expires_at)
SELECT md5(i::text)::uuid, i % 2400 + 1, timestamptz '2026-03-01 00:00:00+00' + i * interval '10 minutes',
       timestamptz '2026-03-08 00:00:00+00' + i * interval '10 minutes'
FROM generate_series(1, 6000) i;
