package report

import (
	"bytes"
	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/catalog"
	"strings"
	"testing"
)

// executionDocument is a document with measured execution: one index kept,
// one rejected with a hostile fingerprint-free note, one query not measured.
func executionDocument() *Document {
	d := fullDocument()
	d.Recommendations = []Recommendation{{Recommendation: advisor.Recommendation{Kind: "create_index", Table: catalog.QualifiedName{Schema: "public", Name: "t"}, DDL: "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a_idx ON public.t (a);", Queries: []string{"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"}, Reason: "r", Confidence: "high", Index: &advisor.IndexDetail{Name: "t_a_idx"}}}}
	d.Rejected = []Recommendation{{Recommendation: advisor.Recommendation{Kind: "create_index", Table: catalog.QualifiedName{Schema: "public", Name: "t"}, DDL: "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_b_idx ON public.t (b);", Queries: []string{"cccccccccccccccc"}, Reason: "Rejected by measured execution", Confidence: "high", Index: &advisor.IndexDetail{Name: "t_b_idx"}}}}
	SetExecution(d, &ExecutionSummary{Status: "done", Kept: 1, Rejected: 1, Runs: 24, Rounds: 3, MinGain: 0.1, MaxRegression: 0.1,
		StatementTimeoutMS: 30000, BudgetMS: 600000, ElapsedMS: 1500, Pruned: []string{"t_b_idx"}},
		map[string]*Execution{
			"t_a_idx": {Status: "kept", Note: "Measured faster.", BuildMS: 40, MSBefore: 23845, MSAfter: 29,
				Queries: []QueryExecution{
					{Fingerprint: "aaaaaaaaaaaaaaaa", Calls: 1000, Samples: 1, Runs: 3, MSBefore: 23.845, MSAfter: 0.029, UsesIndex: true},
					{Fingerprint: "bbbbbbbbbbbbbbbb", Calls: 10, NotMeasured: "its $n parameters have no logged values | <b>"},
				}},
			"t_b_idx": {Status: "rejected", Note: "Measured slower: <script>", BuildMS: 30, MSBefore: 40, MSAfter: 30000,
				Queries: []QueryExecution{{Fingerprint: "cccccccccccccccc", Calls: 100, Samples: 1, Runs: 3, MSBefore: 0.4, MSAfter: 30000, AfterTimedOut: true, UsesIndex: true}}},
		})
	return d
}

// TestExecutionRendering checks that text and Markdown show the measured ms
// per query of every measured index, kept or rejected, and escape the notes.
func TestExecutionRendering(t *testing.T) {
	d := executionDocument()
	if d.Recommendations[0].Execution == nil || d.Rejected[0].Execution == nil {
		t.Fatal("SetExecution did not attach the figures")
	}
	var text bytes.Buffer
	if err := WriteText(&text, d, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Measured execution (--verify=execute)", "measured execution: 1 kept, 1 rejected", "t_a_idx", "23.8", "0.029", "−99.9%",
		"t_b_idx", "≥ 30,000 (timeout)", "not measured", "t_b_idx: Measured slower"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
	var md bytes.Buffer
	if err := WriteMarkdown(&md, d, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"### Measured execution", "| `t_a_idx` | kept | `aaaaaaaaaaaaaaaa` | 1,000 | 23.8 | 0.029 | −99.9% |",
		"| `t_b_idx` | rejected | `cccccccccccccccc` | 100 | 0.400 | ≥ 30,000 (timeout) | ≥ +", "&lt;script&gt;", `values \| &lt;b&gt;`} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown report lacks %q:\n%s", want, md.String())
		}
	}
	if strings.Contains(md.String(), "<script>") {
		t.Error("Markdown report carries a note's HTML unescaped")
	}
	// Without measured execution, neither report has the section.
	d.Advice.Execution = nil
	d.Recommendations[0].Execution, d.Rejected[0].Execution = nil, nil
	text.Reset()
	md.Reset()
	_ = WriteText(&text, d, TextOptions{})
	_ = WriteMarkdown(&md, d, MarkdownOptions{})
	if strings.Contains(text.String(), "Measured execution (") || strings.Contains(md.String(), "### Measured execution") {
		t.Error("a report without measured execution has the section")
	}
}
