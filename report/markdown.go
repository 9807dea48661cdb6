package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/internal/safetext"
)

// MarkdownMarker is the first line of every Markdown report: an HTML comment
// GitHub and GitLab do not show, by which a CI step finds the comment it
// posted on an earlier run and edits it instead of posting a new one.
const MarkdownMarker = "<!-- pgadvise-report -->"

// MaxMarkdownBytes is the default size cap of the Markdown report: GitHub
// refuses pull-request comments over 65,536 characters, and a byte count
// never undercounts characters.
const MaxMarkdownBytes = 65536

// MarkdownOptions tune the Markdown report.
type MarkdownOptions struct {
	// MaxBytes caps the report's size (0: MaxMarkdownBytes). A report that
	// would be longer is cut between blocks, with a note saying what is left
	// out.
	MaxBytes int
	// QueriesPerRecommendation is how many served queries a recommendation's
	// details list (0: 5).
	QueriesPerRecommendation int
}

// kindSection is one per-kind section of a report.
type kindSection struct{ kind, title string }

// kindOrder is the order of the per-kind sections, with their titles: the
// advisor's list of kinds.
func kindOrder() []kindSection {
	var out []kindSection
	for _, k := range advisor.Kinds() {
		out = append(out, kindSection{string(k.Kind), k.Title})
	}
	return out
}

// sectionHeading is a section's title with its count: "Indexes to create
// (12)", and one parenthesis for a title that has its own: "Indexes no
// captured query used (2, low confidence)".
func sectionHeading(title string, n int) string {
	if base, note, ok := strings.Cut(title, " ("); ok && strings.HasSuffix(note, ")") {
		return fmt.Sprintf("%s (%d, %s", base, n, note)
	}
	return fmt.Sprintf("%s (%d)", title, n)
}

// WriteMarkdown writes the report as GitHub-flavoured Markdown for a CI job
// summary or a pull-request comment: the MarkdownMarker line, a headline
// (how many recommendations, the estimated gain), one table per kind, each
// recommendation's details (reason, DDL, the queries it serves) folded in
// <details>, and the rejected candidates. It stays under opt.MaxBytes.
//
// Query texts are the normalized ones ($1 for constants); sample values
// appear only when the document carries them (Query.Sample, --show-values).
//
// Every name, reason and query text comes from outside and is escaped for
// its place by internal/safetext: table cells (cell, codeCell), paragraphs
// (oneLineMD), HTML (<summary>), code spans and fenced blocks, so that none
// can end its cell, row, block or span, add HTML, or hold a control
// character.
func WriteMarkdown(w io.Writer, d *Document, opt MarkdownOptions) error {
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = MaxMarkdownBytes
	}
	if opt.QueriesPerRecommendation <= 0 {
		opt.QueriesPerRecommendation = 5
	}
	m := &mdWriter{max: opt.MaxBytes}
	m.add(MarkdownMarker + "\n")
	m.headline(d)

	queries := make(map[string]*Query, len(d.Queries))
	for i := range d.Queries {
		queries[d.Queries[i].Fingerprint] = &d.Queries[i]
	}
	known := map[string]bool{}
	for _, k := range kindOrder() {
		known[k.kind] = true
	}
	sections := kindOrder()
	for _, r := range d.Recommendations {
		if !known[r.kind()] { // a kind this renderer does not know yet
			known[r.kind()] = true
			sections = append(sections, kindSection{r.kind(), oneLineMD(r.kind())})
		}
	}
	// Recommendations are numbered in the order the sections show them.
	number := make(map[*Recommendation]int, len(d.Recommendations))
	for _, s := range sections {
		for i := range d.Recommendations {
			if r := &d.Recommendations[i]; r.kind() == s.kind {
				number[r] = len(number) + 1
			}
		}
	}
	for _, s := range sections {
		var recs []*Recommendation
		for i := range d.Recommendations {
			if d.Recommendations[i].kind() == s.kind {
				recs = append(recs, &d.Recommendations[i])
			}
		}
		if len(recs) == 0 {
			continue
		}
		m.add("\n### " + sectionHeading(s.title, len(recs)) + "\n\n")
		m.kindTable(s.kind, recs, number)
		m.add("\n")
		for _, r := range recs {
			m.add(recommendationDetails(number[r], r, queries, opt.QueriesPerRecommendation))
		}
	}
	if s := executionMarkdown(d); s != "" { // execution.go
		m.add(s)
	}
	if b := d.Baseline; b != nil && len(b.Gone) > 0 {
		m.add(fmt.Sprintf("\n### No longer recommended (%d)\n\nIn the baseline, not in this run: applied, or no longer worth it.\n\n", len(b.Gone)))
		m.add("| kind | table | index |\n|---|---|---|\n")
		for _, g := range b.Gone {
			m.add("| " + cell(g.Kind) + " | " + cell(g.Table) + " | " + codeCell(g.Index) + " |\n")
		}
	}
	if len(d.Rejected) > 0 {
		m.addOr(fmt.Sprintf("\n<details>\n<summary>Considered and rejected (%d)</summary>\n\n", len(d.Rejected))+
			"| kind | candidate | table | benefit | write cost | size | why not |\n|---|---|---|---:|---:|---:|---|\n", "\n</details>\n")
		for _, r := range d.Rejected {
			what := codeCell(r.Label())
			if r.Label() == "" && partitionKey(r) != "" {
				what = "by " + codeCell(partitionKey(r))
			}
			benefit, write, size := rejectedFigures(r)
			m.addOr("| "+cell(r.kind())+" | "+what+" | "+cell(r.table())+" | "+benefit+" | "+write+" | "+size+" | "+cell(r.Reason)+" |\n",
				"\n</details>\n")
		}
		m.add("\n</details>\n")
	}
	m.add(fmt.Sprintf("\n<sub>pgadvise · %s · benefit and write cost in PostgreSQL planner cost units summed over the workload's calls</sub>\n", inputSummary(d)))
	_, err := io.WriteString(w, m.finish())
	if err != nil {
		return fmt.Errorf("write markdown: %w", err)
	}
	return nil
}

