package analyzer

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// describeAggregate prints what aggregateQuery found, one fact a line.
func describeAggregate(t *testing.T, sql string) string {
	t.Helper()
	tree, err := pg_query.Parse(sql)
	if err != nil {
		t.Fatalf("parse %q: %v", sql, err)
	}
	q := aggregateQuery(tree)
	if q == nil {
		return "not an aggregate query\n"
	}
	if q.Blocked != "" {
		return "blocked: " + q.Blocked + "\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "from %s\n", q.From)
	expr := func(e Expr) string {
		s := e.SQL
		if e.Column != "" {
			s += fmt.Sprintf(" column=%s name=%s", e.Column, e.Name)
		}
		if e.Truncated {
			s += " unit=" + e.Unit
		}
		return s
	}
	for _, g := range q.Groups {
		fmt.Fprintf(&b, "group %s alias=%q grouping_set=%v\n", expr(g.Expr), g.Alias, g.GroupingSet)
	}
	for _, f := range q.Filters {
		fmt.Fprintf(&b, "filter %s ranged=%v bucket=%s\n", expr(f.Expr), f.Ranged, f.Bucket("week").SQL)
	}
	for _, a := range q.Aggregates {
		fmt.Fprintf(&b, "aggregate %s star=%v args=%d arg=%q distinct=%v\n", a.Func, a.Star, a.Args, a.Arg, a.Distinct)
	}
	return b.String()
}

func TestAggregateQuery(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"SELECT * FROM orders WHERE id = 1", "not an aggregate query\n"},
		{"SELECT string_agg(status, ',') FROM orders", "not an aggregate query\n"},
		{"SELECT count(*) FROM orders UNION SELECT count(*) FROM users", "not an aggregate query\n"},
		{
			"SELECT date_trunc('day', o.created_at) AS day, c.region, count(*), avg(o.total), sum(DISTINCT o.total) FROM orders o JOIN customers c ON c.id = o.customer_id, items i " +
				"WHERE i.order_id = o.id AND o.tenant_id = 7 AND o.created_at >= '2024-01-01' GROUP BY 1, c.region HAVING max(o.total) > 10",
			"from orders o JOIN customers c ON c.id = o.customer_id, items i WHERE i.order_id = o.id\n" +
				"group date_trunc('day', o.created_at) column=o.created_at name=created_at unit=day alias=\"day\" grouping_set=false\n" +
				"group c.region column=c.region name=region alias=\"\" grouping_set=false\n" +
				"filter o.tenant_id column=o.tenant_id name=tenant_id ranged=false bucket=date_trunc('week', o.tenant_id)\n" +
				"filter o.created_at column=o.created_at name=created_at ranged=true bucket=date_trunc('week', o.created_at)\n" +
				"aggregate count star=true args=0 arg=\"\" distinct=false\n" +
				"aggregate avg star=false args=1 arg=\"o.total\" distinct=false\n" +
				"aggregate sum star=false args=1 arg=\"o.total\" distinct=true\n" +
				"aggregate max star=false args=1 arg=\"o.total\" distinct=false\n",
		},
		{"SELECT status, count(*) FROM orders GROUP BY ROLLUP (status)", "from orders\ngroup  alias=\"\" grouping_set=true\naggregate count star=true args=0 arg=\"\" distinct=false\n"},
		{"WITH x AS (SELECT 1) SELECT count(*) FROM orders", "blocked: a WITH query\n"},
		{"SELECT DISTINCT status, count(*) FROM orders GROUP BY status", "blocked: SELECT DISTINCT\n"},
		{"SELECT count(*) FROM orders o LEFT JOIN users u ON u.id = o.user_id", "not an aggregate query\n"},
		{"SELECT count(*) FROM orders o, generate_series(1, 3) g", "blocked: a FROM clause with subqueries or functions\n"},
		{"SELECT count(*) FROM orders WHERE user_id IN (SELECT id FROM users)", "blocked: a subquery\n"},
		{"SELECT count(*) FILTER (WHERE total > 0) FROM orders", "blocked: window or ordered/filtered aggregates\n"},
		{"SELECT date_trunc($1, created_at), count(*) FROM orders GROUP BY 1", "blocked: a date_trunc unit that is a parameter\n"},
		// One list of aggregates: a non-decomposable one next to a
		// decomposable one, or under GROUP BY, blocks a summary.
		{"SELECT status, string_agg(note, ','), count(*) FROM orders GROUP BY status", "blocked: an aggregate that cannot be re-aggregated (string_agg)\n"},
		{"SELECT status, array_agg(status) FROM orders GROUP BY status", "blocked: an aggregate that cannot be re-aggregated (array_agg)\n"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, describeAggregate(t, tt.sql)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.sql, diff)
		}
	}
}
