package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/catalog"
)

// TestAssumedFigures: without statistics for its table, a recommendation's
// benefit and size are marked as assumed (~) with a note saying what they
// rest on; with statistics they are plain. The logged time each would
// save is a column wherever one has it.
func TestAssumedFigures(t *testing.T) {
	schema, _, err := catalog.ParseDDL("CREATE TABLE a (x int); CREATE TABLE b (y int);")
	if err != nil {
		t.Fatal(err)
	}
	schema.Lookup("public", "b").Stats = &catalog.TableStats{Rows: 1200}
	recs := []advisor.Recommendation{
		{Kind: advisor.KindCreateIndex, Table: catalog.QualifiedName{Schema: "public", Name: "a"}, Index: &advisor.IndexDetail{Name: "a_x_idx"}, Benefit: 1.8e6, SizeBytes: 99 << 20, SavedMS: 84.7, Queries: []string{"f1"}},
		{Kind: advisor.KindCreateIndex, Table: catalog.QualifiedName{Schema: "public", Name: "b"}, Index: &advisor.IndexDetail{Name: "b_y_idx"}, Benefit: 2000, SizeBytes: 40960},
	}
	d := Build(nil, SchemaInfo{Path: "s.sql", Schema: schema}, analyzer.New(schema).Result(), &advisor.Result{Recommendations: recs})
	if !d.Recommendations[0].Assumed || d.Recommendations[1].Assumed {
		t.Fatalf("assumed = %v, %v; want true (no statistics), false", d.Recommendations[0].Assumed, d.Recommendations[1].Assumed)
	}
	var text, md bytes.Buffer
	if err := WriteText(&text, d, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&md, d, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": text.String(), "markdown": md.String()} {
		for _, want := range []string{"~1.8M", "~99.0 MiB", "40 KiB", "84.7 ms", "logged time saved", "~ assumed: no statistics for the table"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q:\n%s", name, want, out)
			}
		}
		if strings.Contains(out, "~40 KiB") || strings.Contains(out, "~2000") {
			t.Errorf("%s marks the figures of a table with statistics as assumed", name)
		}
	}
}
