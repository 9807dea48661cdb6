package advisor

import (
	"strings"
	"testing"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
)

// TestCheckPlanKeepsOneCopy: a plan that drops both copies of a duplicate
// (one as the duplicate, the other as unused) leaves the tenant lookup with
// no index; checkPlan keeps one, the one with scans.
func TestCheckPlanKeepsOneCopy(t *testing.T) {
	schema, _, err := catalog.ParseDDL(`CREATE TABLE public.orders (id bigint NOT NULL, tenant_id bigint NOT NULL, note text);
ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
CREATE INDEX orders_tenant_id_idx ON public.orders USING btree (tenant_id);
CREATE INDEX orders_tenant_idx ON public.orders USING btree (tenant_id);
CREATE INDEX orders_note_idx ON public.orders USING btree (note);`)
	if err != nil {
		t.Fatal(err)
	}
	tb := schema.Lookup("public", "orders")
	tb.Stats = &catalog.TableStats{Rows: 2_000_000, Pages: 30_000}
	for i := range tb.Indexes {
		tb.Indexes[i].Stats = &catalog.IndexStats{}
		if tb.Indexes[i].Name == "orders_tenant_idx" {
			tb.Indexes[i].Stats.Scans = 9
		}
	}
	an := analyzer.New(schema)
	an.Add(&capture.Statement{Query: []byte("SELECT * FROM orders WHERE tenant_id = $1"), Calls: 1000})
	m := buildModel(an.Result(), schema)
	ot := m.tables[catalog.QualifiedName{Schema: "public", Name: "orders"}]
	drop := func(name, by string) Recommendation {
		return Recommendation{Kind: KindDropIndex, Index: &IndexDetail{Name: name, SupersededBy: by}}
	}
	for _, c := range []struct {
		name  string
		drops []Recommendation
		want  []string
	}{
		{"both copies", []Recommendation{drop("orders_tenant_id_idx", ""), drop("orders_tenant_idx", ""), drop("orders_note_idx", "")},
			[]string{"orders_tenant_id_idx", "orders_note_idx"}},
		{"one copy", []Recommendation{drop("orders_tenant_id_idx", ""), drop("orders_note_idx", "")},
			[]string{"orders_tenant_id_idx", "orders_note_idx"}},
		// A drop tied to a creation that does not serve the lookup.
		{"tied to nothing useful", []Recommendation{drop("orders_tenant_id_idx", ""), drop("orders_tenant_idx", "orders_note_idx")},
			[]string{"orders_tenant_id_idx"}},
	} {
		var got []string
		for _, d := range checkPlan(ot, c.drops, nil) {
			got = append(got, d.Index.Name)
		}
		if len(got) != len(c.want) || (len(got) > 0 && got[0] != c.want[0]) || (len(got) > 1 && got[1] != c.want[1]) {
			t.Errorf("%s: kept drops %v, want %v", c.name, got, c.want)
		}
	}
}

// TestReconcileWithdrawsPrefix: of two chosen indexes where one's keys lead
// the other's, orders (user_id) beside orders (user_id, created_at) INCLUDE
// (id), the shorter one goes: the next run would call it a redundant prefix.
func TestReconcileWithdrawsPrefix(t *testing.T) {
	schema, _, err := catalog.ParseDDL(`CREATE TABLE public.orders (id bigint NOT NULL, user_id bigint NOT NULL, created_at timestamp with time zone NOT NULL);
ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);`)
	if err != nil {
		t.Fatal(err)
	}
	an := analyzer.New(schema)
	an.Add(&capture.Statement{Query: []byte("SELECT id FROM orders WHERE user_id = $1 ORDER BY created_at"), Calls: 1000})
	an.Add(&capture.Statement{Query: []byte("SELECT count(*) FROM orders WHERE user_id = $1"), Calls: 1000})
	m := buildModel(an.Result(), schema)
	s := newSelection(m, 0, 0)
	pick := func(keys string, include string) *candidate {
		for _, c := range s.pool {
			if keyList(c.ix) == keys && strings.Join(c.ix.include, ",") == include && len(c.ix.predicate) == 0 {
				return c
			}
		}
		t.Fatalf("no candidate (%s) INCLUDE (%s)", keys, include)
		return nil
	}
	short, long := pick("user_id", ""), pick("user_id, created_at", "id")
	s.choose(short, option{size: short.ix.size()})
	s.choose(long, option{size: long.ix.size()})
	reconcile(s)
	if len(s.chosen) != 1 || s.chosen[0] != long {
		var got []string
		for _, c := range s.chosen {
			got = append(got, c.ix.signature())
		}
		t.Errorf("chosen after reconcile: %v, want only %s", got, long.ix.signature())
	}
}