// mdWriter collects the report block by block and stops adding blocks once
// the next would take it over the cap (keeping room for the note saying so).
type mdWriter struct {
	b       strings.Builder
	max     int
	cut     bool
	dropped int    // blocks left out
	closing string // what must follow the last block written (closes an open <details>)
}

// truncNoteRoom is the room kept for the truncation note and a closing tag.
const truncNoteRoom = 300

func (m *mdWriter) add(s string) { m.addOr(s, "") }

// addOr adds a block; closing is what must be written after it should the
// report be cut right after it.
func (m *mdWriter) addOr(s, closing string) {
	if m.cut {
		m.dropped++
		return
	}
	if m.b.Len()+len(s)+truncNoteRoom > m.max {
		m.cut = true
		m.dropped++
		return
	}
	m.b.WriteString(s)
	m.closing = closing
}

func (m *mdWriter) finish() string {
	if !m.cut {
		return m.b.String()
	}
	m.b.WriteString(m.closing)
	fmt.Fprintf(&m.b, "\n> [!NOTE]\n> Report cut at %s bytes (the limit of a pull-request comment): %d more block(s) left out. The full report: `pgadvise analyze --format json` or `--format text`.\n", thousands(int64(m.max)), m.dropped)
	return m.b.String()
}

func (m *mdWriter) headline(d *Document) {
	n, low := 0, 0
	for _, r := range d.Recommendations {
		if r.Confidence == "low" {
			low++
		} else {
			n++
		}
	}
	news := ""
	if d.Baseline != nil {
		news = "new "
	}
	title := fmt.Sprintf("## pgadvise: %d %srecommendation%s", n, news, plural(n))
	if low > 0 {
		title += fmt.Sprintf(" (and %d low-confidence)", low)
	}
	m.add(title + "\n\n")
	var parts []string
	byKind := map[string]int{}
	for _, r := range d.Recommendations {
		byKind[r.kind()]++
	}
	for _, k := range kindOrder() {
		if c := byKind[k.kind]; c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c, k.kind))
		}
	}
	if len(parts) > 0 {
		m.add(strings.Join(parts, " · ") + "\n\n")
	}
	if b := d.Baseline; b != nil {
		m.add(fmt.Sprintf("Compared with the baseline %s: %d new, %d unchanged (not shown), %d no longer recommended.\n\n",
			safetext.MarkdownCode(b.Path), len(d.Recommendations), b.Unchanged, len(b.Gone)))
	}
	a := d.Advice
	if a.WorkloadCost > 0 {
		gain := fmt.Sprintf("**Estimated gain:** the workload's read cost goes from %s to %s planner cost units (%.0f%% less) with all recommendations of the run applied",
			costText(a.WorkloadCost), costText(a.WorkloadCostAfter), 100*(1-a.WorkloadCostAfter/a.WorkloadCost))
		var saved float64
		for _, r := range d.Recommendations {
			saved += r.SavedMS
		}
		if saved > 0 {
			gain += fmt.Sprintf("; about %s ms of the logged query time would be saved", fmtMS(saved))
		}
		m.add(gain + ".\n\n")
	}
	if v := a.Verification; v != nil && v.Status != "done" {
		note := fmt.Sprintf("%d of the queries could not be explained and are left out of its costs (see the JSON report's verification.unmeasured)", v.LeftOut)
		if v.Status == "unavailable" {
			note = "nothing could be verified: " + oneLineMD(v.Note)
		}
		m.add(fmt.Sprintf("**Planner check %s:** %s.\n\n", safetext.HTML(string(v.Status)), note))
	}
	if len(a.Assumptions) > 0 {
		lines := make([]string, len(a.Assumptions))
		for i, s := range a.Assumptions {
			lines[i] = "> **Assumption:** " + oneLineMD(s)
		}
		m.add(strings.Join(lines, "\n>\n") + "\n\n")
	}
}

