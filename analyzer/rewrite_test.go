package analyzer

import (
	"testing"

	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
)

// TestRewriteUnnamed: a rewrite made before the summary's name is known,
// named afterwards, is the rewrite made with the name, quoted names
// included, through a cache of the re-aggregations or not; a query whose
// text holds the placeholder is not named (the caller rewrites it).
func TestRewriteUnnamed(t *testing.T) {
	queries := []string{
		"SELECT date_trunc('day', o.created_at) AS d, o.region, count(*), avg(o.total) FROM orders o WHERE o.t = 1 AND o.created_at >= '2024-01-01' GROUP BY 1, 2 HAVING max(o.total) > 3 ORDER BY d",
		"SELECT status, sum(total), count(*) FROM orders WHERE tenant = 5 GROUP BY status",
		"SELECT status, count(*) FROM orders WHERE note = ' FROM " + summaryPlaceholder + "' GROUP BY status",
	}
	cols := func(cache *DeparseCache) SummaryColumns {
		return SummaryColumns{
			Column: func(sql string, column bool) (string, bool) { return "c_" + sql[len(sql)-1:], column },
			Aggregate: func(c AggregateCall) (string, error) {
				return "sum(" + catalog.QuoteIdent(c.Func+"_x") + ")::bigint", nil
			},
			Deparsed: cache,
		}
	}
	var cache DeparseCache
	for i, q := range queries {
		a := New(nil)
		a.Add(&capture.Statement{Query: []byte(q), Calls: 1})
		w := a.Result()
		if len(w.Shapes) != 1 || w.Shapes[0].Aggregate == nil {
			t.Fatalf("%q: no aggregate shape", q)
		}
		agg := w.Shapes[0].Aggregate
		for _, c := range []*DeparseCache{nil, &cache, &cache} {
			unnamed, err := agg.RewriteUnnamed(cols(c))
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			for _, table := range []catalog.QualifiedName{{Name: "s"}, {Schema: "public", Name: "Sum mary"}, {Schema: "a", Name: "select"}} {
				want, err := agg.Rewrite(table, cols(c))
				if err != nil {
					t.Fatalf("%q: %v", q, err)
				}
				got, ok := unnamed.Named(table)
				if i == 2 {
					if ok {
						t.Errorf("%q: named %q, though the query holds the placeholder", q, got)
					}
					continue
				}
				if !ok || got != want {
					t.Errorf("%q, %s: named %q (%v), want %q", q, table, got, ok, want)
				}
			}
		}
	}
}
