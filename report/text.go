package report

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/internal/safetext"
)

// TextOptions tune the terminal report.
type TextOptions struct {
	// TopQueries is how many query shapes to list (0: 15).
	TopQueries int
	// QueryWidth truncates query texts to this many characters (0: 100).
	QueryWidth int
	// Width, when set, is the terminal's width: tables wrap their cells to
	// fit it (0: tables as wide as their cells).
	Width int
}

// WriteText writes the report as terminal tables.
//
// Names, reasons and query texts come from outside: each is escaped with
// safetext.Line (one line: no newline, no terminal sequence) or
// safetext.Block (statements and queries of several lines), and the whole
// report passes safetext.Block once more before it is written, so that no
// control character but newline and tab reaches the terminal.
func WriteText(w io.Writer, d *Document, opt TextOptions) error {
	if opt.TopQueries == 0 {
		opt.TopQueries = 15
	}
	if opt.QueryWidth == 0 {
		opt.QueryWidth = 100
	}
	var buf strings.Builder
	if err := writeText(&buf, d, opt); err != nil {
		return err
	}
	if _, err := io.WriteString(w, safetext.Block(buf.String())); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// splitSkipped counts the skips that are the normal course of reading a
// log (parse and bind steps, server messages, failed statements) and lists
// the others, which may be the user's problem ("2 invalid_utf8"): the
// headline gives the first as a quiet count and warns of the second only.
func splitSkipped(in Input) (routine int64, notable []string) {
	for _, r := range sortedKeys(in.SkippedByReason) {
		n := in.SkippedByReason[r]
		if capture.Reason(r).Routine() {
			routine += n
			continue
		}
		notable = append(notable, fmt.Sprintf("%s %s", thousands(n), line(r)))
	}
	return routine, notable
}

func writeText(w io.Writer, d *Document, opt TextOptions) error {
	ew := &errWriter{w: w, width: opt.Width}
	in := d.Input
	routine, notable := splitSkipped(in)
	fmt.Fprintf(ew, "pgadvise: %s statements (%s records) in %d input(s), %d distinct query shapes",
		thousands(in.Statements), thousands(in.Records), len(in.Files), in.Shapes)
	if routine > 0 {
		fmt.Fprintf(ew, " (and %s routine log entries passed over)", thousands(routine))
	}
	fmt.Fprintln(ew)
	if len(notable) > 0 {
		fmt.Fprintf(ew, "warning: skipped %s (see Skipped below)\n", strings.Join(notable, ", "))
	}
	if in.Span != nil {
		fmt.Fprintf(ew, "span: %s to %s (%s)\n", in.Span.From.Format("2006-01-02 15:04:05"), in.Span.To.Format("2006-01-02 15:04:05 MST"), in.Span.Duration().Round(time.Second))
	}
	if in.Schema != "" {
		fmt.Fprintf(ew, "schema: %s (%d relations)\n", line(in.Schema), in.SchemaTables)
	} else {
		fmt.Fprintln(ew, "schema: none given; tables and columns are inferred from the queries (pass --schema for exact column resolution)")
	}

	section(ew, "Inputs")
	t := newTable(ew, "input", "format", "bytes", "lines", "statements", "skipped")
	for _, f := range in.Files {
		t.append(line(f.Name), line(f.Format), thousands(f.Bytes), thousands(f.Lines), thousands(f.Statements), thousands(f.Skipped))
	}
	t.render()

	if len(in.SkippedByReason) > 0 {
		section(ew, "Skipped")
		t := newTable(ew, "reason", "count", "first at")
		for _, r := range sortedKeys(in.SkippedByReason) {
			t.append(line(r), thousands(in.SkippedByReason[r]), line(strings.Join(in.SkippedWhere[r], " ")))
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
		t.append(strconv.Itoa(i+1), thousands(q.Calls), total, mean, line(strings.Join(q.Tables, " ")), line(oneLine(q.Query, opt.QueryWidth)))
	}
	t.render()

	writeAdvice(ew, d)
	writeExecution(ew, d) // execution.go

	section(ew, "Table access profile")
	t = newTable(ew, "table", "reads", "inserts", "updates", "deletes", "read ms", "write ms")
	for _, tb := range d.Tables {
		name := line(tb.Table)
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
		fmt.Fprintf(ew, "\n%s\n", line(tb.Table))
		t := newTable(ew, "column", "filters (calls by kind)", "join", "group by", "order by", "read out", "updated")
		for _, c := range tb.Columns {
			t.append(line(c.Column), line(filterSummary(c.Filters)), count(c.Joins), count(c.GroupBy), count(c.OrderBy), count(c.Projected), count(c.Updated))
		}
		t.render()
		if len(tb.FilterSets) > 0 {
			fmt.Fprintln(ew, "  filtered together:")
			for i, fs := range tb.FilterSets {
				if i == 5 {
					fmt.Fprintf(ew, "    … %d more\n", len(tb.FilterSets)-5)
					break
				}
				fmt.Fprintf(ew, "    (%s)  %s calls, %d queries\n", line(strings.Join(fs.Columns, ", ")), thousands(fs.Calls), len(fs.Queries))
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
		fmt.Fprintf(ew, "assumption: %s\n", line(s))
	}
	if a.WorkloadCost > 0 {
		fmt.Fprintf(ew, "estimated workload read cost: %s → %s (%.0f%% less), in planner cost units over all calls\n",
			costText(a.WorkloadCost), costText(a.WorkloadCostAfter), 100*(1-a.WorkloadCostAfter/a.WorkloadCost))
	}
	if v := a.Verification; v != nil {
		switch v.Status {
		case "done":
			over := ""
			if v.Measured > 0 {
				over = fmt.Sprintf(" over the %d queries explained", v.Measured)
			}
			fmt.Fprintf(ew, "planner check (HypoPG): %d verified, %d not used (moved to rejected), %d unverifiable; planner cost %s → %s%s; %d what-if calls\n",
				v.Verified, v.NotUsed, v.Unverifiable, costText(v.PlannerCost), costText(v.PlannerCostAfter), over, v.WhatIfCalls)
		case "partial":
			fmt.Fprintf(ew, "planner check partial (HypoPG): %d verified, %d not used (moved to rejected), %d unverifiable; planner cost %s → %s over the %d queries measured, %d left out (not explained); %d what-if calls\n",
				v.Verified, v.NotUsed, v.Unverifiable, costText(v.PlannerCost), costText(v.PlannerCostAfter), v.Measured, v.LeftOut, v.WhatIfCalls)
			for i, q := range v.Unmeasured {
				if i == maxUnmeasured {
					fmt.Fprintf(ew, "  … and %d more (the JSON report lists them all)\n", len(v.Unmeasured)-maxUnmeasured)
					break
				}
				fmt.Fprintf(ew, "  not measured: %s (%d calls), %s: %s\n", line(q.Fingerprint), q.Calls, line(q.Status), line(q.Reason))
			}
		default:
			fmt.Fprintf(ew, "planner check unavailable: %s\n", line(v.Note))
		}
	}
	anySaved, anyAssumed := figuresOf(d.Recommendations)
	header := []string{"#", "what", "table", "benefit", "write cost", "size", "queries"}
	if anySaved {
		header = append(header, "logged time saved")
	}
	t := newTable(ew, header...)
	for i, r := range d.Recommendations {
		what := line(r.kind() + " " + r.Label())
		if r.Confidence == "low" {
			what += " (low confidence)"
		}
		row := []string{strconv.Itoa(i + 1), what, line(r.table()), approx(costText(r.Benefit), r.Assumed), costText(r.WriteCost),
			approx(bytesText(r.SizeBytes), r.Assumed), strconv.Itoa(len(r.Queries))}
		if anySaved {
			row = append(row, savedText(r))
		}
		t.append(row...)
	}
	t.render()
	if anyAssumed {
		fmt.Fprintln(ew, AssumedNote)
	}
	for i, r := range d.Recommendations {
		fmt.Fprintf(ew, "%2d. %s\n", i+1, line(r.Reason))
		writeVerification(ew, r.Verification)
		if r.ContainsLiteral {
			fmt.Fprintf(ew, "    note: %s\n", LiteralNote)
		}
		steps := r.Steps
		if len(steps) == 0 {
			steps = []string{r.DDL}
		}
		for _, st := range steps {
			fmt.Fprintf(ew, "    %s\n", statement(st))
		}
		for _, rw := range r.rewritten() {
			fmt.Fprintf(ew, "    -- %s becomes:\n    %s\n", line(rw.Fingerprint), safetext.Block(rw.Rewritten))
		}
	}
	if len(d.Rejected) > 0 {
		section(ew, fmt.Sprintf("Considered and rejected (%d)", len(d.Rejected)))
		t := newTable(ew, "#", "index", "table", "benefit", "write cost", "size")
		for i, r := range d.Rejected {
			benefit, write, size := rejectedFigures(r)
			t.append(strconv.Itoa(i+1), line(r.Label()), line(r.table()), benefit, write, size)
		}
		t.render()
		for i, r := range d.Rejected {
			fmt.Fprintf(ew, "%2d. %s\n", i+1, line(r.Reason))
			writeVerification(ew, r.Verification)
		}
	}
}

// maxUnmeasured caps the queries the text report lists as not measured.
const maxUnmeasured = 10

// LiteralNote is what the reports say of a recommendation whose DDL holds
// a constant of the workload (Recommendation.ContainsLiteral).
const LiteralNote = "its DDL holds a constant from the workload (a value of the data)"

// AssumedNote explains the mark of figures that rest on an assumed table
// size (Recommendation.Assumed).
const AssumedNote = "~ assumed: no statistics for the table, so benefit and size rest on an assumed row count: they rank the recommendations, they do not measure the database (--dsn or --stats give real ones)"

// approx marks a figure that rests on an assumed table size.
func approx(s string, assumed bool) string {
	if assumed {
		return "~" + s
	}
	return s
}

// savedText is the logged execution time a recommendation would save.
func savedText(r Recommendation) string {
	if r.SavedMS > 0 {
		return fmtMS(r.SavedMS) + " ms"
	}
	return "-"
}

// figuresOf reports whether any recommendation has a logged time it would
// save, and whether any rests on an assumed table size.
func figuresOf(recs []Recommendation) (anySaved, anyAssumed bool) {
	for _, r := range recs {
		anySaved = anySaved || r.SavedMS > 0
		anyAssumed = anyAssumed || r.Assumed
	}
	return anySaved, anyAssumed
}

// writeVerification writes the planner's verdict on a recommendation.
func writeVerification(ew *errWriter, v *advisor.Verification) {
	if v == nil {
		return
	}
	fmt.Fprintf(ew, "    planner: %s", line(string(v.Status)))
	if v.Status == "verified" || v.CostBefore > 0 {
		fmt.Fprintf(ew, " (cost of its queries %s → %s)", costText(v.CostBefore), costText(v.CostAfter))
	}
	if v.Note != "" {
		fmt.Fprintf(ew, ": %s", line(v.Note))
	}
	fmt.Fprintln(ew)
}

func costText(x float64) string { return advisor.FormatCost(x) }

// line is text from outside for one line of the report.
func line(s string) string { return safetext.Line(s) }

// statement is a statement or comment step of the advice for display: a
// statement as safetext.SQL writes it (no name spans lines, and it can be
// copied as it is), a comment in one line (a name in it with a newline must
// not show a line that looks like a statement).
func statement(s string) string {
	if strings.HasPrefix(strings.TrimSpace(s), "--") {
		return safetext.Line(s)
	}
	if safe, err := safetext.SQL(s); err == nil {
		return safetext.Block(safe)
	}
	return safetext.Line(s)
}

// rejectedFigures are a rejected candidate's benefit, write cost and size,
// or dashes for one that was never priced (a summary no query could use, a
// table too small to partition): "0" would read as a measured nothing.
func rejectedFigures(r Recommendation) (benefit, write, size string) {
	if r.Kind != advisor.KindCreateIndex && r.Benefit == 0 && r.WriteCost == 0 && r.SizeBytes == 0 {
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
	t      *tablewriter.Table
	ew     *errWriter
	has    bool
	header []string
	rows   [][]string // held until render when the table must fit ew.width
}

func newTable(ew *errWriter, header ...string) *table {
	t := tablewriter.NewTable(ew,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
	)
	return &table{t: t, ew: ew, header: header}
}

func (t *table) append(cells ...string) {
	t.rows = append(t.rows, cells)
	t.has = true
}

func (t *table) render() {
	if !t.has {
		fmt.Fprintln(t.ew, "  (none)")
		return
	}
	header, rows := t.header, t.rows
	if t.ew.width > 0 {
		header, rows = fitWidth(t.ew.width, header, rows)
	}
	h := make([]any, len(header))
	for i, s := range header {
		h[i] = s
	}
	t.t.Header(h...)
	for _, r := range rows {
		if err := t.t.Append(r); err != nil && t.ew.err == nil {
			t.ew.err = err
		}
	}
	if err := t.t.Render(); err != nil && t.ew.err == nil {
		t.ew.err = err
	}
}

// minColumn is the narrowest a column is made to fit a terminal.
const minColumn = 8

// fitWidth wraps the cells of a table so that it fits width columns: the
// widest column gives way first, down to minColumn, its cells wrapped at
// spaces (a longer word is cut). A table that cannot fit is left wider.
func fitWidth(width int, header []string, rows [][]string) ([]string, [][]string) {
	widths := make([]int, len(header))
	measure := func(cells []string) {
		for i, c := range cells {
			if i < len(widths) {
				widths[i] = max(widths[i], displayWidth(c))
			}
		}
	}
	measure(header)
	for _, r := range rows {
		measure(r)
	}
	total := 3*len(widths) + 1 // "│ " before each cell, " " after, and the last "│"
	for _, w := range widths {
		total += w
	}
	shrunk := false
	for total > width {
		widest := 0
		for i, w := range widths {
			if w > widths[widest] {
				widest = i
			}
		}
		if widths[widest] <= minColumn {
			break
		}
		widths[widest]--
		total--
		shrunk = true
	}
	if !shrunk {
		return header, rows
	}
	wrapRow := func(cells []string) []string {
		out := make([]string, len(cells))
		for i, c := range cells {
			out[i] = c
			if i < len(widths) && displayWidth(c) > widths[i] {
				out[i] = wrapCell(c, widths[i])
			}
		}
		return out
	}
	wrapped := make([][]string, len(rows))
	for i, r := range rows {
		wrapped[i] = wrapRow(r)
	}
	return wrapRow(header), wrapped
}

// wrapCell breaks s into lines of at most width runes, at spaces where it
// can.
func wrapCell(s string, width int) string {
	var lines []string
	cur := []rune{}
	flush := func() {
		if len(cur) > 0 {
			lines = append(lines, string(cur))
			cur = cur[:0]
		}
	}
	for _, word := range strings.Fields(s) {
		w := []rune(word)
		if len(cur) > 0 && len(cur)+1+len(w) > width {
			flush()
		}
		for len(w) > width { // a word longer than the column: cut it
			if len(cur) > 0 {
				flush()
			}
			lines = append(lines, string(w[:width]))
			w = w[width:]
		}
		if len(cur) > 0 {
			cur = append(cur, ' ')
		}
		cur = append(cur, w...)
	}
	flush()
	return strings.Join(lines, "\n")
}

// displayWidth is the width of s on a terminal, in runes (the report's
// cells are escaped to one line).
func displayWidth(s string) int { return utf8.RuneCountInString(s) }

// errWriter remembers the first write error so the report code can write
// freely and check once.
type errWriter struct {
	w     io.Writer
	err   error
	width int // TextOptions.Width, for the tables
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