func inputSummary(d *Document) string {
	in := d.Input
	names := make([]string, 0, len(in.Files))
	for _, f := range in.Files {
		names = append(names, f.Name)
	}
	s := fmt.Sprintf("%s statements, %d query shapes from %s", thousands(in.Statements), in.Shapes, strings.Join(names, ", "))
	if in.Schema != "" {
		s += "; schema " + in.Schema
	}
	return safetext.HTML(s)
}

// kindTable writes the summary table of one kind's recommendations.
func (m *mdWriter) kindTable(kind string, recs []*Recommendation, number map[*Recommendation]int) {
	anyAssumed := false
	for _, r := range recs {
		anyAssumed = anyAssumed || r.Assumed
	}
	if anyAssumed {
		defer m.add("\n" + safetext.HTML(AssumedNote) + "\n")
	}
	switch kind {
	case string(advisor.KindPartition):
		m.add("| # | table | key | strategy | pruned | benefit | queries |\n|---:|---|---|---|---:|---:|---:|\n")
		for _, r := range recs {
			key, strategy, pruned := r.Partitioning()
			m.add(fmt.Sprintf("| %d | %s | %s | %s | %.0f%% | %s | %d |\n", number[r], cell(r.table()), codeCell(key),
				cell(strategy), 100*pruned, approx(costText(r.Benefit), r.Assumed), len(r.Queries)))
		}
	case string(advisor.KindUnusedIndex), string(advisor.KindDropIndex):
		m.add("| # | index | table | frees | write cost saved | confidence |\n|---:|---|---|---:|---:|---|\n")
		for _, r := range recs {
			m.add(fmt.Sprintf("| %d | %s | %s | %s | %s | %s |\n", number[r], codeCell(r.Label()), cell(r.table()),
				approx(bytesText(r.SizeBytes), r.Assumed), costText(r.Benefit), cell(r.Confidence)))
		}
	default:
		name := "index"
		if kind == string(advisor.KindSummaryTable) {
			name = "summary table"
		}
		verified, saved := false, false
		for _, r := range recs {
			verified = verified || r.Verification != nil
			saved = saved || r.SavedMS > 0
		}
		head, rule := "| # | "+name+" | table | benefit | write cost | size | queries |", "|---:|---|---|---:|---:|---:|---:|"
		if saved {
			head, rule = head+" logged time saved |", rule+"---:|"
		}
		if verified {
			head, rule = head+" planner |", rule+"---|"
		}
		m.add(head + "\n" + rule + "\n")
		for _, r := range recs {
			row := fmt.Sprintf("| %d | %s | %s | %s | %s | %s | %d |", number[r], codeCell(r.Label()), cell(r.table()),
				approx(costText(r.Benefit), r.Assumed), costText(r.WriteCost), approx(bytesText(r.SizeBytes), r.Assumed), len(r.Queries))
			if saved {
				row += " " + savedText(*r) + " |"
			}
			if verified {
				status := ""
				if v := r.Verification; v != nil {
					status = string(v.Status)
				}
				row += " " + cell(status) + " |"
			}
			m.add(row + "\n")
		}
	}
}

