package main

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/pgtest"
)

// TestPipeline runs the whole benchmark at SF 0.01 on a throwaway cluster
// and checks that the outcome is sane. It skips without PostgreSQL server
// binaries (or without HypoPG), and fails instead under CI=true.
func TestPipeline(t *testing.T) {
	start := time.Now()
	c := pgtest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := c.CreateDatabase(ctx, "tpch"); err != nil {
		t.Fatal(err)
	}
	conn := c.Connect(t, "tpch")
	var hypopg bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg')").Scan(&hypopg); err != nil {
		t.Fatal(err)
	}
	if !hypopg {
		if os.Getenv("CI") == "true" {
			t.Fatal("HypoPG is not installed (apt-get install postgresql-15-hypopg)")
		}
		t.Skip("HypoPG is not installed (apt-get install postgresql-15-hypopg)")
	}

	cfg := config{SF: 0.01, DSN: c.DSN("tpch"), Load: true, Budgets: []float64{0.25, 1.0},
		MinBenefit: advisor.DefaultMinBenefitShare, Variants: 2, Reference: true, Build: true,
		Execute: &execOptions{Rounds: 1, Timeout: 5 * time.Second}, ExecuteBudgets: []float64{1.0}}
	// A set of one's own beside the advisor's (-compare).
	extra, err := readSets(strings.NewReader("set orders by date\nCREATE INDEX ON orders (o_orderdate) INCLUDE (o_custkey);\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ExecuteSets = extra
	rep, err := run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}

	// The generator is deterministic and near dbgen's figures.
	var lines, orders, statusP, custs int64
	var minDate, maxDate time.Time
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM lineitem), count(*), count(*) FILTER (WHERE o_orderstatus = 'P'),
		count(DISTINCT o_custkey), min(o_orderdate), max(o_orderdate) FROM orders`).Scan(&lines, &orders, &statusP, &custs, &minDate, &maxDate); err != nil {
		t.Fatal(err)
	}
	if lines != 59832 || orders != 15000 {
		t.Errorf("lineitem %d rows, orders %d: the generator is no longer deterministic (want 59832, 15000)", lines, orders)
	}
	if custs != 1000 || statusP < 200 || statusP > 600 {
		t.Errorf("%d customers with orders (want 1000: 2 of every 3), %d orders with status P (about 2.5%%)", custs, statusP)
	}
	if minDate.Format("2006-01-02") != "1992-01-01" || maxDate.Format("2006-01-02") != "1998-08-02" {
		t.Errorf("order dates %v .. %v", minDate, maxDate)
	}
	if rep.Load.AllVisible < 1 {
		t.Errorf("only %.0f%% of the pages all-visible after the load", 100*rep.Load.AllVisible)
	}

	for _, q := range rep.Baseline {
		if !(q.Before > 0) {
			t.Errorf("Q%d: baseline cost %v", q.N, q.Before)
		}
	}
	var prev *budgetResult
	for _, b := range rep.Budgets {
		t.Logf("budget %.2g: %d indexes, 19-query relative cost %.3f, geometric mean %.3f, advisor %v",
			b.Share, len(b.Indexes), b.Rel19, b.Geo22, b.AdvisorTime)
		for _, ix := range b.Indexes {
			t.Logf("  %s  (%s, used by %v)", ix.Def.Hypothetical, ix.Status, ix.UsedBy)
		}
		if len(b.PKCopies) > 0 {
			t.Errorf("budget %.2g: recommended indexes a primary key already serves: %v", b.Share, b.PKCopies)
		}
		if float64(b.AdvisorSize) > b.BudgetBytes {
			t.Errorf("budget %.2g: %d bytes recommended over a budget of %.0f", b.Share, b.AdvisorSize, b.BudgetBytes)
		}
		seen := map[string]bool{}
		for _, ix := range b.Indexes {
			if seen[ix.Def.Hypothetical] {
				t.Errorf("budget %.2g: %s recommended twice", b.Share, ix.Def.Hypothetical)
			}
			seen[ix.Def.Hypothetical] = true
		}
		if b.Geo22 > 1.0001 || b.Rel22 > 1.0001 {
			t.Errorf("budget %.2g: the recommended indexes make the plans dearer (geometric mean %.3f, sum %.3f)", b.Share, b.Geo22, b.Rel22)
		}
		if prev != nil && b.Rel19 > prev.Rel19+0.01 {
			t.Errorf("a larger budget did worse: %.3f at %.2g, %.3f at %.2g", b.Rel19, b.Share, prev.Rel19, prev.Share)
		}
		prev = b
	}
	full := rep.Budgets[len(rep.Budgets)-1]
	if len(full.Indexes) < 3 {
		t.Errorf("budget 1.0: only %d indexes recommended", len(full.Indexes))
	}
	if !(full.Rel19 < 1.0) {
		t.Errorf("budget 1.0: 19-query relative cost %.3f, want < 1", full.Rel19)
	}
	used := 0
	for _, ix := range full.Indexes {
		if len(ix.UsedBy) > 0 {
			used++
		}
	}
	if used == 0 {
		t.Error("budget 1.0: the planner uses none of the recommended indexes")
	}
	// The execution benchmark: every query ran under every set (none, 1×
	// and the -compare one) or hit the timeout, with its plan read, and the
	// indexes it built are gone.
	if rep.Exec == nil || len(rep.Exec.Sets) != 3 || rep.Exec.Sets[2].Name != "orders by date" || len(rep.Exec.Queries) != 22 {
		t.Fatalf("execution benchmark: %+v", rep.Exec)
	}
	for _, q := range rep.Exec.Queries {
		for i, r := range q.Runs {
			if !r.TimedOut && (len(r.Ms) != 1 || r.Plan == "" || !(r.Cost > 0)) {
				t.Errorf("Q%d under %s: %+v", q.N, rep.Exec.Sets[i].Name, r)
			}
		}
	}
	if s := rep.Exec.summary(1); s.Missing > 0 || !(s.BaseMs > 0) || math.IsNaN(s.Geo) {
		t.Errorf("execution summary: %+v", s)
	}
	var left []string
	rows, err := conn.Query(ctx, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		left = append(left, n)
	}
	if rows.Err() != nil || len(left) > 0 {
		t.Errorf("indexes left behind by the execution benchmark: %v (%v)", left, rows.Err())
	}
	if d := time.Since(start); d > 60*time.Second {
		t.Errorf("the pipeline took %v, want under 60 s", d)
	}
}

func TestQueriesSubstitute(t *testing.T) {
	if len(queries) != 22 {
		t.Fatalf("%d queries", len(queries))
	}
	for i, q := range queries {
		if q.n != i+1 {
			t.Errorf("query %d numbered %d", i+1, q.n)
		}
		a, b := q.SQL(0, 0.001), q.SQL(1, 0.001)
		if strings.Contains(a, "[") || strings.Contains(b, "[") {
			t.Errorf("%s: parameter left", q.Name())
		}
		if a == b && q.n != 11 {
			t.Errorf("%s: both parameter sets give the same text", q.Name())
		}
	}
}

func TestSplitSQL(t *testing.T) {
	src := "-- comment\nCREATE FUNCTION f() RETURNS int\nLANGUAGE sql\nAS $$ SELECT 1;\n$$;\n\nSELECT 1;\nSELECT\n  2;\n"
	got := splitSQL(src)
	if len(got) != 3 || !strings.HasPrefix(got[0], "CREATE FUNCTION") || got[2] != "SELECT\n  2;" {
		t.Errorf("splitSQL: %q", got)
	}
	if n := len(splitSQL(genSQL)); n < 20 {
		t.Errorf("gen.sql: %d statements", n)
	}
}

func TestPKServes(t *testing.T) {
	for ddl, want := range map[string]bool{
		"CREATE INDEX CONCURRENTLY IF NOT EXISTS x ON public.lineitem (l_orderkey)":                                        true,
		"CREATE INDEX ON lineitem (l_orderkey, l_linenumber)":                                                              true,
		"CREATE INDEX ON lineitem (l_orderkey) INCLUDE (l_suppkey)":                                                        false,
		"CREATE INDEX ON lineitem (l_partkey)":                                                                             false,
		"CREATE INDEX ON partsupp (ps_partkey)":                                                                            true,
		"CREATE INDEX ON partsupp (ps_suppkey)":                                                                            false,
		"CREATE INDEX ON lineitem USING brin (l_orderkey)":                                                                 false,
		"CREATE INDEX ON lineitem (l_orderkey) WHERE l_returnflag = 'R'":                                                   false,
		"CREATE INDEX CONCURRENTLY IF NOT EXISTS \"o\" ON public.orders USING btree (o_orderkey, o_custkey)":               false,
		"CREATE INDEX CONCURRENTLY IF NOT EXISTS lineitem_l_orderkey_idx ON public.lineitem USING btree (l_orderkey DESC)": true,
	} {
		schema, _, err := catalog.ParseDDL(schemaSQL)
		if err != nil {
			t.Fatal(err)
		}
		def, err := parseIndex(ddl)
		if err != nil {
			t.Fatalf("%s: %v", ddl, err)
		}
		if strings.Contains(def.Hypothetical, "CONCURRENTLY") || strings.Contains(def.Hypothetical, "IF NOT EXISTS") {
			t.Errorf("%s: hypothetical DDL %s", ddl, def.Hypothetical)
		}
		if got := pkServes(schema, def); got != want {
			t.Errorf("%s: pkServes %v, want %v", ddl, got, want)
		}
	}
}
