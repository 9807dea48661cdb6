package whatif

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/pgtest"
)

const dropsSchema = `
CREATE TABLE public.events (id bigint PRIMARY KEY, tenant_id integer NOT NULL, kind text NOT NULL, payload jsonb NOT NULL, note text);
CREATE INDEX events_tenant_id_kind_idx ON public.events (tenant_id, kind);
CREATE INDEX events_note_idx ON public.events (note);
CREATE TABLE public.orders (id bigint PRIMARY KEY, tenant_id integer NOT NULL, status text NOT NULL, total numeric NOT NULL);
CREATE INDEX orders_tenant_idx ON public.orders (tenant_id);`

const dropsData = `
INSERT INTO events SELECT i, i % 40, 'kind_' || (i % 25), jsonb_build_object('source', (ARRAY['web','mobile','api'])[1 + i % 3]),
	CASE WHEN i % 100 = 0 THEN 'note ' || i END FROM generate_series(1, 200000) i;
INSERT INTO orders SELECT i, i % 50, (ARRAY['new','paid','shipped','void','held','gone'])[1 + i % 6], i % 997 FROM generate_series(1, 100000) i;
ANALYZE;`

// TestCheckDrops: an index a bitmap scan uses is not dropped, one no plan
// uses is; a drop that waits for a recommended index is checked with that
// index as a hypothetical one when HypoPG is there, and left unchecked
// without it.
func TestCheckDrops(t *testing.T) {
	c := pgtest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, db := range []string{"hypo", "plain"} {
		if err := c.CreateDatabase(ctx, db); err != nil {
			t.Fatal(err)
		}
		admin := c.Connect(t, db)
		if _, err := admin.Exec(ctx, dropsSchema+dropsData); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Connect(t, "hypo").Exec(ctx, "CREATE EXTENSION hypopg"); err != nil {
		t.Skipf("hypopg: %v", err)
	}
	schema, rep, err := catalog.ParseDDL(dropsSchema)
	if err != nil || rep.Failed > 0 {
		t.Fatalf("schema: %v %v", err, rep.Errors)
	}
	an := analyzer.New(schema)
	for _, q := range []string{
		`SELECT count(*) FROM events WHERE tenant_id = 7 AND kind = 'kind_7' AND payload @> '{"source": "mobile"}'`,
		`SELECT id, total FROM orders WHERE tenant_id = 7 AND status = 'held'`,
		`INSERT INTO events (id, tenant_id, kind, payload) VALUES (1, 2, 'x', '{}')`,
	} {
		an.Add(&capture.Statement{Query: []byte(q), Calls: 10})
	}
	w := an.Result()
	events := catalog.QualifiedName{Schema: "public", Name: "events"}
	orders := catalog.QualifiedName{Schema: "public", Name: "orders"}
	advice := func() *advisor.Result {
		return &advisor.Result{Recommendations: []advisor.Recommendation{
			{Kind: advisor.KindCreateIndex, Table: orders, Index: &advisor.IndexDetail{Name: "orders_tenant_id_status_idx"},
				DDL: "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_tenant_id_status_idx ON public.orders (tenant_id, status);"},
			{Kind: advisor.KindDropIndex, Table: events, Index: &advisor.IndexDetail{Name: "events_tenant_id_kind_idx"}, Reason: "No index scan."},
			{Kind: advisor.KindUnusedIndex, Table: events, Index: &advisor.IndexDetail{Name: "events_note_idx"}, Reason: "Unused."},
			{Kind: advisor.KindDropIndex, Table: orders, Index: &advisor.IndexDetail{Name: "orders_tenant_idx", SupersededBy: "orders_tenant_id_status_idx"}, Reason: "Superseded."},
		}}
	}
	for _, c2 := range []struct {
		db                 string
		checked, unchecked int
	}{
		{"hypo", 3, 0},
		{"plain", 2, 1},
	} {
		t.Run(c2.db, func(t *testing.T) {
			conn := readOnly(t, c, c2.db)
			res := advice()
			rep, err := CheckDrops(ctx, conn, w, res)
			if err != nil {
				t.Fatal(err)
			}
			var left []string
			for _, r := range res.Recommendations {
				left = append(left, r.Name())
			}
			if strings.Join(left, " ") != "orders_tenant_id_status_idx events_note_idx orders_tenant_idx" {
				t.Errorf("recommendations left: %v", left)
			}
			if len(res.Rejected) != 1 || res.Rejected[0].Name() != "events_tenant_id_kind_idx" || !strings.Contains(res.Rejected[0].Reason, "Kept: the planner uses it") {
				t.Errorf("rejected: %+v", res.Rejected)
			}
			if rep.Checked != c2.checked || rep.Unchecked != c2.unchecked || len(rep.Kept) != 1 || rep.Explains == 0 {
				t.Errorf("report %+v, want %d checked, %d unchecked, 1 kept", rep, c2.checked, c2.unchecked)
			}
			var mode string
			if err := conn.QueryRow(ctx, "SELECT current_setting('plan_cache_mode')").Scan(&mode); err != nil || mode != "auto" {
				t.Errorf("plan_cache_mode left as %q (%v)", mode, err)
			}
		})
	}
}
