package advisor

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
)

// syntheticWorkload builds a schema of `tables` tables of 12 columns and a
// workload of about `shapes` distinct query shapes over them: lookups on one
// to three columns, ranges, ORDER BY … LIMIT, joins, aggregates and writes.
func syntheticWorkload(tb testing.TB, tables, shapes int) (*analyzer.Workload, *catalog.Schema) {
	rng := rand.New(rand.NewSource(1))
	var ddl strings.Builder
	for t := 0; t < tables; t++ {
		fmt.Fprintf(&ddl, "CREATE TABLE public.t%d (id bigint NOT NULL, parent_id bigint, tenant_id integer NOT NULL, status text, kind text, score integer, amount numeric(12,2), name text, email text, created_at timestamp with time zone DEFAULT now() NOT NULL, updated_at timestamp with time zone, payload jsonb);\n", t)
		fmt.Fprintf(&ddl, "ALTER TABLE ONLY public.t%d ADD CONSTRAINT t%d_pkey PRIMARY KEY (id);\n", t, t)
		if t%3 == 0 {
			fmt.Fprintf(&ddl, "CREATE INDEX t%d_tenant_id_idx ON public.t%d USING btree (tenant_id);\n", t, t)
		}
	}
	schema, _, err := catalog.ParseDDL(ddl.String())
	if err != nil {
		tb.Fatal(err)
	}
	for _, t := range schema.SortedTables() { // in name order: the same sizes every run
		t.Stats = &catalog.TableStats{Rows: float64(10_000 + rng.Intn(50_000_000))}
	}
	cols := []string{"parent_id", "tenant_id", "status", "kind", "score", "name", "email", "created_at", "updated_at"}
	an := analyzer.New(schema)
	seen := map[string]bool{}
	for tries := 0; len(seen) < shapes && tries < 50*shapes; tries++ {
		t := rng.Intn(tables)
		var q string
		switch rng.Intn(7) {
		case 0, 1:
			n := 1 + rng.Intn(3)
			var conds []string
			for i := 0; i < n; i++ {
				conds = append(conds, fmt.Sprintf("%s = $%d", cols[rng.Intn(len(cols))], i+1))
			}
			q = fmt.Sprintf("SELECT %s FROM t%d WHERE %s", projection(rng, cols), t, strings.Join(conds, " AND "))
		case 2:
			q = fmt.Sprintf("SELECT %s FROM t%d WHERE %s = $1 AND %s > $2 ORDER BY %s DESC LIMIT %d",
				projection(rng, cols), t, cols[rng.Intn(4)], cols[7+rng.Intn(2)], cols[7+rng.Intn(2)], 10+rng.Intn(5)*10)
		case 3:
			u := rng.Intn(tables)
			q = fmt.Sprintf("SELECT a.id, b.name FROM t%d a JOIN t%d b ON b.parent_id = a.id WHERE a.%s = $1", t, u, cols[rng.Intn(len(cols))])
		case 4:
			q = fmt.Sprintf("SELECT %s, count(*), sum(amount) FROM t%d WHERE tenant_id = $1 AND created_at >= $2 GROUP BY 1", cols[2+rng.Intn(2)], t)
		case 5:
			q = fmt.Sprintf("UPDATE t%d SET %s = $1 WHERE id = $2", t, cols[rng.Intn(len(cols))])
		case 6:
			q = fmt.Sprintf("INSERT INTO t%d (tenant_id, status, created_at) VALUES ($1, $2, now())", t)
		}
		if seen[q] {
			continue
		}
		seen[q] = true
		an.Add(&capture.Statement{Query: []byte(q), Calls: int64(1 + rng.Intn(10000)), Timed: true, TotalMS: 10})
	}
	return an.Result(), schema
}

// BenchmarkAdvise measures the advisor on a few thousand distinct shapes over
// a hundred tables: it must take seconds, not minutes.
//
//	go test ./advisor -run '^$' -bench BenchmarkAdvise -benchtime 3x
func BenchmarkAdvise(b *testing.B) {
	w, schema := syntheticWorkload(b, 100, 6000)
	b.ResetTimer()
	var res *Result
	for i := 0; i < b.N; i++ {
		res = Advise(w, schema, Options{MinBenefit: DefaultMinBenefitShare, MinBenefitIsShare: true})
	}
	b.StopTimer()
	b.ReportMetric(float64(len(w.Shapes)), "shapes")
	b.ReportMetric(float64(len(res.Recommendations)), "recommendations")
	b.ReportMetric(float64(res.WhatIfEvaluations), "cost-evaluations")
}

