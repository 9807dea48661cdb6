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

// TestRejectedListsEachIdeaOnce: of rejected candidates with the same
// leading keys and the same kind of reason, one is listed and the others
// are counted on it.
func TestRejectedListsEachIdeaOnce(t *testing.T) {
	m, _ := workloadModel(t, `CREATE TABLE public.orders (id bigint NOT NULL, tenant_id integer NOT NULL, status text NOT NULL, total numeric(12,2) NOT NULL, created_at timestamp with time zone NOT NULL);`, nil,
		"calls=5 | SELECT id, total, status FROM orders WHERE tenant_id = $1 AND created_at > $2 ORDER BY created_at LIMIT 20",
		"calls=5 | SELECT id, total FROM orders WHERE tenant_id = $1 AND status = $2")
	s := newSelection(m, 0, 1e15) // nothing is worth it
	s.run()
	rejected := s.rejected(100)
	counted := 0
	for i, r := range rejected {
		counted += strings.Count(r.Reason, "Also rejected, not listed")
		for j, o := range rejected {
			a, b := findCandidate(s, r.Index.Name), findCandidate(s, o.Index.Name)
			if i != j && a != nil && b != nil && supersedes(a.ix, b.ix) {
				ka, _, _ := strings.Cut(r.Reason, ":")
				kb, _, _ := strings.Cut(o.Reason, ":")
				if ka == kb {
					t.Errorf("both listed, %s does all that %s does: %q / %q", r.Name(), o.Name(), r.Reason, o.Reason)
				}
			}
		}
	}
	if len(rejected) == 0 || counted == 0 {
		t.Fatalf("%d rejected, %d with variants counted: the workload should give variants", len(rejected), counted)
	}
}

// TestPricingGrowsLinearly holds the work of pricing the candidates to the
// shapes, not their square: a table's candidates grow with its accesses,
// and each is priced against the accesses it may serve, so without
// maxTableCandidates twice the shapes per table price about four times the
// (candidate, access) pairs. With the bound in force on every table, twice
// the shapes price at most a little over twice the pairs.
func TestPricingGrowsLinearly(t *testing.T) {
	const limit = 40
	pairs := func(shapes int) int {
		w, schema := syntheticWorkload(t, 2, shapes)
		m := buildModel(w, schema)
		m.maxTableCandidates = limit
		s := newSelection(m, 0, 0)
		if m.bound.tables != 2 {
			t.Fatalf("%d shapes: the bound of %d candidates held on %d of 2 tables (%d dropped); the test needs it on both", shapes, limit, m.bound.tables, m.bound.dropped)
		}
		if len(s.pool) > 2*limit {
			t.Fatalf("%d shapes: %d candidates priced over 2 tables, want at most %d", shapes, len(s.pool), 2*limit)
		}
		return s.pricedPairs
	}
	small, large := pairs(300), pairs(600)
	if small == 0 || float64(large) > 2.4*float64(small) {
		t.Errorf("pricing 300 shapes over 2 tables priced %d (candidate, access) pairs, 600 shapes %d (%.2f×): want about 2×, at most 2.4×", small, large, float64(large)/float64(small))
	}
}
