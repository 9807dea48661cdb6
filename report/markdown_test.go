package report

import (
	"bytes"
	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/catalog"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMarkdownCells(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a | b", `a \| b`},
		{"line 1\nline 2", "line 1<br>line 2"},
		{"crlf\r\nend", "crlf<br>end"},
		{"plain", "plain"},
	}
	for _, tt := range tests {
		if got := cell(tt.in); got != tt.want {
			t.Errorf("cell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := codeCell("a|b"); got != "`a\\|b`" {
		t.Errorf("codeCell = %q", got)
	}
	if got := fenced("sql", "SELECT '```'"); !strings.HasPrefix(got, "````sql\n") {
		t.Errorf("fence not longer than the backticks inside: %q", got)
	}
}

// markdownDoc is a small document whose cells hold | and newlines.
func markdownDoc(n int) *Document {
	d := &Document{Version: Version, Advice: Advice{WorkloadCost: 1000, WorkloadCostAfter: 250}}
	d.Queries = []Query{{Fingerprint: "0123456789abcdef", Query: "SELECT a || b FROM t WHERE c = $1", Calls: 7, Timed: true, TotalMS: 12}}
	for i := range n {
		d.Recommendations = append(d.Recommendations, Recommendation{Recommendation: advisor.Recommendation{Kind: "create_index", Table: catalog.QualifiedName{Schema: "public", Name: "t"}, DDL: "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a_idx ON public.t ((a || b));", DownDDL: "DROP INDEX CONCURRENTLY IF EXISTS public.t_a_idx;", Reason: "Serves 1 query | with a pipe\nand a newline", Benefit: 750, Queries: []string{"0123456789abcdef"}, Confidence: "high", Index: &advisor.IndexDetail{Name: "t_a_idx_" + strings.Repeat("x", i%7)}}})
	}
	d.Rejected = []Recommendation{{Recommendation: advisor.Recommendation{Kind: "create_index", Table: catalog.QualifiedName{Schema: "public", Name: "t"}, Reason: "Gain | too small\nreally", Index: &advisor.IndexDetail{Name: "t_b_idx"}}}}
	return d
}

func TestMarkdownReport(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b, markdownDoc(2), MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, MarkdownMarker+"\n## pgadvise: 2 recommendations") {
		t.Errorf("no marker line and headline:\n%s", out[:min(200, len(out))])
	}
	for _, want := range []string{
		"(75% less)",
		"| # | index | table | benefit | write cost | size | queries |",
		"<details>\n<summary>1. create_index <code>t_a_idx_</code> on public.t</summary>",
		"```sql\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_a_idx ON public.t ((a || b));\n```",
		"| create_index | `t_b_idx` | public.t | 0 | 0 | 0 B | Gain \\| too small<br>really |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	// Every table row has as many cells as its header.
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| ") {
			cells := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|")
			if cells != 8 && cells != 7 && cells != 4 {
				t.Errorf("row with %d separators: %s", cells, line)
			}
		}
	}
	if strings.Contains(out, "Sample") {
		t.Error("samples shown though the document has none")
	}
}

// TestMarkdownTruncates: a report over the cap is cut between blocks, with
// a note, and any open <details> is closed.
func TestMarkdownTruncates(t *testing.T) {
	d := markdownDoc(2000)
	for _, max := range []int{MaxMarkdownBytes, 5000} {
		var b bytes.Buffer
		if err := WriteMarkdown(&b, d, MarkdownOptions{MaxBytes: max}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if len(out) > max {
			t.Errorf("max %d: %d bytes", max, len(out))
		}
		if !utf8.ValidString(out) {
			t.Errorf("max %d: invalid UTF-8", max)
		}
		if !strings.Contains(out, "Report cut at") {
			t.Errorf("max %d: no truncation note", max)
		}
		if o, c := strings.Count(out, "<details>"), strings.Count(out, "</details>"); o != c {
			t.Errorf("max %d: %d <details> but %d </details>", max, o, c)
		}
		if !strings.HasPrefix(out, MarkdownMarker) {
			t.Errorf("max %d: marker lost", max)
		}
	}
	// The rejected table's <details> is closed when the cut falls in it.
	d = markdownDoc(1)
	for range 3000 {
		d.Rejected = append(d.Rejected, d.Rejected[0])
	}
	var b bytes.Buffer
	if err := WriteMarkdown(&b, d, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); strings.Count(out, "<details>") != strings.Count(out, "</details>") || len(out) > MaxMarkdownBytes {
		t.Errorf("cut in the rejected table: %d bytes, details %d/%d", len(out), strings.Count(out, "<details>"), strings.Count(out, "</details>"))
	}
}

func TestMarkdownBaselineAndSamples(t *testing.T) {
	d := markdownDoc(1)
	d.Queries[0].Sample = "SELECT a || b FROM t WHERE c = 'alice@example.com'"
	base := markdownDoc(0)
	base.Recommendations = []Recommendation{{Recommendation: advisor.Recommendation{Kind: "drop_index", Table: catalog.QualifiedName{Schema: "public", Name: "t"}, DDL: "DROP INDEX CONCURRENTLY IF EXISTS public.t_old_idx;", Index: &advisor.IndexDetail{Name: "t_old_idx"}}}}
	FilterBaseline(d, base, "main.json")
	var b bytes.Buffer
	if err := WriteMarkdown(&b, d, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"## pgadvise: 1 new recommendation", "`main.json`: 1 new, 0 unchanged", "### No longer recommended (1)", "`t_old_idx`", "alice@example.com"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
}
