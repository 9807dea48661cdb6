package advisor

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/pgtest"
)

const integrationSchema = `
CREATE TABLE public.orders (id bigint PRIMARY KEY, tenant_id integer NOT NULL, status text NOT NULL, total numeric(12,2) NOT NULL, created_at timestamp with time zone NOT NULL);
CREATE TABLE public.events (id bigint PRIMARY KEY, tenant_id integer NOT NULL, kind text NOT NULL, created_at timestamp with time zone NOT NULL);`

// TestRecommendationsOnRealServer builds the recommended summary table and
// partitions in a throwaway PostgreSQL and checks that the rewritten queries
// return the same rows as the originals, on the summary and on the
// partitioned copy of the table.
func TestRecommendationsOnRealServer(t *testing.T) {
	cluster := pgtest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, cluster.DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	exec := func(sql string) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(integrationSchema)
	exec(`INSERT INTO orders SELECT i, i % 13, (ARRAY['new','paid','shipped','void'])[1 + i % 4], (i % 997) / 10.0,
		timestamptz '2026-09-01 00:00+00' + (i % 90) * interval '1 day' + (i % 1440) * interval '1 minute'
		FROM generate_series(1, 60000) i`)
	exec(`INSERT INTO events SELECT i, i % 7, (ARRAY['click','view','buy'])[1 + i % 3],
		timestamptz '2026-10-01 00:00+00' + (i % 60) * interval '1 day' + (i % 97) * interval '1 minute'
		FROM generate_series(1, 40000) i`)
	exec("ANALYZE")

	schema, _, err := catalog.ParseDDL(integrationSchema)
	if err != nil {
		t.Fatal(err)
	}
	// Statistics that make both kinds of advice worth it: the real tables
	// are small, the model is told they are production-sized.
	schema.Lookup("public", "orders").Stats = &catalog.TableStats{Rows: 20_000_000, Pages: 250_000}
	schema.Lookup("public", "orders").Column("tenant_id").Stats = &catalog.ColumnStats{NDistinct: 200}
	schema.Lookup("public", "orders").Column("status").Stats = &catalog.ColumnStats{NDistinct: 4}
	schema.Lookup("public", "events").Stats = &catalog.TableStats{Rows: 400_000_000, Pages: 8_000_000}

	summaryQueries := []string{
		"SELECT date_trunc('day', created_at) AS day, count(*) AS orders, sum(total) AS revenue FROM orders WHERE tenant_id = 7 AND created_at >= '2026-10-01 00:00+00' GROUP BY 1 ORDER BY day",
		"SELECT status, count(*), avg(total), min(total), max(total) FROM orders WHERE tenant_id = 3 AND created_at >= '2026-09-15 00:00+00' AND created_at < '2026-10-15 00:00+00' GROUP BY status ORDER BY status",
	}
	eventQuery := "SELECT kind, count(*) FROM events WHERE tenant_id = 2 AND created_at >= '2026-11-01 00:00+00' AND created_at < '2026-11-20 00:00+00' GROUP BY kind ORDER BY kind"
	an := analyzer.New(schema)
	for _, q := range summaryQueries {
		an.Add(&capture.Statement{Query: []byte(q), Calls: 3000, Timed: true, TotalMS: 3000 * 500})
	}
	an.Add(&capture.Statement{Query: []byte("INSERT INTO orders (id, tenant_id, status, total, created_at) VALUES (1, 2, 'new', 3, now())"), Calls: 300})
	an.Add(&capture.Statement{Query: []byte(eventQuery), Calls: 2000, Timed: true, TotalMS: 2000 * 4000})
	an.Add(&capture.Statement{Query: []byte("INSERT INTO events (id, tenant_id, kind, created_at) VALUES (1, 2, 'x', now())"), Calls: 3_000_000})
	an.Add(&capture.Statement{Query: []byte("DELETE FROM events WHERE created_at < now() - interval '30 days'"), Calls: 1, Timed: true, TotalMS: 3_600_000})
	res := Advise(an.Result(), schema, Options{Now: time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)})

	var summary, partition *Recommendation
	for i := range res.Recommendations {
		switch r := &res.Recommendations[i]; r.Kind {
		case KindSummaryTable:
			summary = r
		case KindPartition:
			if r.Partition != nil && r.Partition.Strategy == "range" && r.Table.Name == "events" {
				partition = r
			}
		}
	}
	if summary == nil || partition == nil {
		for _, r := range res.Rejected {
			t.Logf("rejected %s %s: %s", r.Kind, r.Name(), r.Reason)
		}
		t.Fatalf("want a summary table and a range partitioning; got %+v", res.Recommendations)
	}

	t.Run("summary table", func(t *testing.T) {
		runSteps(t, ctx, conn, summary.Steps)
		if len(summary.Summary.RewrittenQueries) != len(summaryQueries) {
			t.Fatalf("%d rewritten queries, want %d", len(summary.Summary.RewrittenQueries), len(summaryQueries))
		}
		for _, rw := range summary.Summary.RewrittenQueries {
			orig := sampleOf(t, an, rw.Fingerprint)
			want, got := rows(t, ctx, conn, orig), rows(t, ctx, conn, rw.sample)
			if len(want) == 0 {
				t.Fatalf("the original query returns nothing: %s", orig)
			}
			if strings.Join(want, "\n") != strings.Join(got, "\n") {
				t.Errorf("rewritten query differs\noriginal:  %s\nrewritten: %s\nwant:\n%s\ngot:\n%s", orig, rw.sample, strings.Join(want, "\n"), strings.Join(got, "\n"))
			}
		}
	})

	t.Run("partitions", func(t *testing.T) {
		runSteps(t, ctx, conn, partition.Steps)
		if _, err := conn.Exec(ctx, "INSERT INTO public.events_partitioned SELECT * FROM public.events"); err != nil {
			t.Fatal(err)
		}
		var parts int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.events_partitioned'::regclass").Scan(&parts); err != nil {
			t.Fatal(err)
		}
		if parts < 2 {
			t.Errorf("%d partitions", parts)
		}
		want := rows(t, ctx, conn, eventQuery)
		got := rows(t, ctx, conn, strings.Replace(eventQuery, "FROM events", "FROM events_partitioned", 1))
		if len(want) == 0 || strings.Join(want, "\n") != strings.Join(got, "\n") {
			t.Errorf("partitioned table answers differently:\nwant %v\ngot  %v", want, got)
		}
		// The window prunes: the plan reads fewer partitions than exist.
		plan := strings.Join(rows(t, ctx, conn, "EXPLAIN (COSTS OFF) "+strings.Replace(eventQuery, "FROM events", "FROM events_partitioned", 1)), "\n")
		if scanned := strings.Count(plan, "Scan on events_"); scanned == 0 || scanned >= parts {
			t.Errorf("the query scans %d of %d partitions:\n%s", scanned, parts, plan)
		}
	})
}

