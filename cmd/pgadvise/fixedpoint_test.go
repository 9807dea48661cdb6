package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgadvise/pgadvise/internal/pgtest"
	"github.com/pgadvise/pgadvise/report"
)

// fixtureData fills the fixtures' schema with data shaped like
// fixtures/gen's (its sizes and distributions, in SQL: the generator is a
// command, not a package): 12 tenants, 2,400 users (5% soft-deleted), 1,200
// products, 24,000 orders over 120 days (a third on the first three
// tenants), their lines and payments, 6,000 sessions, 90,000 events over 45
// days in insertion order.
const fixtureData = `
INSERT INTO tenants (id, slug, name, plan, settings, created_at) OVERRIDING SYSTEM VALUE
SELECT i, 'tenant' || i, 'Tenant ' || i, (ARRAY['free','starter','pro','enterprise'])[1 + i % 4], '{"currency": "EUR"}', now() - i * interval '30 days'
FROM generate_series(1, 12) i;
INSERT INTO users (id, tenant_id, email, full_name, role, created_at, last_login_at, deleted_at) OVERRIDING SYSTEM VALUE
SELECT i, 1 + i % 12, 'User.' || i || '@Mail.example.org', 'User ' || i, CASE WHEN i % 200 < 3 THEN 'staff' ELSE 'customer' END,
	now() - (i % 700) * interval '1 day', CASE WHEN i % 5 <> 0 THEN now() - (i % 30) * interval '1 day' END,
	CASE WHEN i % 20 = 0 THEN now() - (i % 90) * interval '1 day' END
FROM generate_series(1, 2400) i;
INSERT INTO products (id, tenant_id, sku, name, category, price, attributes, tags, active, created_at, updated_at) OVERRIDING SYSTEM VALUE
SELECT i, 1 + i % 12, 'SKU-' || lpad(i::text, 5, '0'), (ARRAY['Smart','Bold','Quiet','Swift'])[1 + i % 4] || ' ' || (ARRAY['Lamp','Chair','Mug','Desk','Pen'])[1 + i % 5],
	(ARRAY['home','office','garden','kitchen','toys','books','sport','tools'])[1 + i % 8], 2 + (i * 37) % 298,
	jsonb_build_object('color', (ARRAY['red','blue','green','black'])[1 + i % 4]) || CASE WHEN i % 3 = 0 THEN '{"warranty": "2y"}'::jsonb ELSE '{}' END,
	ARRAY[(ARRAY['sale','gift','new','eco'])[1 + i % 4]], i % 20 <> 0, now() - (i % 800) * interval '1 day', now() - (i % 50) * interval '1 day'
FROM generate_series(1, 1200) i;
INSERT INTO orders (id, tenant_id, user_id, status, total, created_at, updated_at) OVERRIDING SYSTEM VALUE
SELECT i, t, t - 1 + 12 * (1 + (i::bigint * 7919) % 199), CASE WHEN i % 100 < 2 THEN 'pending' WHEN i % 100 < 75 THEN 'delivered' WHEN i % 100 < 90 THEN 'cancelled' WHEN i % 100 < 98 THEN 'refunded' ELSE 'paid' END,
	(i * 13) % 900 + 0.5, now() - ((i::bigint * 104729) % (120 * 1440)) * interval '1 minute', now() - (i % 100) * interval '1 hour'
FROM (SELECT i, CASE WHEN i % 3 = 0 THEN 1 + i % 3 ELSE 1 + i % 12 END AS t FROM generate_series(1, 24000) i) s;
INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price)
SELECT o.id, l, o.tenant_id - 1 + 12 * (1 + (o.id + l) % 99), 1 + (o.id + l) % 3, 2 + (o.id * l) % 298
FROM orders o, generate_series(1, 4) l WHERE l <= 1 + o.id % 4;
INSERT INTO payments (id, order_id, provider, provider_ref, amount, status, created_at) OVERRIDING SYSTEM VALUE
SELECT o.id, o.id, (ARRAY['stripe','adyen','paypal'])[1 + o.id % 3], 'ch_' || md5(o.id::text), o.total,
	CASE o.status WHEN 'cancelled' THEN 'voided' WHEN 'refunded' THEN 'refunded' ELSE 'captured' END, o.created_at + interval '5 minutes'
FROM orders o WHERE o.status <> 'pending';
INSERT INTO sessions (token, user_id, created_at, expires_at, last_seen_at, ip, user_agent)
SELECT md5('s' || i)::uuid, 1 + (i * 31) % 2400, now() - (i % 20) * interval '1 day', now() - (i % 20) * interval '1 day' + interval '14 days',
	now() - (i % 20) * interval '1 day' + interval '1 hour', '10.0.0.1', 'Mozilla/5.0'
FROM generate_series(1, 6000) i;
INSERT INTO events (tenant_id, user_id, kind, payload, created_at)
SELECT 1 + u % 12, CASE WHEN i % 6 <> 0 THEN u END, (ARRAY['page_view','search','add_to_cart','checkout_started','login','logout'])[1 + i % 6],
	jsonb_build_object('source', (ARRAY['web','mobile','api'])[1 + i % 3], 'n', i), now() - (90000 - i) * interval '43 seconds'
FROM (SELECT i, 1 + (i * 7) % 2400 AS u FROM generate_series(1, 90000) i) s;
ANALYZE;`

