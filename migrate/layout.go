package migrate

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pgadvise/pgadvise/internal/safetext"
)

// layout is one tool's file naming and format.
type layout struct {
	tool             Tool
	versionRE        *regexp.Regexp
	defaultTimestamp bool
	defaultWidth     int
	// suffixed: the tool orders versions as strings (dbmate), so that the
	// migrations of one run can share one timestamp with a two-digit
	// sequence after it (2026112510300001, 2026112510300002). Tools that
	// order versions as numbers (goose, golang-migrate) cannot: a longer
	// number would sort after every later 14-digit timestamp.
	suffixed bool
	// split cuts a unit's steps into the migrations it needs.
	split func([]step) [][]step
	// file renders one migration (a part of a unit) as files.
	file func(version string, p *part) []File
	// whole, if set, renders all units as one migration instead.
	whole func(version string, units []*unit) []File
	// upPart returns the part of an existing file that runs on up ("" for
	// a file that is no up migration).
	upPart func(name, content string) string
}

// occurrence is where a statement was last written: a file, and its rank
// in the folder's version order.
type occurrence struct {
	file string
	rank int
}

// upStatements maps each statement the up migrations among files hold
// (white space folded) to its last occurrence, in version order.
func (l *layout) upStatements(files []File) map[string]occurrence {
	type versioned struct {
		f File
		v uint64
	}
	var ups []versioned
	for _, f := range files {
		m := l.versionRE.FindStringSubmatch(f.Name)
		if f.Content == "" || m == nil {
			continue
		}
		v := m[1]
		if i := strings.IndexAny(v, "._"); i >= 0 {
			v = v[:i]
		}
		n, _ := strconv.ParseUint(v, 10, 64)
		ups = append(ups, versioned{f, n})
	}
	sort.SliceStable(ups, func(i, j int) bool {
		if ups[i].v != ups[j].v {
			return ups[i].v < ups[j].v
		}
		return ups[i].f.Name < ups[j].f.Name
	})
	out := map[string]occurrence{}
	for rank, u := range ups {
		steps, err := parseSteps(stripSQLComments(l.upPart(u.f.Name, u.f.Content)))
		if err != nil {
			continue // not ours to judge
		}
		for _, s := range steps {
			if !s.comment {
				out[statementKey(s.sql)] = occurrence{u.f.Name, rank}
			}
		}
	}
	return out
}

// stripSQLComments drops whole-line comments (annotations included).
func stripSQLComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func foldSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// upBySuffix: the file is an up migration if its name ends so.
func upBySuffix(suffix string) func(name, content string) string {
	return func(name, content string) string {
		if strings.HasSuffix(name, suffix) {
			return content
		}
		return ""
	}
}

// upBetween: the up migration is the lines between a line starting with
// the up marker and one starting with the down marker. Only a marker that
// starts a line counts, as for the tools: a statement may hold the text of
// one inside a name.
func upBetween(up, down string) func(name, content string) string {
	return func(name, content string) string {
		lines := strings.SplitAfter(content, "\n")
		start := -1
		for i, l := range lines {
			if start < 0 && strings.HasPrefix(l, up) {
				start = i + 1 // the marker's line ends with options
				continue
			}
			if start >= 0 && strings.HasPrefix(l, down) {
				return strings.Join(lines[start:i], "")
			}
		}
		if start < 0 {
			return ""
		}
		return strings.Join(lines[start:], "")
	}
}

func layoutOf(t Tool) *layout {
	switch t {
	case GolangMigrate:
		return &layout{tool: t, versionRE: golangMigrateRE, defaultWidth: 6, split: aloneNoTx, file: golangMigrateFile, upPart: upBySuffix(".up.sql")}
	case Goose:
		return &layout{tool: t, versionRE: gooseRE, defaultTimestamp: true, defaultWidth: 5, split: byTxMode, file: gooseFile,
			upPart: upBetween("-- +goose Up", "-- +goose Down")}
	case Flyway:
		return &layout{tool: t, versionRE: flywayRE, split: byTxMode, file: flywayFile,
			upPart: func(name, content string) string {
				if strings.HasPrefix(name, "V") {
					return content
				}
				return ""
			}}
	case Dbmate:
		return &layout{tool: t, versionRE: numberedSQLRE, defaultTimestamp: true, suffixed: true, split: aloneNoTx, file: dbmateFile,
			upPart: upBetween("-- migrate:up", "-- migrate:down")}
	case SQL:
		return &layout{tool: t, versionRE: numberedSQLRE, defaultWidth: 4, whole: sqlFiles, upPart: upBySuffix(".up.sql")}
	}
	return nil
}

