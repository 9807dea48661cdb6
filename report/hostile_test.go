package report

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/catalog"
)

// hostileTexts are names, reasons and query texts an attacker chooses: each,
// written as it is, would start a line or a block, close a cell, a span or
// an HTML element, or send the terminal a sequence.
var hostileTexts = []string{
	"evil\nDROP TABLE canary; --",
	"cr\rDROP TABLE canary; --",
	"red\x1b[31m\x1b]0;title\x07 \x9b2J",
	"block */ DROP TABLE canary; /*",
	"pipe | cell | and `backticks` and ``` fence",
	"x\n-- +goose Down\nDROP TABLE canary;",
	"x\n-- migrate:down\nDROP TABLE canary;",
	"</code></summary></details>\n\n# owned <img src=x onerror=alert(1)> <!--",
	"[click](https://example.invalid) ![img](x) \\| \\",
	"\n\n## heading\n\n| a | b |\n|---|---|\n",
	"\u202eright-to-left\u2028line sep \xff\xfe invalid \u009b2J C1",
}

// hostileDoc is a report whose every text from outside is s.
func hostileDoc(s string) *Document {
	table := catalog.QualifiedName{Schema: "public", Name: s}.String()
	index := catalog.QuoteIdent(s)
	d := &Document{Version: Version, Advice: Advice{WorkloadCost: 1000, WorkloadCostAfter: 250, Assumptions: []string{"assumed " + s},
		Verification: &VerificationSummary{Status: "unavailable", Note: s}}}
	d.Input = Input{Files: []File{{Name: s, Format: "stderr"}}, Schema: s, Statements: 7, Records: 7, Shapes: 1,
		SkippedByReason: map[string]int64{s: 1}, SkippedWhere: map[string][]string{s: {s + ":1"}}}
	// Query texts are shown in lines of their own, so they hold s without
	// its newlines (the line count of checkText and checkMarkdown would
	// count them); CRs and the rest stay.
	block := strings.ReplaceAll(s, "\n", " ")
	blockTable := catalog.QualifiedName{Schema: "public", Name: block}.String()
	d.Queries = []Query{{Fingerprint: s, Query: "SELECT * FROM " + blockTable + " WHERE c = $1 -- " + block, Calls: 7, Timed: true, TotalMS: 12,
		Tables: []string{table}, Sample: block, SampleParams: []string{s}}}
	ddl := "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + index + " ON " + table + " (" + catalog.QuoteIdent(s) + ");"
	rec := Recommendation{Recommendation: advisor.Recommendation{Kind: "create_index", Table: catalog.ParseQualifiedName(table), DDL: ddl, DownDDL: "DROP INDEX CONCURRENTLY IF EXISTS public." + index + ";", Reason: s, Benefit: 750, Queries: []string{s}, Confidence: "high", Verification: &advisor.Verification{Status: "verified", Note: s}, Index: &advisor.IndexDetail{Name: s}}}
	plan := rec
	plan.Kind, plan.Steps, plan.Index = "summary_table", []string{"-- " + s, ddl}, nil
	plan.Summary = &advisor.SummaryDetail{Name: s, RewrittenQueries: []advisor.RewrittenQuery{{Fingerprint: s, Original: s, Rewritten: "SELECT 1 -- " + block}}}
	part := rec
	part.Kind, part.Index = "partition", nil
	part.Partition = &advisor.PartitionDetail{Key: s, Strategy: s}
	d.Recommendations = []Recommendation{rec, plan, part}
	d.Rejected = []Recommendation{{Recommendation: advisor.Recommendation{Kind: "create_index", Table: catalog.ParseQualifiedName(table), Reason: s, Index: &advisor.IndexDetail{Name: s}}}, {Recommendation: advisor.Recommendation{Kind: "partition", Table: catalog.ParseQualifiedName(table), Reason: s, Partition: &advisor.PartitionDetail{Parent: "", Key: s, Strategy: ""}}}}
	d.Baseline = &Baseline{Path: s, Gone: []BaselineItem{{Kind: "create_index", Table: table, Index: s}}}
	return d
}

// benign is s with every character replaced by x: text with nothing in it
// to escape, whose report has the lines a report of s must have.
func benign(s string) string {
	return strings.Map(func(rune) rune { return 'x' }, s)
}

// controlChar returns the first control character in s other than newline
// and tab (or a bidi control, a line separator, invalid UTF-8), or -1.
func controlChar(s string) rune {
	if !utf8.ValidString(s) {
		return utf8.RuneError
	}
	for _, r := range s {
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || r == 0x2028 || r == 0x2029 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069) {
			return r
		}
	}
	return -1
}

// ourTags are the HTML tags the Markdown writer writes.
var ourTagRE = regexp.MustCompile(`^<(/?details>|/?summary>|/?code>|br>|/?sub>|!-- pgadvise-report -->)`)

