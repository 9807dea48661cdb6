package migrate

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/safetext"
	"github.com/pgadvise/pgadvise/report"
)

// unit is one recommendation as a migration: comment lines that say what
// and why, and the up and down steps.
//
// Every text of a unit comes from outside (names and strings of a captured
// query or a schema, and reasons built from them) and is hostile: comment
// text is escaped when written (commentLines), and statements are rewritten
// by safetext.SQL when parsed (parseSteps), so that nothing in them can end
// a comment, start a line of its own, or be read as a tool's marker.
type unit struct {
	kind   string
	title  string   // file name part
	header []string // comment lines, without "-- "
	up     []step
	down   []step
	// plan: the up steps form a multi-step plan (summary table,
	// partitioning) to be commented as such.
	plan bool
}

// step is a statement (with its ";"), or a comment line (comment set).
type step struct {
	sql     string
	comment bool
	// noTx: the statement cannot run inside a transaction block.
	noTx bool
	// build: it builds an index concurrently (a failure leaves it INVALID).
	build bool
}

func anyNoTx(steps []step) bool {
	for _, s := range steps {
		if s.noTx {
			return true
		}
	}
	return false
}

func statements(steps []step) int {
	n := 0
	for _, s := range steps {
		if !s.comment {
			n++
		}
	}
	return n
}

// newUnit builds the migration of a recommendation; a nil unit comes with
// why it cannot be written.
func newUnit(r *report.Recommendation) (*unit, string, error) {
	u := &unit{kind: string(r.Kind), title: title(r)}
	key, strategy, pruned := r.Partitioning()
	what := r.Label()
	if r.Kind != advisor.KindPartition && what != "" {
		what = catalog.QuoteIdent(what) // a relation's name (a partitioning's is a description)
	}
	if what == "" && key != "" {
		what = "by " + catalog.QuoteIdent(key)
	}
	u.header = append(u.header, fmt.Sprintf("pgadvise %s: %s on %s", r.Kind, what, r.Table))
	if r.Reason != "" {
		u.header = append(u.header, wrap(oneLine(r.Reason), 96)...)
	}
	var figures string
	switch r.Kind {
	case advisor.KindDropIndex, advisor.KindUnusedIndex:
		figures = fmt.Sprintf("frees %s and saves %s of index maintenance (planner cost units over the workload)", sizeText(r.SizeBytes), num(r.Benefit))
	default:
		figures = fmt.Sprintf("estimated benefit %s, write cost %s (planner cost units over the workload)", num(r.Benefit), num(r.WriteCost))
		if r.SizeBytes > 0 {
			figures += fmt.Sprintf(", size %s", sizeText(r.SizeBytes))
		}
		figures += fmt.Sprintf("; serves %d %s", len(r.Queries), plural(len(r.Queries), "query", "queries"))
	}
	figures += "; confidence " + r.Confidence
	u.header = append(u.header, figures)
	if r.Kind == advisor.KindUnusedIndex {
		u.header = append(u.header,
			"LOW CONFIDENCE: no captured query used this index, but the capture may have missed",
			"its users. Check pg_stat_user_indexes.idx_scan on the primary and every replica first.")
	}
	if r.Kind == advisor.KindPartition && key != "" {
		u.header = append(u.header, fmt.Sprintf("partition key %s (%s); %.0f%% of the calls prune to few partitions", catalog.QuoteIdent(key), strategy, 100*pruned))
	}

	var err error
	if len(r.Steps) > 0 {
		u.plan = true
		for _, s := range r.Steps {
			if c, ok := strings.CutPrefix(strings.TrimSpace(s), "--"); ok {
				// A step that starts as a comment is a comment, all of
				// it: the advisor writes them in one line, and a name in
				// one holding a newline must not make the rest of it a
				// statement.
				u.up = append(u.up, step{sql: strings.TrimSpace(c), comment: true})
				continue
			}
			ss, e := parseSteps(s)
			if e != nil {
				err = e
				break
			}
			u.up = append(u.up, ss...)
		}
	} else if strings.TrimSpace(r.DDL) != "" {
		u.up, err = parseSteps(r.DDL)
	}
	if errors.Is(err, errUnsafe) {
		return nil, err.Error(), nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("migrate: %s %s on %s: %w", safetext.Line(string(r.Kind)), safetext.Line(r.Label()), safetext.Line(r.Table.String()), err)
	}
	if statements(u.up) == 0 {
		return nil, "no statement to run", nil
	}
	if strings.TrimSpace(r.DownDDL) != "" {
		u.down, err = parseSteps(r.DownDDL)
		if errors.Is(err, errUnsafe) {
			return nil, "down: " + err.Error(), nil
		}
		if err != nil {
			return nil, "", fmt.Errorf("migrate: %s %s on %s: down: %w", safetext.Line(string(r.Kind)), safetext.Line(r.Label()), safetext.Line(r.Table.String()), err)
		}
	}
	return u, "", nil
}

// errUnsafe marks a statement safetext.SQL cannot write safely.
var errUnsafe = errors.New("cannot be written safely")

