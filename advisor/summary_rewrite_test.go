package advisor

import (
	"testing"

	"github.com/pgadvise/pgadvise/catalog"
)

// TestSummaryRewriteReuse: a shape's rewrite against its merged summary
// is the one made from scratch (rewrite), whether it reuses the shape's
// first rewrite (the merged summary answers that rewrite's lookups alike)
// or not (here a key renamed by the merge: two shapes call different keys
// "d"), and the test sees both.
func TestSummaryRewriteReuse(t *testing.T) {
	m, w := workloadModel(t, `CREATE TABLE public.orders (id bigint NOT NULL, tenant_id bigint NOT NULL, status text NOT NULL, total numeric(12,2) NOT NULL, created_at timestamp with time zone NOT NULL);`, nil,
		"calls=500 | SELECT date_trunc('day', created_at) AS d, count(*) FROM orders WHERE tenant_id = $1 GROUP BY 1",
		"calls=500 | SELECT status AS d, sum(total) FROM orders WHERE tenant_id = $1 GROUP BY 1",
		"calls=500 | SELECT tenant_id, avg(total) FROM orders WHERE created_at >= $1 GROUP BY tenant_id")
	c := &summaryCandidate{deparsed: &m.deparsed}
	for _, s := range w.Shapes {
		as := analyzeAggregate(m, s)
		if as == nil || as.why != "" {
			t.Fatalf("%s: not summarized (%v)", s.Query, as)
		}
		c.from, c.tables = as.from, as.tables
		c.shapes = append(c.shapes, as)
	}
	c.merge()
	q := catalog.QualifiedName{Schema: "public", Name: "orders_summary"}
	column := c.columns()
	var reused, redone int
	for _, s := range c.shapes {
		want, err := c.rewrite(s, q)
		if err != nil {
			t.Fatal(err)
		}
		if !s.sameLookups(column) {
			redone++
			continue
		}
		reused++
		got, ok := s.unnamed.Named(q)
		if !ok || got != want {
			t.Errorf("reused rewrite %q (%v), want %q", got, ok, want)
		}
	}
	if reused == 0 || redone == 0 {
		t.Errorf("%d rewrites reused, %d redone: the test would prove little", reused, redone)
	}
	// render takes the same path.
	rec := Recommendation{Summary: &SummaryDetail{}}
	c.render(&rec, q.Name, "periodic", "15 minutes")
	for i, rw := range rec.Summary.RewrittenQueries {
		want, _ := c.rewrite(c.shapes[i], q)
		if rw.sample != want {
			t.Errorf("rendered %q, want %q", rw.sample, want)
		}
	}
}