// render writes the units' migrations, taking versions from seq.
func (l *layout) render(units []*unit, seq *sequence) ([]File, int) {
	if l.whole != nil {
		return l.whole(seq.take(), units), 1
	}
	var parts []*part
	for _, u := range units {
		parts = append(parts, splitUnit(u, l.split)...)
	}
	seq.reserve(len(parts))
	var files []File
	for _, p := range parts {
		files = append(files, l.file(seq.take(), p)...)
	}
	return files, len(parts)
}

// part is the share of a unit one migration runs.
type part struct {
	u         *unit
	index, of int // this part is index+1 of `of`
	up, down  []step
	// firstStep is the plan number of the first statement of up.
	firstStep int
	// downElsewhere: the unit has a down, run by another part's migration.
	downElsewhere bool
}

func (p *part) name() string {
	if p.of > 1 {
		return fmt.Sprintf("%s_step%d", p.u.title, p.index+1)
	}
	return p.u.title
}

func (p *part) noTx() bool   { return anyNoTx(p.up) || anyNoTx(p.down) }
func (p *part) upNoTx() bool { return anyNoTx(p.up) }

// aloneNoTx groups steps for tools that send a file (or block) as one
// Exec: a statement that cannot run in a transaction goes alone, the others
// together (one implicit transaction). Comments go with the statement after
// them.
func aloneNoTx(steps []step) [][]step {
	return group(steps, func(cur []step, s step) bool { return s.noTx || anyNoTx(cur) })
}

// byTxMode groups consecutive statements of the same transaction mode, for
// tools that run a file's statements one by one.
func byTxMode(steps []step) [][]step {
	return group(steps, func(cur []step, s step) bool { return s.noTx != anyNoTx(cur) })
}