// recommendationDetails is one recommendation's <details> block.
func recommendationDetails(n int, r *Recommendation, queries map[string]*Query, maxQueries int) string {
	var b strings.Builder
	what := r.Label()
	if what == "" {
		what = partitionKey(*r)
	}
	fmt.Fprintf(&b, "<details>\n<summary>%d. %s <code>%s</code> on %s</summary>\n\n", n, safetext.HTML(r.kind()),
		safetext.HTML(what), safetext.HTML(r.table()))
	if r.Reason != "" {
		b.WriteString(oneLineMD(r.Reason) + "\n\n")
	}
	if r.SavedMS > 0 {
		fmt.Fprintf(&b, "Observed time it would save: about %s ms.\n\n", fmtMS(r.SavedMS))
	}
	if len(r.Steps) > 0 {
		fmt.Fprintf(&b, "A plan of %d steps, to run in order:\n\n", len(r.Steps))
		steps := make([]string, len(r.Steps))
		for i, st := range r.Steps {
			steps[i] = statement(st)
		}
		b.WriteString(fenced("sql", strings.Join(steps, "\n")))
	} else if r.DDL != "" {
		b.WriteString(fenced("sql", statement(r.DDL)))
	}
	if r.ContainsLiteral {
		b.WriteString("Note: " + LiteralNote + ".\n\n")
	}
	if r.DownDDL != "" {
		b.WriteString("To undo:\n\n" + fenced("sql", statement(r.DownDDL)))
	}
	if v := r.Verification; v != nil {
		fmt.Fprintf(&b, "Planner check: **%s**, cost %s → %s", safetext.HTML(string(v.Status)), costText(v.CostBefore), costText(v.CostAfter))
		if v.Note != "" {
			b.WriteString(" (" + oneLineMD(v.Note) + ")")
		}
		b.WriteString(".\n\n")
	}
	for _, rw := range r.rewritten() {
		fmt.Fprintf(&b, "Query %s reads from the summary table as:\n\n", safetext.MarkdownCode(rw.Fingerprint))
		b.WriteString(fenced("sql", rw.Rewritten))
	}
	if len(r.Queries) > 0 {
		fmt.Fprintf(&b, "Queries served (%d):\n\n", len(r.Queries))
		for i, fp := range r.Queries {
			if i == maxQueries {
				fmt.Fprintf(&b, "… and %d more.\n\n", len(r.Queries)-maxQueries)
				break
			}
			q := queries[fp]
			if q == nil {
				fmt.Fprintf(&b, "- %s\n\n", safetext.MarkdownCode(fp))
				continue
			}
			timing := ""
			if q.Timed {
				timing = fmt.Sprintf(", %s ms in total", fmtMS(q.TotalMS))
			}
			fmt.Fprintf(&b, "- %s: %s calls%s\n\n", safetext.MarkdownCode(fp), thousands(q.Calls), timing)
			b.WriteString(indent(fenced("sql", q.Query), "  "))
			if q.Sample != "" {
				b.WriteString("  Sample (real values):\n\n")
				b.WriteString(indent(fenced("sql", q.Sample), "  "))
			}
			if len(q.SampleParams) > 0 {
				b.WriteString("  Sample parameters: " + safetext.HTML(strings.Join(q.SampleParams, ", ")) + "\n\n")
			}
		}
	}
	b.WriteString("</details>\n\n")
	return b.String()
}

// fenced wraps code in a fenced block whose fence is longer than any run of
// backticks inside it (safetext.MarkdownFenced).
func fenced(lang, code string) string { return safetext.MarkdownFenced(lang, code) }

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l == "\n" || l == "" {
			b.WriteString(l)
			continue
		}
		b.WriteString(prefix + l)
	}
	return b.String()
}

// cell escapes text for a Markdown table cell (safetext.MarkdownCell): | would
// end the cell and a newline the row.
func cell(s string) string { return safetext.MarkdownCell(s) }

// codeCell is a table cell in a code span (empty stays empty;
// safetext.MarkdownCodeCell).
func codeCell(s string) string { return safetext.MarkdownCodeCell(s) }

// oneLineMD folds a text into one Markdown paragraph line, escaped
// (safetext.MarkdownText).
func oneLineMD(s string) string { return safetext.MarkdownText(s) }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