// projection picks one to four columns to select, so that shapes differ.
func projection(rng *rand.Rand, cols []string) string {
	n := 1 + rng.Intn(4)
	out := []string{"id"}
	for i := 0; i < n; i++ {
		out = append(out, cols[rng.Intn(len(cols))])
	}
	return strings.Join(out, ", ")
}

// BenchmarkAdviseNoMinimum is the same without a minimum benefit: every
// index with a positive net benefit is chosen, the most selection steps.
func BenchmarkAdviseNoMinimum(b *testing.B) {
	w, schema := syntheticWorkload(b, 100, 6000)
	b.ResetTimer()
	var res *Result
	for i := 0; i < b.N; i++ {
		res = Advise(w, schema, Options{})
	}
	b.StopTimer()
	b.ReportMetric(float64(len(w.Shapes)), "shapes")
	b.ReportMetric(float64(len(res.Recommendations)), "recommendations")
	b.ReportMetric(float64(res.WhatIfEvaluations), "cost-evaluations")
}

// TestAdviseIsDeterministic: the same workload gives the same advice, run
// after run (map iteration must never leak into the output).
func TestAdviseIsDeterministic(t *testing.T) {
	w, schema := syntheticWorkload(t, 30, 800)
	first := Advise(w, schema, Options{MinBenefit: DefaultMinBenefitShare, MinBenefitIsShare: true})
	for i := 0; i < 3; i++ {
		again := Advise(w, schema, Options{MinBenefit: DefaultMinBenefitShare, MinBenefitIsShare: true})
		if !reflect.DeepEqual(again, first) {
			t.Fatalf("run %d advises differently:\n%v\nvs\n%v", i+2, again.Recommendations, first.Recommendations)
		}
	}
	if len(first.Recommendations) == 0 {
		t.Fatal("no recommendations: the test would prove nothing")
	}
}

// TestStepByTableMatchesPoolScan: without a budget the search re-prices only
// the table a step changed (selection.bestOn); under a budget no step can
// exceed, it weighs the whole pool at every step (runWithBudget). Both must
// choose the same indexes in the same order, with the same figures.
func TestStepByTableMatchesPoolScan(t *testing.T) {
	w, schema := syntheticWorkload(t, 30, 800)
	for _, opt := range []Options{{}, {MinBenefit: DefaultMinBenefitShare, MinBenefitIsShare: true}} {
		byTable := Advise(w, schema, opt)
		opt.BudgetBytes = 1e18
		scan := Advise(w, schema, opt)
		if !reflect.DeepEqual(byTable.Recommendations, scan.Recommendations) {
			t.Errorf("%+v: the searches differ:\n%v\nvs\n%v", opt, byTable.Recommendations, scan.Recommendations)
		}
		if !reflect.DeepEqual(byTable.Rejected, scan.Rejected) {
			t.Errorf("%+v: the rejected lists differ", opt)
		}
		if len(byTable.Recommendations) < 5 {
			t.Fatalf("%d recommendations: the test would prove little", len(byTable.Recommendations))
		}
	}
}

// TestPricedCountsCandidates: Options.Priced is called once per candidate
// priced, on every core at once (the pool is priced in parallel), and
// changes nothing of the advice.
func TestPricedCountsCandidates(t *testing.T) {
	w, schema := syntheticWorkload(t, 30, 800)
	opt := Options{MinBenefit: DefaultMinBenefitShare, MinBenefitIsShare: true}
	plain := Advise(w, schema, opt)
	var n atomic.Int64
	opt.Priced = func() { n.Add(1) }
	counted := Advise(w, schema, opt)
	if !reflect.DeepEqual(counted, plain) {
		t.Fatal("counting the candidates changed the advice")
	}
	// Each priced candidate's pricing counts as its table's readers in
	// WhatIfEvaluations, so there are at least as many evaluations.
	if got := n.Load(); got < 64 || got > int64(counted.WhatIfEvaluations) {
		t.Errorf("%d candidates priced for %d evaluations: want a pool's worth (the parallel path needs 64+)", got, counted.WhatIfEvaluations)
	}
}
