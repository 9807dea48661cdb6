package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pgadvise/pgadvise/advisor"
)

// ExecutionSummary is what measured execution (--verify=execute) found, as
// a whole: each recommended index built for real in a transaction rolled
// back, its queries run with EXPLAIN ANALYZE with and without it.
type ExecutionSummary struct {
	// Status is "done", or "unavailable" with Note saying why (a refusal,
	// a connection that failed): the advice is then unmeasured.
	Status string `json:"status"`
	Note   string `json:"note,omitempty"`
	// Kept, Rejected and NotMeasured count the indexes by verdict.
	Kept        int `json:"kept"`
	Rejected    int `json:"rejected"`
	NotMeasured int `json:"not_measured"`
	// Runs counts the EXPLAIN ANALYZE runs (warm-ups included); Rounds is
	// the measured runs per side of each query sample, after a warm-up.
	Runs   int `json:"runs"`
	Rounds int `json:"rounds"`
	// MinGain and MaxRegression are the verdict's thresholds: an index is
	// kept when its queries take at least MinGain less time in sum (each at
	// its median, weighted by its calls) and none takes more than
	// MaxRegression more.
	MinGain       float64 `json:"min_gain"`
	MaxRegression float64 `json:"max_regression"`
	// StatementTimeoutMS caps each run, BudgetMS the whole measurement;
	// ElapsedMS is how long it took.
	StatementTimeoutMS float64 `json:"statement_timeout_ms"`
	BudgetMS           float64 `json:"budget_ms"`
	ElapsedMS          float64 `json:"elapsed_ms"`
	// BudgetExhausted says the budget ran out before every index was
	// measured.
	BudgetExhausted bool `json:"budget_exhausted,omitempty"`
	// Pruned names the recommendations moved to the rejected list.
	Pruned []string `json:"pruned,omitempty"`
}

// Execution is one index measured for real.
type Execution struct {
	// Status is kept, rejected or not_measured; Note says why, with the
	// figures.
	Status string `json:"status"`
	Note   string `json:"note,omitempty"`
	// DDL is the statement that was run (without CONCURRENTLY).
	DDL string `json:"ddl,omitempty"`
	// BuildMS is how long CREATE INDEX took.
	BuildMS float64 `json:"build_ms"`
	// MSBefore and MSAfter sum calls × median ms per execution over the
	// measured queries, without and with the index.
	MSBefore float64          `json:"ms_before"`
	MSAfter  float64          `json:"ms_after"`
	Queries  []QueryExecution `json:"queries,omitempty"`
}

// QueryExecution is one served query's measured time without and with an
// index.
type QueryExecution struct {
	Fingerprint string `json:"fingerprint"`
	Calls       int64  `json:"calls"`
	// Samples is the number of logged executions run, Runs the measured
	// runs per side of each.
	Samples int `json:"samples"`
	Runs    int `json:"runs"`
	// MSBefore and MSAfter are the median ms per execution; a side that
	// timed out counts at the timeout, and says so.
	MSBefore       float64 `json:"ms_before"`
	MSAfter        float64 `json:"ms_after"`
	BeforeTimedOut bool    `json:"before_timed_out,omitempty"`
	AfterTimedOut  bool    `json:"after_timed_out,omitempty"`
	UsesIndex      bool    `json:"uses_index"`
	// NotMeasured says why the query was not measured.
	NotMeasured string `json:"not_measured,omitempty"`
}

// SetExecution records measured execution in the document: the summary,
// and on each create_index recommendation or rejected candidate the figures
// of its index (byIndex: index name → figures).
func SetExecution(d *Document, sum *ExecutionSummary, byIndex map[string]*Execution) {
	d.Advice.Execution = sum
	for _, list := range [][]Recommendation{d.Recommendations, d.Rejected} {
		for i := range list {
			if r := &list[i]; r.Kind == advisor.KindCreateIndex && byIndex[r.Label()] != nil {
				r.Execution = byIndex[r.Label()]
			}
		}
	}
}

// measured lists the recommendations and rejected candidates that carry
// execution figures, in the report's order.
func measured(d *Document) []*Recommendation {
	var out []*Recommendation
	for _, list := range [][]Recommendation{d.Recommendations, d.Rejected} {
		for i := range list {
			if list[i].Execution != nil {
				out = append(out, &list[i])
			}
		}
	}
	return out
}