// checkText checks a text report of hostile text s: no control character
// but newline and tab, and as many lines as the report of benign(s) (a text
// cannot add a line).
func checkText(t testing.TB, s string) {
	t.Helper()
	var got, want bytes.Buffer
	if err := WriteText(&got, hostileDoc(s), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteText(&want, hostileDoc(benign(s)), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := got.String()
	if r := controlChar(out); r >= 0 {
		t.Errorf("text report of %q holds %U:\n%s", s, r, out)
	}
	if g, w := strings.Count(out, "\n"), strings.Count(want.String(), "\n"); g != w {
		t.Errorf("text report of %q has %d lines, of the same text without controls %d:\n%s", s, g, w, out)
	}
}

// checkMarkdown checks a Markdown report of hostile text s: no control
// character but newline and tab; as many lines as the report of benign(s);
// no HTML but the writer's own tags; every table row with its header's
// number of cells.
func checkMarkdown(t testing.TB, s string) {
	t.Helper()
	var got, want bytes.Buffer
	opt := MarkdownOptions{MaxBytes: 1 << 30}
	if err := WriteMarkdown(&got, hostileDoc(s), opt); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&want, hostileDoc(benign(s)), opt); err != nil {
		t.Fatal(err)
	}
	out := got.String()
	if r := controlChar(out); r >= 0 {
		t.Errorf("Markdown report of %q holds %U:\n%s", s, r, out)
	}
	if g, w := strings.Count(out, "\n"), strings.Count(want.String(), "\n"); g != w {
		t.Errorf("Markdown report of %q has %d lines, of the same text without controls %d:\n%s", s, g, w, out)
	}
	inFence := ""
	cells := 0
	for i, l := range strings.Split(out, "\n") {
		trimmed := strings.TrimLeft(l, " ")
		if inFence != "" {
			if strings.TrimRight(trimmed, " ") == inFence {
				inFence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") {
			inFence = strings.TrimRight(trimmed, "sql")
			continue
		}
		for j := 0; j < len(l); j++ {
			if l[j] == '<' && !ourTagRE.MatchString(l[j:]) && !insideCodeSpan(l, j) {
				t.Errorf("Markdown report of %q: HTML at line %d: %s", s, i+1, l)
				break
			}
		}
		if strings.HasPrefix(l, "|") {
			n := tableCells(l)
			if strings.HasPrefix(l, "|--") || strings.HasPrefix(l, "|---") {
				continue
			}
			if cells == 0 {
				cells = n
			} else if n != cells {
				t.Errorf("Markdown report of %q: row of %d cells under a header of %d: %s", s, n, cells, l)
			}
		} else {
			cells = 0
		}
	}
}

// tableCells counts the cells of a GFM table row: | not escaped (a
// backslash takes the character after it with it).
func tableCells(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}

// insideCodeSpan reports whether byte j of line l is inside a code span
// (between runs of backticks of equal length).
func insideCodeSpan(l string, j int) bool {
	in := 0
	for i := 0; i < j; {
		if l[i] == '\\' && in == 0 {
			i += 2
			continue
		}
		if l[i] != '`' {
			i++
			continue
		}
		k := i
		for k < len(l) && l[k] == '`' {
			k++
		}
		switch run := k - i; {
		case in == 0:
			in = run
		case in == run:
			in = 0
		}
		i = k
	}
	return in > 0
}

func TestHostileText(t *testing.T) {
	for _, s := range hostileTexts {
		checkText(t, s)
	}
}

func TestHostileMarkdown(t *testing.T) {
	for _, s := range hostileTexts {
		checkMarkdown(t, s)
	}
}

// TestHostileJSON: encoding/json escapes control characters, HTML and line
// separators, and WriteJSON the C1 and bidirectional controls it leaves.
func TestHostileJSON(t *testing.T) {
	for _, s := range hostileTexts {
		var b bytes.Buffer
		if err := WriteJSON(&b, hostileDoc(s)); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if r := controlChar(out); r >= 0 {
			t.Errorf("JSON of %q holds %U", s, r)
		}
		if strings.ContainsAny(out, "<>\u2028") {
			t.Errorf("JSON of %q holds < > or U+2028 unescaped", s)
		}
		var back Document
		if err := json.Unmarshal(b.Bytes(), &back); err != nil || back.Recommendations[0].Label() != strings.Map(func(r rune) rune { return r }, s) {
			t.Errorf("JSON of %q does not read back: %v", s, err)
		}
	}
}

// FuzzReportWriters feeds a text, as every name, reason and query text of a
// report, through the text and Markdown writers and checks their output as
// TestHostileText and TestHostileMarkdown do.
func FuzzReportWriters(f *testing.F) {
	for _, s := range hostileTexts {
		f.Add(s)
	}
	f.Add("orders_tenant_id_idx")
	f.Fuzz(func(t *testing.T, s string) {
		checkText(t, s)
		checkMarkdown(t, s)
	})
}

// TestWriteJSONNonFinite: a figure that is not finite is clamped, never a
// failed report.
func TestWriteJSONNonFinite(t *testing.T) {
	d := &Document{Version: 1, Advice: Advice{WorkloadCost: math.Inf(1), WorkloadCostAfter: math.NaN()},
		Recommendations: []Recommendation{{Recommendation: advisor.Recommendation{Kind: "create_index", Benefit: math.Inf(-1), Index: &advisor.IndexDetail{Name: ""}}}}}
	var b bytes.Buffer
	if err := WriteJSON(&b, d); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	var back map[string]any
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	if d.Advice.WorkloadCost != math.MaxFloat64 || d.Advice.WorkloadCostAfter != 0 || d.Recommendations[0].Benefit != -math.MaxFloat64 {
		t.Errorf("clamped to %v, %v, %v", d.Advice.WorkloadCost, d.Advice.WorkloadCostAfter, d.Recommendations[0].Benefit)
	}
}