// parseSteps splits text into comment lines and statements. A text whose
// lines all start with "--" is comments; otherwise it is split into
// statements with PostgreSQL's scanner (strings, dollar quotes and comments
// are respected), each ending in ";" and rewritten by safetext.SQL, so that
// no name or string in it spans lines.
func parseSteps(text string) ([]step, error) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if text == "" {
		return nil, nil
	}
	if strings.ContainsRune(text, 0) || !utf8.ValidString(text) {
		// PostgreSQL holds neither in a name or string (its scanner
		// would stop at the NUL).
		return nil, fmt.Errorf("%w: %s: a NUL byte or invalid UTF-8", errUnsafe, safetext.Line(text))
	}
	allComments := true
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "--") {
			allComments = false
			break
		}
	}
	var out []step
	if allComments {
		for _, l := range strings.Split(text, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, step{sql: strings.TrimSpace(strings.TrimPrefix(l, "--")), comment: true})
			}
		}
		return out, nil
	}
	parts, err := pg_query.SplitWithScanner(text, true)
	if err != nil {
		return nil, fmt.Errorf("split %q: %w", text, err)
	}
	for _, p := range parts {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		// Leading comment lines become comment steps of their own, so
		// that they stay comments in every layout.
		for strings.HasPrefix(p, "--") {
			line, rest, _ := strings.Cut(p, "\n")
			out = append(out, step{sql: strings.TrimSpace(strings.TrimPrefix(line, "--")), comment: true})
			p = strings.TrimSpace(rest)
		}
		if p == "" {
			continue
		}
		safe, err := safetext.SQL(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", errUnsafe, safetext.Line(p), err)
		}
		p = safe
		noTx, build := transactionNeeds(p)
		out = append(out, step{sql: p + ";", noTx: noTx, build: build})
	}
	return out, nil
}

var (
	concurrentlyRE = regexp.MustCompile(`(?i)\bCONCURRENTLY\b|^\s*VACUUM\b`)
	refreshRE      = regexp.MustCompile(`(?i)^\s*REFRESH\b`)
	createIndexRE  = regexp.MustCompile(`(?i)^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\b`)
)

// transactionNeeds reports whether a statement cannot run inside a
// transaction block (CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY,
// DETACH PARTITION CONCURRENTLY, VACUUM; REFRESH MATERIALIZED VIEW
// CONCURRENTLY can, and does not count), and whether it builds an index
// concurrently. A statement the parser rejects is judged by its words.
func transactionNeeds(stmt string) (noTx, build bool) {
	res, err := pg_query.Parse(stmt)
	if err != nil || len(res.Stmts) == 0 {
		build = createIndexRE.MatchString(stmt)
		return build || concurrentlyRE.MatchString(stmt) && !refreshRE.MatchString(stmt), build
	}
	return needsNoTransaction(res), build || createsIndexConcurrently(res)
}

func createsIndexConcurrently(res *pg_query.ParseResult) bool {
	for _, raw := range res.Stmts {
		if ix := raw.Stmt.GetIndexStmt(); ix != nil && ix.Concurrent {
			return true
		}
	}
	return false
}

func needsNoTransaction(res *pg_query.ParseResult) bool {
	for _, raw := range res.Stmts {
		switch n := raw.Stmt.Node.(type) {
		case *pg_query.Node_IndexStmt:
			if n.IndexStmt.Concurrent {
				return true
			}
		case *pg_query.Node_DropStmt:
			if n.DropStmt.Concurrent {
				return true
			}
		case *pg_query.Node_ReindexStmt:
			for _, p := range n.ReindexStmt.Params {
				if d := p.GetDefElem(); d != nil && strings.EqualFold(d.Defname, "concurrently") {
					return true
				}
			}
		case *pg_query.Node_AlterTableStmt:
			for _, c := range n.AlterTableStmt.Cmds {
				if pc := c.GetAlterTableCmd().GetDef().GetPartitionCmd(); pc != nil && pc.Concurrent {
					return true
				}
			}
		case *pg_query.Node_VacuumStmt:
			if n.VacuumStmt.IsVacuumcmd {
				return true
			}
		case *pg_query.Node_CreatedbStmt, *pg_query.Node_DropdbStmt, *pg_query.Node_AlterSystemStmt,
			*pg_query.Node_CreateTableSpaceStmt, *pg_query.Node_DropTableSpaceStmt:
			return true
		}
	}
	return false
}

// title is a file-name-safe description of a recommendation.
func title(r *report.Recommendation) string {
	var s string
	switch k, known := advisor.LookupKind(string(r.Kind)); {
	case k.Kind == advisor.KindPartition:
		name := r.Table.String()
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
		s = "partition_" + name
		if key, _, _ := r.Partitioning(); key != "" {
			s += "_by_" + key
		}
	case known:
		s = k.FileWord + "_" + r.Label()
	default:
		s = string(r.Kind) + "_" + r.Label()
	}
	var b strings.Builder
	under := false
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
			under = false
		} else if !under {
			b.WriteByte('_')
			under = true
		}
	}
	out := strings.Trim(b.String(), "_")
	if len(out) > 80 {
		out = strings.TrimRight(out[:80], "_")
	}
	if out == "" {
		out = "pgadvise"
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// wrap cuts text into lines of at most width bytes at spaces.
func wrap(s string, width int) []string {
	var lines []string
	for len(s) > width {
		i := strings.LastIndexByte(s[:width], ' ')
		if i <= 0 {
			break
		}
		lines = append(lines, s[:i])
		s = s[i+1:]
	}
	return append(lines, s)
}

func num(x float64) string { return advisor.FormatCost(x) }

func sizeText(b int64) string { return advisor.FormatBytes(float64(b)) }
