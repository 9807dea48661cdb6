package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/pgadvise/pgadvise/advisor"
)

// WriteJSON writes the document as indented JSON.
func WriteJSON(w io.Writer, d *Document) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// TextOptions tune the terminal report.
type TextOptions struct {
	// TopQueries is how many query shapes to list (0: 15).
	TopQueries int
	// QueryWidth truncates query texts to this many characters (0: 100).
	QueryWidth int
}

// WriteText writes the report as terminal tables.
func WriteText(w io.Writer, d *Document, opt TextOptions) error {
	if opt.TopQueries == 0 {
		opt.TopQueries = 15
	}
	if opt.QueryWidth == 0 {
		opt.QueryWidth = 100
	}
	ew := &errWriter{w: w}
	in := d.Input
	fmt.Fprintf(ew, "pgadvise: %s statements (%s records) in %d input(s), %d distinct query shapes, %s skipped\n",
		thousands(in.Statements), thousands(in.Records), len(in.Files), in.Shapes, thousands(in.Skipped))
	if in.Span != nil {
		fmt.Fprintf(ew, "span: %s to %s (%s)\n", in.Span.From.Format("2006-01-02 15:04:05"), in.Span.To.Format("2006-01-02 15:04:05 MST"), in.Span.Duration().Round(time.Second))
	}
	if in.Schema != "" {
		fmt.Fprintf(ew, "schema: %s (%d relations)\n", in.Schema, in.SchemaTables)
	} else {
		fmt.Fprintln(ew, "schema: none given; tables and columns are inferred from the queries (pass --schema for exact column resolution)")
	}

	section(ew, "Inputs")
	t := newTable(ew, "input", "format", "bytes", "lines", "statements", "skipped")
	for _, f := range in.Files {
		t.append(f.Name, f.Format, thousands(f.Bytes), thousands(f.Lines), thousands(f.Statements), thousands(f.Skipped))
	}
	t.render()

	if len(in.SkippedByReason) > 0 {
		section(ew, "Skipped")
		t := newTable(ew, "reason", "count", "first at")
		for _, r := range sortedKeys(in.SkippedByReason) {
			t.append(r, thousands(in.SkippedByReason[r]), strings.Join(in.SkippedWhere[r], " "))
		}
		t.render()
	}

	section(ew, fmt.Sprintf("Top queries by total time (%d of %d)", min(opt.TopQueries, len(d.Queries)), len(d.Queries)))
	t = newTable(ew, "#", "calls", "total ms", "mean ms", "tables", "query")
	for i, q := range d.Queries {
		if i == opt.TopQueries {
			break
		}
		total, mean := "-", "-"
		if q.Timed {
			total, mean = fmtMS(q.TotalMS), fmtMS(q.MeanMS)
		}
		t.append(strconv.Itoa(i+1), thousands(q.Calls), total, mean, strings.Join(q.Tables, " "), oneLine(q.Query, opt.QueryWidth))
	}
	t.render()

	writeAdvice(ew, d)
	writeExecution(ew, d) // execution.go

	section(ew, "Table access profile")
	t = newTable(ew, "table", "reads", "inserts", "updates", "deletes", "read ms", "write ms")
	for _, tb := range d.Tables {
		name := tb.Table
		if !tb.Known && in.Schema != "" {
			name += " (not in schema)"
		}
		t.append(name, thousands(tb.Reads), thousands(tb.Inserts), thousands(tb.Updates), thousands(tb.Deletes), fmtMS(tb.ReadMS), fmtMS(tb.WriteMS))
	}
	t.render()

	for _, tb := range d.Tables {
		if len(tb.Columns) == 0 {
			continue
		}
		fmt.Fprintf(ew, "\n%s\n", tb.Table)
		t := newTable(ew, "column", "filters (calls by kind)", "join", "group by", "order by", "read out", "updated")
		for _, c := range tb.Columns {
			t.append(c.Column, filterSummary(c.Filters), count(c.Joins), count(c.GroupBy), count(c.OrderBy), count(c.Projected), count(c.Updated))
		}
		t.render()
		if len(tb.FilterSets) > 0 {
			fmt.Fprintln(ew, "  filtered together:")
			for i, fs := range tb.FilterSets {
				if i == 5 {
					fmt.Fprintf(ew, "    … %d more\n", len(tb.FilterSets)-5)
					break
				}
				fmt.Fprintf(ew, "    (%s)  %s calls, %d queries\n", strings.Join(fs.Columns, ", "), thousands(fs.Calls), len(fs.Queries))
			}
		}
	}
	return ew.err
}

