package analyzer

import (
	"fmt"
	"strings"
	"testing"

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
		bucket := f.Bucket("week")
		// Bucket reuses the column's SQL: what deparsing it all gives.
		if want := exprOf(bucket.version, bucket.node); expr(bucket) != expr(want) {
			t.Errorf("%q: bucket %s, deparsed %s", sql, expr(bucket), expr(want))
		}
		fmt.Fprintf(&b, "filter %s ranged=%v bucket=%s\n", expr(f.Expr), f.Ranged, bucket.SQL)
	}
	for _, a := range q.Aggregates {
		fmt.Fprintf(&b, "aggregate %s star=%v args=%d arg=%q distinct=%v\n", a.Func, a.Star, a.Args, a.Arg, a.Distinct)
	}
	return b.String()
}
