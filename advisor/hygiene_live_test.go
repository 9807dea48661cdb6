package advisor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/pgtest"
)

// hygieneLiveSchema: events with a (tenant_id, kind) index that a bitmap scan
// uses and a note index nothing uses; orders with two copies of one index,
// of which only the older one was ever scanned.
const hygieneLiveSchema = `
CREATE TABLE events (id bigint PRIMARY KEY, tenant_id integer NOT NULL, kind text NOT NULL,
	payload jsonb NOT NULL, note text, created_at timestamptz NOT NULL);
INSERT INTO events SELECT i, i % 40, 'kind_' || (i % 25), jsonb_build_object('source', (ARRAY['web','mobile','api'])[1 + i % 3], 'n', i),
	CASE WHEN i % 100 = 0 THEN 'note ' || i END, timestamptz '2026-10-01' + i * interval '10 seconds'
	FROM generate_series(1, 300000) i;
CREATE INDEX events_tenant_id_kind_idx ON events (tenant_id, kind);
CREATE INDEX events_note_idx ON events (note);
CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id integer NOT NULL, status text NOT NULL, total numeric NOT NULL);
INSERT INTO orders SELECT i, i % 500, (ARRAY['new','paid','shipped'])[1 + i % 3], i % 997 FROM generate_series(1, 100000) i;
CREATE INDEX orders_tenant_idx ON orders (tenant_id);
ANALYZE;`

// The events query of issue #11: a Bitmap Index Scan on (tenant_id, kind),
// rechecked against the payload.
const bitmapQuery = `SELECT count(*) FROM events WHERE tenant_id = 7 AND kind = 'kind_7' AND payload @> '{"source": "mobile"}'`

// TestHygieneOnRealServer checks the hygiene of issue #11 against statistics
// read from a real server: the window of idx_scan = 0 when the statistics
// were never reset, duplicates (the scanned copy stays), and an index a
// bitmap scan uses (not unused).
func TestHygieneOnRealServer(t *testing.T) {
	cluster := pgtest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn := cluster.Connect(t, "postgres")
	exec := func(sql string) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(hygieneLiveSchema)
	// The planner's pick for the tenant lookup gets the scans; its copy,
	// created after, has none.
	for i := 0; i < 9; i++ {
		exec("SELECT count(*) FROM orders WHERE tenant_id = 42")
	}
	exec("CREATE INDEX orders_tenant_id_idx ON orders (tenant_id)")
	exec("SELECT pg_stat_force_next_flush()")
	exec("SELECT 1")
	plan := strings.Join(rows(t, ctx, conn, "EXPLAIN (COSTS OFF) "+bitmapQuery), "\n")
	if !strings.Contains(plan, "Bitmap Index Scan on events_tenant_id_kind_idx") {
		t.Fatalf("the premise fails: the planner does not use events_tenant_id_kind_idx by a bitmap scan:\n%s", plan)
	}

	read := cluster.Connect(t, "postgres")
	schema, rep, err := catalog.ReadLive(ctx, read)
	if err != nil {
		t.Fatal(err)
	}
	if rep.StatsReset != nil || rep.ServerStart == nil {
		t.Fatalf("a fresh cluster: stats_reset %v (want NULL), server start %v", rep.StatsReset, rep.ServerStart)
	}
	for _, ix := range schema.Lookup("public", "orders").Indexes {
		if ix.Name == "orders_tenant_idx" && (ix.Stats == nil || ix.Stats.Scans < 9) {
			t.Fatalf("orders_tenant_idx statistics: %+v", ix.Stats)
		}
	}
	an := analyzer.New(schema)
	for _, st := range []struct {
		sql   string
		calls int64
	}{
		{bitmapQuery, 400},
		{"SELECT * FROM orders WHERE tenant_id = 42", 900},
		{"INSERT INTO events (id, tenant_id, kind, payload, note, created_at) VALUES (1, 2, 'kind_3', '{}', NULL, now())", 3000},
		{"INSERT INTO orders (id, tenant_id, status, total) VALUES (1, 2, 'new', 3)", 300},
	} {
		an.Add(&capture.Statement{Query: []byte(st.sql), Calls: st.calls})
	}
	advise := func(now time.Time, versionNum int) map[string]Recommendation {
		res := Advise(an.Result(), schema, Options{Now: now, StatsReset: rep.StatsReset, ServerStart: rep.ServerStart, ServerVersionNum: versionNum,
			MinBenefit: DefaultMinBenefitShare, MinBenefitIsShare: true})
		drops := map[string]Recommendation{}
		for _, r := range res.Recommendations {
			if r.Kind == KindDropIndex || r.Kind == KindUnusedIndex {
				drops[r.Index.Name] = r
			}
		}
		return drops
	}
	start := *rep.ServerStart

	t.Run("stats never reset", func(t *testing.T) {
		for _, c := range []struct {
			name       string
			now        time.Time
			version    int
			confidence string
			says       string
		}{
			{"minutes after the start", rep.ReadAt, rep.ServerVersionNum, "low", "pg_postmaster_start_time()"},
			{"8 days after the start", start.Add(8 * 24 * time.Hour), rep.ServerVersionNum, "high", "from PostgreSQL 15 on they survive a clean restart"},
			{"before PostgreSQL 15", start.Add(80 * 24 * time.Hour), 140011, "low", "over an unknown window"},
		} {
			d, ok := advise(c.now, c.version)["events_note_idx"]
			if !ok {
				t.Errorf("%s: events_note_idx (never scanned, no query) is not dropped", c.name)
				continue
			}
			if d.Confidence != c.confidence || !strings.Contains(d.Reason, c.says) || !strings.Contains(d.Reason, "pg_stat_database.stats_reset is NULL") {
				t.Errorf("%s: confidence %s (want %s), reason does not say %q and where the window comes from:\n%s", c.name, d.Confidence, c.confidence, c.says, d.Reason)
			}
		}
	})

	drops := advise(start.Add(8*24*time.Hour), rep.ServerVersionNum)
	t.Run("duplicates", func(t *testing.T) {
		if _, ok := drops["orders_tenant_idx"]; ok {
			t.Errorf("orders_tenant_idx, the copy the planner picks (9 scans), is dropped: %s", drops["orders_tenant_idx"].Reason)
		}
		if d, ok := drops["orders_tenant_id_idx"]; !ok || !strings.Contains(d.Reason, "Duplicate of orders_tenant_idx") {
			t.Errorf("orders_tenant_id_idx (never scanned) is not dropped as the duplicate: %+v", d)
		}
	})
	t.Run("bitmap scan", func(t *testing.T) {
		if d, ok := drops["events_tenant_id_kind_idx"]; ok {
			t.Errorf("events_tenant_id_kind_idx is dropped though a bitmap scan of it serves %s:\n%s", bitmapQuery, d.Reason)
		}
	})
}
