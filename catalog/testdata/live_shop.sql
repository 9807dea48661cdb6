-- A small shop for the live-database tests (catalog, capture, cmd/pgadvise):
-- a few tables with tens of thousands of generated rows, so that ANALYZE
-- fills pg_stats; a partitioned table; an index nothing uses.
CREATE TABLE tenants (
    id bigint PRIMARY KEY,
    name text NOT NULL UNIQUE
);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    tenant_id bigint NOT NULL REFERENCES tenants,
    status text NOT NULL,
    total numeric(12,2),
    created_at timestamptz NOT NULL DEFAULT now(),
    note text
);
CREATE INDEX orders_tenant_status_idx ON orders (tenant_id, status);
CREATE INDEX orders_note_idx ON orders (note);
CREATE INDEX orders_pending_idx ON orders (created_at) WHERE status = 'pending';
CREATE TABLE events (
    id bigint NOT NULL,
    at date NOT NULL,
    kind text
) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX events_at_idx ON events (at);

INSERT INTO tenants SELECT i, 'tenant ' || i FROM generate_series(1, 100) i;
-- created_at follows insertion order (correlation 1); status: 10% pending,
-- 20% paid, 70% shipped.
INSERT INTO orders (tenant_id, status, total, created_at, note)
SELECT i % 100 + 1,
       CASE WHEN i % 10 = 0 THEN 'pending' WHEN i % 10 < 3 THEN 'paid' ELSE 'shipped' END,
       (i % 997) / 10.0,
       timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute',
       CASE WHEN i % 50 = 0 THEN 'gift ' || i END
FROM generate_series(1, 30000) i;
INSERT INTO events SELECT i, date '2024-01-01' + (i % 700), 'k' || (i % 7) FROM generate_series(1, 20000) i;
ANALYZE;