// writeAdvice writes the recommendations and the rejected candidates.
func writeAdvice(ew *errWriter, d *Document) {
	a := d.Advice
	section(ew, fmt.Sprintf("Recommendations (%d)", len(d.Recommendations)))
	for _, s := range a.Assumptions {
		fmt.Fprintf(ew, "assumption: %s\n", s)
	}
	if a.WorkloadCost > 0 {
		fmt.Fprintf(ew, "estimated workload read cost: %s → %s (%.0f%% less), in planner cost units over all calls\n",
			costText(a.WorkloadCost), costText(a.WorkloadCostAfter), 100*(1-a.WorkloadCostAfter/a.WorkloadCost))
	}
	if v := a.Verification; v != nil {
		if v.Status == "done" {
			fmt.Fprintf(ew, "planner check (HypoPG): %d verified, %d not used (moved to rejected), %d unverifiable; planner cost %s → %s; %d what-if calls\n",
				v.Verified, v.NotUsed, v.Unverifiable, costText(v.PlannerCost), costText(v.PlannerCostAfter), v.WhatIfCalls)
		} else {
			fmt.Fprintf(ew, "planner check unavailable: %s\n", v.Note)
		}
	}
	t := newTable(ew, "#", "what", "table", "benefit", "write cost", "size", "queries")
	for i, r := range d.Recommendations {
		what := r.Kind + " " + r.Index
		if r.Confidence == "low" {
			what += " (low confidence)"
		}
		t.append(strconv.Itoa(i+1), what, r.Table, costText(r.Benefit), costText(r.WriteCost), bytesText(r.SizeBytes), strconv.Itoa(len(r.Queries)))
	}
	t.render()
	for i, r := range d.Recommendations {
		fmt.Fprintf(ew, "%2d. %s\n", i+1, r.Reason)
		writeVerification(ew, r.Verification)
		steps := r.Steps
		if len(steps) == 0 {
			steps = []string{r.DDL}
		}
		for _, st := range steps {
			fmt.Fprintf(ew, "    %s\n", st)
		}
		for _, rw := range r.RewrittenQueries {
			fmt.Fprintf(ew, "    -- %s becomes:\n    %s\n", rw.Fingerprint, rw.Rewritten)
		}
	}
	if len(d.Rejected) > 0 {
		section(ew, fmt.Sprintf("Considered and rejected (%d)", len(d.Rejected)))
		t := newTable(ew, "#", "index", "table", "benefit", "write cost", "size")
		for i, r := range d.Rejected {
			benefit, write, size := rejectedFigures(r)
			t.append(strconv.Itoa(i+1), r.Index, r.Table, benefit, write, size)
		}
		t.render()
		for i, r := range d.Rejected {
			fmt.Fprintf(ew, "%2d. %s\n", i+1, r.Reason)
			writeVerification(ew, r.Verification)
		}
	}
}

// writeVerification writes the planner's verdict on a recommendation.
func writeVerification(ew *errWriter, v *Verification) {
	if v == nil {
		return
	}
	fmt.Fprintf(ew, "    planner: %s", v.Status)
	if v.Status == "verified" || v.CostBefore > 0 {
		fmt.Fprintf(ew, " (cost of its queries %s → %s)", costText(v.CostBefore), costText(v.CostAfter))
	}
	if v.Note != "" {
		fmt.Fprintf(ew, ": %s", v.Note)
	}
	fmt.Fprintln(ew)
}

func costText(x float64) string { return advisor.FormatCost(x) }

// rejectedFigures are a rejected candidate's benefit, write cost and size,
// or dashes for one that was never priced (a summary no query could use, a
// table too small to partition): "0" would read as a measured nothing.
func rejectedFigures(r Recommendation) (benefit, write, size string) {
	if r.Kind != string(advisor.KindCreateIndex) && r.Benefit == 0 && r.WriteCost == 0 && r.SizeBytes == 0 {
		return "–", "–", "–"
	}
	return costText(r.Benefit), costText(r.WriteCost), bytesText(r.SizeBytes)
}

func bytesText(b int64) string { return advisor.FormatBytes(float64(b)) }

func section(w io.Writer, title string) {
	fmt.Fprintf(w, "\n%s\n", title)
}

// table wraps tablewriter with pgadvise's settings and keeps the first error.
type table struct {
	t   *tablewriter.Table
	ew  *errWriter
	has bool
}

func newTable(ew *errWriter, header ...string) *table {
	t := tablewriter.NewTable(ew,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
	)
	h := make([]any, len(header))
	for i, s := range header {
		h[i] = s
	}
	t.Header(h...)
	return &table{t: t, ew: ew}
}

func (t *table) append(cells ...string) {
	if err := t.t.Append(cells); err != nil && t.ew.err == nil {
		t.ew.err = err
	}
	t.has = true
}

func (t *table) render() {
	if !t.has {
		fmt.Fprintln(t.ew, "  (none)")
		return
	}
	if err := t.t.Render(); err != nil && t.ew.err == nil {
		t.ew.err = err
	}
}

// errWriter remembers the first write error so the report code can write
// freely and check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = fmt.Errorf("write report: %w", err)
	}
	return n, nil
}

// oneLine folds white space and truncates to width runes.
func oneLine(s string, width int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) > width {
		return string(r[:width-1]) + "…"
	}
	return s
}

func count(n int64) string {
	if n == 0 {
		return ""
	}
	return thousands(n)
}

func fmtMS(ms float64) string {
	switch {
	case ms == 0:
		return "0"
	case ms >= 100:
		return thousands(int64(math.Round(ms)))
	case ms >= 1:
		return strconv.FormatFloat(ms, 'f', 1, 64)
	}
	return strconv.FormatFloat(ms, 'f', 3, 64)
}

// thousands formats n with comma separators.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// round3 rounds to microseconds, so JSON output does not carry float noise.
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
