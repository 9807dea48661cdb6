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
		{"is null", "SELECT id FROM tickets WHERE closed_at IS NULL ORDER BY opened_at LIMIT 10", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			an := analyzer.New(schema)
			addWorkloadLine(t, an, "calls=100000 ms=50 | "+tc.query)
			res := Advise(an.Result(), schema, Options{ShowValues: tc.showValues})
			partial := 0
			for _, r := range append(res.Recommendations, res.Rejected...) {
				if strings.Contains(strings.ToLower(r.Index), "secretvalue") || strings.Contains(r.Index, "jane") {
					t.Errorf("index name holds the value: %s", r.Index)
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