// TestFixedPoint applies the advice on the fixtures (fixtures/schema.sql and
// fixtures/slow.log) to a real PostgreSQL and runs the analysis again: it
// must recommend no new index and drop none it just created. Without
// statistics, the schema is read back with pg_dump; with them, the data is
// loaded and analysed and both runs read the live database (--dsn).
func TestFixedPoint(t *testing.T) {
	c := pgtest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	for _, db := range []string{"nostats", "stats"} {
		if err := c.CreateDatabase(ctx, db); err != nil {
			t.Fatal(err)
		}
		psql(t, c, db, "../../fixtures/schema.sql")
	}
	if _, err := c.Connect(t, "stats").Exec(ctx, fixtureData); err != nil {
		t.Fatalf("load data: %v", err)
	}
	const workload = "../../fixtures/slow.log"

	analyze := func(t *testing.T, args ...string) *report.Document {
		t.Helper()
		code, out, errOut := runCLI(t, "", append(append([]string{"analyze", "--format", "json"}, args...), workload)...)
		if code != exitOK {
			t.Fatalf("exit %d:\n%s", code, errOut)
		}
		var doc report.Document
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		return &doc
	}
	apply := func(t *testing.T, db string, doc *report.Document) map[string]bool {
		t.Helper()
		conn := c.Connect(t, db)
		// A unique or constraint index is never dropped.
		rows, err := conn.Query(ctx, `SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
			WHERE i.indisunique OR i.indisprimary OR EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`)
		if err != nil {
			t.Fatal(err)
		}
		enforcing := map[string]bool{}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			enforcing[name] = true
		}
		if len(enforcing) == 0 {
			t.Fatal("no unique or constraint index found")
		}
		for _, r := range doc.Recommendations {
			if (r.Kind == "drop_index" || r.Kind == "unused_index") && enforcing[r.Name()] {
				t.Errorf("drops %s, which enforces a constraint", r.Name())
			}
		}
		created := map[string]bool{}
		for _, r := range doc.Recommendations {
			if (r.Kind != "create_index" && r.Kind != "drop_index") || r.Confidence != "high" {
				continue
			}
			if _, err := conn.Exec(ctx, r.DDL); err != nil {
				t.Fatalf("%s: %v", r.DDL, err)
			}
			if r.Kind == "create_index" {
				created[r.Name()] = true
			}
		}
		if _, err := conn.Exec(ctx, "ANALYZE"); err != nil {
			t.Fatal(err)
		}
		return created
	}
	check := func(t *testing.T, first, second *report.Document, created map[string]bool) {
		t.Helper()
		if len(created) == 0 {
			t.Fatalf("the first run recommends no index: nothing to check")
		}
		for _, r := range second.Recommendations {
			switch {
			case r.Kind == "create_index":
				t.Errorf("not a fixed point: the second run recommends %s\n%s\n%s", r.Name(), r.DDL, r.Reason)
			case (r.Kind == "drop_index" || r.Kind == "unused_index") && created[r.Name()]:
				t.Errorf("not a fixed point: the second run drops %s, which the first created:\n%s", r.Name(), r.Reason)
			case r.Kind == "drop_index" && r.Confidence == "high":
				t.Errorf("the second run drops %s, which the first run should have: %s", r.Name(), r.Reason)
			}
		}
		if t.Failed() {
			for _, r := range first.Recommendations {
				t.Logf("first run: %s %s (%s)", r.Kind, r.DDL, r.Confidence)
			}
			for _, r := range second.Recommendations {
				t.Logf("second run: %s %s (%s) %s", r.Kind, r.DDL, r.Confidence, r.Reason)
			}
			for _, r := range first.Rejected {
				t.Logf("first run rejected: %s %s: %s", r.Kind, r.DDL, r.Reason)
			}
		}
	}

	t.Run("without statistics", func(t *testing.T) {
		first := analyze(t, "--schema", "../../fixtures/schema.sql")
		created := apply(t, "nostats", first)
		dump := filepath.Join(t.TempDir(), "schema.sql")
		cmd := exec.Command(c.Bin("pg_dump"), "-s", "--no-owner", "--no-privileges", "-f", dump)
		cmd.Env = append(os.Environ(), c.Env("nostats")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("pg_dump: %v\n%s", err, out)
		}
		check(t, first, analyze(t, "--schema", dump), created)
	})
	t.Run("with statistics", func(t *testing.T) {
		dsn := c.DSN("stats")
		first := analyze(t, "--dsn", dsn)
		if strings.Contains(strings.Join(first.Advice.Assumptions, "\n"), "no statistics") {
			t.Fatalf("the live run has tables without statistics:\n%s", strings.Join(first.Advice.Assumptions, "\n"))
		}
		created := apply(t, "stats", first)
		check(t, first, analyze(t, "--dsn", dsn), created)
	})
}
