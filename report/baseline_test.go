package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/catalog"
)

func TestFilterBaseline(t *testing.T) {
	rec := func(kind, table, ddl string) Recommendation {
		return Recommendation{Recommendation: advisor.Recommendation{Kind: advisor.Kind(kind), Table: catalog.ParseQualifiedName(table), DDL: ddl, Index: &advisor.IndexDetail{Name: "i"}}}
	}
	d := &Document{Recommendations: []Recommendation{
		rec("create_index", "public.a", "CREATE INDEX CONCURRENTLY IF NOT EXISTS a_x_idx ON public.a (x);"),
		rec("create_index", "public.a", "CREATE INDEX CONCURRENTLY IF NOT EXISTS a_y_idx ON public.a (y);"),
		rec("drop_index", "public.b", "DROP INDEX CONCURRENTLY IF EXISTS public.b_idx;")}}
	base := &Document{Recommendations: []Recommendation{
		// Same advice, other figures and white space: matches.
		{Recommendation: advisor.Recommendation{Kind: "create_index", Table: catalog.QualifiedName{Schema: "public", Name: "a"}, Index: &advisor.IndexDetail{Name: "i"},
			DDL: "CREATE INDEX CONCURRENTLY IF NOT EXISTS a_x_idx\n  ON public.a (x);", Benefit: 99}},
		// Same DDL, other kind: does not match.
		rec("unused_index", "public.b", "DROP INDEX CONCURRENTLY IF EXISTS public.b_idx;"),
		rec("create_index", "public.c", "CREATE INDEX CONCURRENTLY IF NOT EXISTS c_z_idx ON public.c (z);")}}
	FilterBaseline(d, base, "old.json")
	var got []string
	for _, r := range d.Recommendations {
		got = append(got, r.DDL)
	}
	want := []string{"CREATE INDEX CONCURRENTLY IF NOT EXISTS a_y_idx ON public.a (y);", "DROP INDEX CONCURRENTLY IF EXISTS public.b_idx;"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	if d.Baseline.Unchanged != 1 || len(d.Baseline.Gone) != 2 || d.Baseline.Gone[1].Table != "public.c" {
		t.Errorf("baseline = %+v", d.Baseline)
	}
}

func TestReadBaseline(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if _, err := ReadBaseline(write("ok.json", `{"version": 1, "recommendations": []}`)); err != nil {
		t.Errorf("ok.json: %v", err)
	}
	for name, content := range map[string]string{"v2.json": `{"version": 2}`, "text.json": "pgadvise: 3 statements"} {
		if _, err := ReadBaseline(write(name, content)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := ReadBaseline(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file: no error")
	}
}
