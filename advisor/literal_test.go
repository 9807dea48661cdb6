package advisor

import (
	"strings"
	"testing"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/catalog"
)

// TestLiteralNotInNameOrReason: a constant every execution carries becomes a
// partial index's predicate. The DDL keeps it; the index name and the
// reason do not (unless ShowValues), and the recommendation says its DDL
// holds a literal (issue 12, part 4).
func TestLiteralNotInNameOrReason(t *testing.T) {
	const secret = "SECRETVALUE-jane.doe@example.com"
	schema, rep, err := catalog.ParseDDL(`CREATE TABLE public.tickets (id bigint NOT NULL, queue text NOT NULL, opened_at timestamptz NOT NULL, closed_at timestamptz);
		ALTER TABLE ONLY public.tickets ADD CONSTRAINT tickets_pkey PRIMARY KEY (id);`)
	if err != nil || rep.Failed > 0 {
		t.Fatal(err, rep.Errors)
	}
	applyStats(t, schema, []string{
		"table public.tickets rows=10000000 pages=400000",
		"column public.tickets.queue n_distinct=5 mcv=main:0.9,vip:0.05," + secret + ":0.01",
		"column public.tickets.opened_at n_distinct=-0.8 correlation=0.3",
		"column public.tickets.closed_at null_frac=0.98 n_distinct=-0.01",
	})
	for _, tc := range []struct {
		name       string
		query      string
		showValues bool
		// literal: the partial index's DDL holds the secret.
		literal bool
	}{
		{"value", "SELECT * FROM tickets WHERE queue = '" + secret + "' ORDER BY opened_at LIMIT 10", false, true},
		{"value shown", "SELECT * FROM tickets WHERE queue = '" + secret + "' ORDER BY opened_at LIMIT 10", true, true},
		{"IN list", "SELECT * FROM tickets WHERE queue IN ('" + secret + "', 'x') ORDER BY opened_at LIMIT 10", false, false},
		{"is null", "SELECT * FROM tickets WHERE closed_at IS NULL ORDER BY opened_at LIMIT 10", false, false},
		{"is not null", "SELECT * FROM tickets WHERE closed_at IS NOT NULL ORDER BY opened_at LIMIT 10", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			an := analyzer.New(schema)
			addWorkloadLine(t, an, "calls=100000 ms=50 | "+tc.query)
			res := Advise(an.Result(), schema, Options{ShowValues: tc.showValues})
			partial := 0
			for _, r := range append(res.Recommendations, res.Rejected...) {
				if strings.Contains(strings.ToLower(r.Name()), "secretvalue") || strings.Contains(r.Name(), "jane") {
					t.Errorf("index name holds the value: %s", r.Name())
				}
				if strings.Contains(r.Reason, secret) != (tc.showValues && r.ContainsLiteral) {
					t.Errorf("reason (show values %v): %s", tc.showValues, r.Reason)
				}
				if r.ContainsLiteral != strings.Contains(r.DDL, secret) {
					t.Errorf("contains_literal %v for %s", r.ContainsLiteral, r.DDL)
				}
				if strings.Contains(r.DDL, " WHERE ") {
					partial++
				}
			}
			if tc.literal && partial == 0 {
				t.Fatalf("no partial index to test: %+v", res.Recommendations)
			}
		})
	}
}

// TestPartialNames: an index name tells IS NULL from IS NOT NULL (the same
// name for both would let CREATE INDEX IF NOT EXISTS skip the second), keeps
// true and false, and hashes any other constant.
func TestPartialNames(t *testing.T) {
	schema, _, err := catalog.ParseDDL(`CREATE TABLE public.t (id bigint, a int, d timestamptz, s text, b boolean);`)
	if err != nil {
		t.Fatal(err)
	}
	m := buildModel(analyzer.New(schema).Result(), schema)
	tm := m.tables[catalog.QualifiedName{Schema: "public", Name: "t"}]
	col := func(c string) analyzer.ColumnRef { return analyzer.ColumnRef{Column: c} }
	names := map[string]string{}
	for _, tc := range []struct {
		pred analyzer.Predicate
		want string
	}{
		{analyzer.Predicate{Target: col("d"), Op: analyzer.OpIsNull}, "t_a_where_d_idx"},
		{analyzer.Predicate{Target: col("d"), Op: analyzer.OpIsNotNull}, "t_a_where_d_not_null_idx"},
		{analyzer.Predicate{Target: col("b"), Op: analyzer.OpEq, Value: "true"}, "t_a_where_b_true_idx"},
		{analyzer.Predicate{Target: col("s"), Op: analyzer.OpEq, Value: "'jane@example.com'"}, "t_a_where_s_"},
		{analyzer.Predicate{Target: col("s"), Op: analyzer.OpEq, Value: "'joe@example.com'"}, "t_a_where_s_"},
	} {
		ix := &indexModel{t: tm, method: "btree", keys: []indexKey{{key: "a", column: "a"}}, predicate: []analyzer.Predicate{tc.pred}}
		got := ix.indexName()
		if !strings.HasPrefix(got, tc.want) || strings.Contains(got, "example") {
			t.Errorf("%+v: %s, want %s…", tc.pred, got, tc.want)
		}
		if other, dup := names[got]; dup {
			t.Errorf("%s: the same name as %s", got, other)
		}
		names[got] = tc.pred.Value + string(tc.pred.Op)
	}
}