// executionHeadline is the summary of measured execution, to follow
// "measured execution".
func executionHeadline(s *ExecutionSummary) string {
	if s.Status != "done" {
		return "unavailable: " + s.Note
	}
	line := fmt.Sprintf("%d kept, %d rejected (moved to rejected), %d not measured; %s EXPLAIN ANALYZE runs in %.1f s; each query's median of %d runs per side after a warm-up; kept when its queries take ≥ %.0f%% less in sum (weighted by calls) and none takes > %.0f%% more",
		s.Kept, s.Rejected, s.NotMeasured, thousands(int64(s.Runs)), s.ElapsedMS/1000, s.Rounds, 100*s.MinGain, 100*s.MaxRegression)
	if s.BudgetExhausted {
		line += fmt.Sprintf("; the time budget (%.0f s) ran out", s.BudgetMS/1000)
	}
	return line
}

// writeExecution writes the measured-execution section of the text report.
func writeExecution(ew *errWriter, d *Document) {
	s := d.Advice.Execution
	if s == nil {
		return
	}
	section(ew, "Measured execution (--verify=execute)")
	fmt.Fprintln(ew, "measured execution: "+executionHeadline(s))
	recs := measured(d)
	if len(recs) == 0 {
		return
	}
	t := newTable(ew, "index", "verdict", "query", "calls", "ms without", "ms with", "change")
	for _, r := range recs {
		e := r.Execution
		if len(e.Queries) == 0 {
			t.append(r.Label(), e.Status, "", "", "", "", "")
		}
		for i, q := range e.Queries {
			name, status := r.Label(), e.Status
			if i > 0 {
				name, status = "", ""
			}
			if q.NotMeasured != "" {
				t.append(name, status, q.Fingerprint, thousands(q.Calls), "-", "-", "not measured")
				continue
			}
			t.append(name, status, q.Fingerprint, thousands(q.Calls), sideText(q.MSBefore, q.BeforeTimedOut), sideText(q.MSAfter, q.AfterTimedOut), changeText(q))
		}
	}
	t.render()
	for _, r := range recs {
		fmt.Fprintf(ew, "%s: %s\n", r.Label(), r.Execution.Note)
	}
}

// executionMarkdown is the measured-execution section of the Markdown
// report.
func executionMarkdown(d *Document) string {
	s := d.Advice.Execution
	if s == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n### Measured execution\n\n**--verify=execute:** " + oneLineMD(executionHeadline(s)) + ".\n\n")
	recs := measured(d)
	if len(recs) == 0 {
		return b.String()
	}
	b.WriteString("| index | verdict | query | calls | ms without | ms with | change |\n|---|---|---|---:|---:|---:|---:|\n")
	for _, r := range recs {
		e := r.Execution
		for i, q := range e.Queries {
			name, status := codeCell(r.Label()), cell(e.Status)
			if i > 0 {
				name, status = "", ""
			}
			if q.NotMeasured != "" {
				fmt.Fprintf(&b, "| %s | %s | `%s` | %s | – | – | not measured: %s |\n", name, status, cell(q.Fingerprint), thousands(q.Calls), cell(q.NotMeasured))
				continue
			}
			fmt.Fprintf(&b, "| %s | %s | `%s` | %s | %s | %s | %s |\n", name, status, cell(q.Fingerprint), thousands(q.Calls),
				sideText(q.MSBefore, q.BeforeTimedOut), sideText(q.MSAfter, q.AfterTimedOut), changeText(q))
		}
		if len(e.Queries) == 0 {
			fmt.Fprintf(&b, "| %s | %s | | | | | |\n", codeCell(r.Label()), cell(e.Status))
		}
	}
	b.WriteString("\n")
	for _, r := range recs {
		fmt.Fprintf(&b, "- %s: %s\n", codeCell(r.Label()), oneLineMD(r.Execution.Note))
	}
	return b.String()
}

// sideText is one side's median ms; a side that timed out took at least
// the timeout.
func sideText(ms float64, timedOut bool) string {
	if timedOut {
		return "≥ " + fmtMS(ms) + " (timeout)"
	}
	return fmtMS(ms)
}

// changeText is a query's relative change in time with the index.
func changeText(q QueryExecution) string {
	if q.MSBefore <= 0 {
		return "n/a"
	}
	// A side that timed out took at least the timeout: the change is a
	// bound.
	bound := ""
	switch {
	case q.AfterTimedOut && !q.BeforeTimedOut:
		bound = "≥ "
	case q.BeforeTimedOut && !q.AfterTimedOut:
		bound = "≤ "
	}
	p := (q.MSAfter - q.MSBefore) / q.MSBefore * 100
	if p < 0 {
		return bound + "−" + strconv.FormatFloat(-p, 'f', 1, 64) + "%"
	}
	return bound + "+" + strconv.FormatFloat(p, 'f', 1, 64) + "%"
}