// group cuts steps before each statement for which cut(current group, s)
// holds (never before the first statement).
func group(steps []step, cut func(cur []step, s step) bool) [][]step {
	var (
		out     [][]step
		cur     []step
		pending []step // comments waiting for their statement
	)
	for _, s := range steps {
		if s.comment {
			pending = append(pending, s)
			continue
		}
		if statements(cur) > 0 && cut(cur, s) {
			out = append(out, cur)
			cur = nil
		}
		cur = append(cur, pending...)
		cur = append(cur, s)
		pending = nil
	}
	cur = append(cur, pending...)
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// splitUnit cuts a unit into parts. A rollback runs the parts' downs from
// the last part back to the first, so the down statements are spread over
// the first parts in reverse: together they run in their written order.
func splitUnit(u *unit, split func([]step) [][]step) []*part {
	ups := split(u.up)
	downs := split(u.down)
	if len(downs) > len(ups) { // more down groups than migrations: the first ones share one
		k := len(downs) - len(ups) + 1
		var merged []step
		for _, g := range downs[:k] {
			merged = append(merged, g...)
		}
		downs = append([][]step{merged}, downs[k:]...)
	}
	parts := make([]*part, len(ups))
	stepNo := 1
	for i, g := range ups {
		parts[i] = &part{u: u, index: i, of: len(ups), up: g, firstStep: stepNo, downElsewhere: len(u.down) > 0}
		stepNo += statements(g)
	}
	for j, g := range downs {
		p := parts[len(downs)-1-j]
		p.down, p.downElsewhere = g, false
	}
	return parts
}

// commentLines writes each line as a line comment, "-- " and the line as
// safetext.Comment escapes it: no text, whatever it holds, can end the
// comment or be read as a tool's marker. Markers are written directly, never
// through here.
func commentLines(b *strings.Builder, lines ...string) {
	for _, l := range lines {
		if l == "" {
			b.WriteString("--\n")
			continue
		}
		b.WriteString("-- " + safetext.Comment(l) + "\n")
	}
}

// writeHeader writes what the migration does and why, and for a plan the
// whole plan with this part's place in it.
func writeHeader(b *strings.Builder, p *part) {
	commentLines(b, p.u.header...)
	if !p.u.plan {
		return
	}
	total := statements(p.u.up)
	commentLines(b, "",
		fmt.Sprintf("A multi-step plan of %d statements, run in order. Review it, and try it on a copy of", total),
		"the database first: it changes how the table is stored and read.")
	n := 0
	for _, s := range p.u.up {
		if s.comment {
			continue
		}
		n++
		first, _, _ := strings.Cut(s.sql, "\n")
		if len(first) > 90 {
			cut := 89
			for cut > 0 && !utf8.RuneStart(first[cut]) { // not inside a character
				cut--
			}
			first = first[:cut] + "…"
		}
		commentLines(b, fmt.Sprintf("  %d. %s", n, first))
	}
	if p.of > 1 {
		last := p.firstStep + statements(p.up) - 1
		where := fmt.Sprintf("step %d", p.firstStep)
		if last > p.firstStep {
			where = fmt.Sprintf("steps %d-%d", p.firstStep, last)
		}
		commentLines(b, fmt.Sprintf("This migration is part %d of %d of the plan: %s.", p.index+1, p.of, where))
	}
}

// writeSteps writes statements and comment lines; numbered is the plan
// number of the first statement (0: no numbering).
func writeSteps(b *strings.Builder, steps []step, numbered int, wrapGoose bool) {
	for _, s := range steps {
		if s.comment {
			commentLines(b, s.sql)
			continue
		}
		if numbered > 0 {
			commentLines(b, fmt.Sprintf("step %d", numbered))
			numbered++
		}
		// goose ends a statement at a line ending in ";" and stops reading
		// a line at a word starting with "--", quotes or not: a statement
		// holding either goes between StatementBegin and StatementEnd.
		multi := wrapGoose && (strings.Contains(strings.TrimSuffix(s.sql, ";"), ";") || strings.Contains(s.sql, "--"))
		if multi {
			b.WriteString("-- +goose StatementBegin\n")
		}
		b.WriteString(s.sql + "\n")
		if multi {
			b.WriteString("-- +goose StatementEnd\n")
		}
	}
}

func stepNumber(p *part) int {
	if p.u.plan {
		return p.firstStep
	}
	return 0
}

// downNote explains a part without down statements.
func downNote(p *part) string {
	if p.downElsewhere {
		return "Nothing to undo in this part alone: the down of the plan's earlier migration reverses it."
	}
	return fmt.Sprintf("No statement reverses this %s: pgadvise gives no down for it; restore by hand if needed.", p.u.kind)
}

// buildNote warns about the INVALID index a failed concurrent build leaves.
func buildNote(steps []step) []string {
	for _, s := range steps {
		if s.build {
			return []string{"If the build fails, it leaves an INVALID index behind: drop it before retrying",
				"(IF NOT EXISTS would keep the invalid one)."}
		}
	}
	return nil
}

func golangMigrateFile(v string, p *part) []File {
	base := v + "_" + p.name()
	var up, down strings.Builder
	writeHeader(&up, p)
	if p.upNoTx() {
		commentLines(&up,
			"CONCURRENTLY cannot run inside a transaction block. golang-migrate sends a file as one",
			"Exec, and several statements in one Exec share an implicit transaction: this statement",
			"is alone in its file, so it runs outside one.")
	} else if statements(p.up) > 1 {
		commentLines(&up, "golang-migrate sends this file as one Exec: PostgreSQL runs its statements in one",
			"implicit transaction, all or nothing.")
	}
	commentLines(&up, buildNote(p.up)...)
	commentLines(&up, "After a failure golang-migrate marks the version dirty: fix the cause, then",
		"`migrate force` the previous version and run up again.")
	up.WriteString("\n")
	writeSteps(&up, p.up, stepNumber(p), false)

	commentLines(&down, fmt.Sprintf("Down of %s.up.sql.", base))
	if len(p.down) == 0 {
		commentLines(&down, downNote(p))
	} else {
		if anyNoTx(p.down) {
			commentLines(&down, "CONCURRENTLY cannot run inside a transaction block: this statement is alone in its file.")
		}
		down.WriteString("\n")
		writeSteps(&down, p.down, 0, false)
	}
	return []File{{base + ".up.sql", up.String()}, {base + ".down.sql", down.String()}}
}

func gooseFile(v string, p *part) []File {
	var b strings.Builder
	if p.noTx() {
		b.WriteString("-- +goose NO TRANSACTION\n")
	}
	writeHeader(&b, p)
	if p.noTx() {
		commentLines(&b,
			"NO TRANSACTION (first line): CONCURRENTLY cannot run inside a transaction block, so goose",
			"runs this file's statements one at a time, outside a transaction.")
	} else {
		commentLines(&b, "goose runs this file in one transaction: all or nothing.")
	}
	commentLines(&b, buildNote(p.up)...)
	b.WriteString("\n-- +goose Up\n")
	writeSteps(&b, p.up, stepNumber(p), true)
	b.WriteString("\n-- +goose Down\n")
	if len(p.down) == 0 {
		commentLines(&b, downNote(p))
	} else {
		writeSteps(&b, p.down, 0, true)
	}
	return []File{{v + "_" + p.name() + ".sql", b.String()}}
}

func flywayFile(v string, p *part) []File {
	base := "V" + v + "__" + p.name() + ".sql"
	undo := "U" + v + "__" + p.name() + ".sql"
	var b strings.Builder
	writeHeader(&b, p)
	if p.upNoTx() {
		commentLines(&b, fmt.Sprintf("CONCURRENTLY cannot run inside a transaction block: the sibling %s.conf", base),
			"sets executeInTransaction=false, so Flyway runs these statements outside one.")
	}
	commentLines(&b, buildNote(p.up)...)
	commentLines(&b, fmt.Sprintf("Undo: %s (Flyway Teams' undo; with Community, run it by hand).", undo))
	b.WriteString("\n")
	writeSteps(&b, p.up, stepNumber(p), false)
	files := []File{{base, b.String()}}
	if p.upNoTx() {
		files = append(files, File{base + ".conf", "executeInTransaction=false\n"})
	}

	var u strings.Builder
	commentLines(&u, fmt.Sprintf("Undo of %s.", base))
	if len(p.down) == 0 {
		commentLines(&u, downNote(p))
	} else {
		if anyNoTx(p.down) {
			commentLines(&u, fmt.Sprintf("CONCURRENTLY cannot run inside a transaction block: %s.conf sets executeInTransaction=false.", undo))
		}
		u.WriteString("\n")
		writeSteps(&u, p.down, 0, false)
	}
	files = append(files, File{undo, u.String()})
	if anyNoTx(p.down) {
		files = append(files, File{undo + ".conf", "executeInTransaction=false\n"})
	}
	return files
}

func dbmateFile(v string, p *part) []File {
	var b strings.Builder
	b.WriteString("-- migrate:up")
	if p.upNoTx() {
		b.WriteString(" transaction:false")
	}
	b.WriteString("\n")
	writeHeader(&b, p)
	if p.upNoTx() {
		commentLines(&b,
			"transaction:false: CONCURRENTLY cannot run inside a transaction block. dbmate sends a",
			"block as one Exec, where several statements would share an implicit transaction: this",
			"statement is alone in its block.")
	}
	commentLines(&b, buildNote(p.up)...)
	b.WriteString("\n")
	writeSteps(&b, p.up, stepNumber(p), false)
	b.WriteString("\n-- migrate:down")
	if anyNoTx(p.down) {
		b.WriteString(" transaction:false")
	}
	b.WriteString("\n")
	if len(p.down) == 0 {
		commentLines(&b, downNote(p))
	} else {
		writeSteps(&b, p.down, 0, false)
	}
	return []File{{v + "_" + p.name() + ".sql", b.String()}}
}

// sqlFiles writes every unit into one up and one down script for psql.
func sqlFiles(v string, units []*unit) []File {
	base := v + "_pgadvise"
	var up, down strings.Builder
	commentLines(&up, fmt.Sprintf("pgadvise: %d migration(s). Run with", len(units)),
		fmt.Sprintf("  psql -v ON_ERROR_STOP=1 -f %s.up.sql", base),
		"psql runs each statement on its own (autocommit), as CONCURRENTLY requires: do not add",
		"--single-transaction or BEGIN. Undo with "+base+".down.sql.")
	commentLines(&down, fmt.Sprintf("Undo of %s.up.sql, in reverse order. Run with", base),
		fmt.Sprintf("  psql -v ON_ERROR_STOP=1 -f %s.down.sql", base))
	for i, u := range units {
		p := &part{u: u, of: 1, up: u.up, down: u.down, firstStep: 1}
		up.WriteString("\n")
		commentLines(&up, fmt.Sprintf("%d.", i+1))
		writeHeader(&up, p)
		commentLines(&up, buildNote(u.up)...)
		writeSteps(&up, u.up, stepNumber(p), false)
	}
	for i := len(units) - 1; i >= 0; i-- {
		u := units[i]
		down.WriteString("\n")
		commentLines(&down, fmt.Sprintf("%d. undo %s", i+1, u.title))
		if len(u.down) == 0 {
			commentLines(&down, downNote(&part{u: u}))
			continue
		}
		writeSteps(&down, u.down, 0, false)
	}
	return []File{{base + ".up.sql", up.String()}, {base + ".down.sql", down.String()}}
}
