package advisor

import (
	"strings"
	"testing"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/catalog"
)

// TestConsolidate checks the pass that follows the greedy: two chosen
// btrees that differ only in INCLUDE become the one that INCLUDEs both
// lists, when that costs the reads less than the minimum benefit.
func TestConsolidate(t *testing.T) {
	schema, _, err := catalog.ParseDDL(`CREATE TABLE public.orders (id bigint NOT NULL, user_id bigint NOT NULL, status text NOT NULL, total numeric(12,2) NOT NULL, created_at timestamp with time zone NOT NULL);`)
	if err != nil {
		t.Fatal(err)
	}
	applyStats(t, schema, []string{
		"table public.orders rows=20000000 pages=400000",
		"column public.orders.created_at n_distinct=-1 correlation=0.1",
	})
	an := analyzer.New(schema)
	for _, line := range []string{
		"calls=20000 | SELECT total, status FROM orders WHERE created_at BETWEEN $1 AND $2",
		"calls=3000 | SELECT user_id FROM orders WHERE created_at BETWEEN $1 AND $2",
		"calls=50000 | INSERT INTO orders (user_id, status, total, created_at) VALUES ($1, $2, $3, now())",
	} {
		addWorkloadLine(t, an, line)
	}
	for _, tt := range []struct {
		name       string
		minBenefit float64
		want       []string
	}{
		{"merged", 1e12, []string{"orders_created_at_incl_status_total_user_id_idx"}},
		{"kept apart when no loss is allowed", -1, []string{"orders_created_at_incl_status_total_idx", "orders_created_at_incl_user_id_idx"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := buildModel(an.Result(), schema)
			s := newSelection(m, 0, tt.minBenefit)
			for _, name := range []string{"orders_created_at_incl_status_total_idx", "orders_created_at_incl_user_id_idx"} {
				c := findCandidate(s, name)
				if c == nil {
					t.Fatalf("no candidate %s", name)
				}
				s.evaluate(c)
				s.choose(c, c.options[0])
			}
			spent := s.spent
			s.consolidate()
			var got []string
			for _, c := range s.chosen {
				got = append(got, c.ix.indexName())
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("chosen %q, want %q", got, tt.want)
			}
			if len(tt.want) == 1 && s.spent >= spent {
				t.Errorf("one index where there were two, yet the size spent went from %.0f to %.0f", spent, s.spent)
			}
		})
	}
}

func findCandidate(s *selection, name string) *candidate {
	for _, c := range s.pool {
		if c.ix.indexName() == name {
			return c
		}
	}
	return nil
}