// runSteps executes a plan's statements (its comment lines are skipped).
func runSteps(t *testing.T, ctx context.Context, conn *pgx.Conn, steps []string) {
	t.Helper()
	for _, st := range steps {
		if strings.HasPrefix(st, "--") {
			continue
		}
		if _, err := conn.Exec(ctx, st); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
}

func sampleOf(t *testing.T, an *analyzer.Analyzer, fp string) string {
	for _, s := range an.Result().Shapes {
		if s.Fingerprint == fp {
			return s.SampleQuery
		}
	}
	t.Fatalf("no shape %s", fp)
	return ""
}

// rows runs a query and returns its rows as text, sorted.
func rows(t *testing.T, ctx context.Context, conn *pgx.Conn, sql string) []string {
	t.Helper()
	r, err := conn.Query(ctx, sql, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer r.Close()
	var out []string
	for r.Next() {
		vals, err := r.Values()
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, v := range vals {
			parts = append(parts, normalizeValue(v))
		}
		out = append(out, strings.Join(parts, " | "))
	}
	if err := r.Err(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	sort.Strings(out)
	return out
}

// normalizeValue prints a value so that equal numbers of different types
// (bigint 5, numeric 5.000) compare equal.
func normalizeValue(v any) string {
	s := fmt.Sprint(v)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
