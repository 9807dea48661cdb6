// Package migrate writes pgadvise's recommendations as migration files for
// the tool a team already uses: golang-migrate, goose, Flyway, dbmate, or
// plain SQL for psql. Each file says what it does and why, carries its down
// (undo) step, and runs CONCURRENTLY statements outside a transaction the way
// its tool wants it:
//
//	golang-migrate  one CONCURRENTLY statement alone in a file (a file is one
//	                Exec, and several statements in one Exec share an
//	                implicit transaction)
//	goose           -- +goose NO TRANSACTION
//	Flyway          a sibling V<n>__name.sql.conf with executeInTransaction=false
//	dbmate          -- migrate:up transaction:false, one CONCURRENTLY statement a file
//	sql             psql's autocommit: each statement on its own
//
// Files continue the folder's numbering (sequence and zero padding, or
// timestamps), never overwrite an existing file, leave out advice the
// folder's up migrations already hold, and are the same bytes for the same
// recommendations, folder and clock reading.
//
// Nothing but the command line imports this package.
package migrate

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/internal/safetext"
	"github.com/pgadvise/pgadvise/report"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// Tool is a migration tool whose file layout Plan writes.
type Tool string

// The supported tools.
const (
	GolangMigrate Tool = "golang-migrate"
	Goose         Tool = "goose"
	Flyway        Tool = "flyway"
	Dbmate        Tool = "dbmate"
	SQL           Tool = "sql"
)

// Tools lists the supported tools, for help texts.
func Tools() []Tool { return []Tool{GolangMigrate, Goose, Flyway, Dbmate, SQL} }

// ParseTool reads a --tool value.
func ParseTool(s string) (Tool, error) {
	for _, t := range Tools() {
		if string(t) == strings.ToLower(strings.TrimSpace(s)) {
			return t, nil
		}
	}
	names := make([]string, 0, 5)
	for _, t := range Tools() {
		names = append(names, string(t))
	}
	return "", fmt.Errorf("unknown migration tool %q (want %s)", s, strings.Join(names, ", "))
}

// Versioning says how new files are numbered.
type Versioning string

// Versioning styles.
const (
	// VersionAuto follows the folder: timestamps if its files use them, else
	// the next number with the same zero padding; in an empty folder, the
	// tool's own default (timestamps for goose and dbmate, numbers for
	// golang-migrate, Flyway and sql).
	VersionAuto Versioning = "auto"
	// VersionSequential numbers files after the folder's highest version.
	VersionSequential Versioning = "sequential"
	// VersionTimestamp uses UTC timestamps YYYYMMDDHHMMSS, one second apart
	// and ending at the clock's second; for dbmate, which orders versions
	// as text, one timestamp and a two-digit sequence (YYYYMMDDHHMMSSNN).
	VersionTimestamp Versioning = "timestamp"
)

// ParseVersioning reads a --versioning value.
func ParseVersioning(s string) (Versioning, error) {
	switch v := Versioning(strings.ToLower(strings.TrimSpace(s))); v {
	case "":
		return VersionAuto, nil
	case VersionAuto, VersionSequential, VersionTimestamp:
		return v, nil
	}
	return "", fmt.Errorf("unknown versioning %q (want auto, sequential or timestamp)", s)
}

// Options configure Plan.
type Options struct {
	Tool       Tool
	Versioning Versioning // "" is VersionAuto
	// Now is the clock's reading, for timestamp versions (UTC is used).
	Now time.Time
	// IncludeLowConfidence also writes low-confidence advice (unused_index:
	// an index no captured query used, which the workload alone cannot
	// prove useless).
	IncludeLowConfidence bool
}

// File is a file to write, its name relative to the migrations folder.
type File struct {
	Name    string
	Content string
}

// Skipped is a recommendation Plan did not write, with why.
type Skipped struct {
	Kind, Table, Index string
	Why                string
}

// Result is what Plan decided.
type Result struct {
	Files   []File
	Skipped []Skipped
	// Migrations counts the migrations (versions) among Files.
	Migrations int
}

// Plan turns recommendations into the files of opt.Tool for a folder that
// already holds the files existing (base names; contents, where given, are
// searched for migrations already written). It writes nothing.
//
// A recommendation whose statement an up migration of the folder already
// holds (and no later one reverses) is skipped: running migrate again on
// the same advice adds nothing.
func Plan(recs []report.Recommendation, existing []File, opt Options) (*Result, error) {
	if opt.Versioning == "" {
		opt.Versioning = VersionAuto
	}
	layout := layoutOf(opt.Tool)
	if layout == nil {
		return nil, fmt.Errorf("migrate: unknown tool %q", opt.Tool)
	}
	written := layout.upStatements(existing)
	res := &Result{}
	var units []*unit
	ordered := make([]*report.Recommendation, 0, len(recs))
	for i := range recs {
		ordered = append(ordered, &recs[i])
	}
	sort.SliceStable(ordered, func(i, j int) bool {
		return rank(string(ordered[i].Kind)) < rank(string(ordered[j].Kind))
	})
	for _, r := range ordered {
		if r.Confidence == "low" && !opt.IncludeLowConfidence {
			res.Skipped = append(res.Skipped, skippedOf(r, "low confidence (pass --include-low-confidence to write it)"))
			continue
		}
		if at, ok := written[statementKey(r.DDL)]; ok && r.DDL != "" {
			// Unless a later migration reverses it (its down statement
			// runs on up there), it is written already.
			if undo, undone := written[statementKey(r.DownDDL)]; r.DownDDL == "" || !undone || undo.rank < at.rank {
				res.Skipped = append(res.Skipped, skippedOf(r, "already in "+at.file))
				continue
			}
		}
		u, why, err := newUnit(r)
		if err != nil {
			return nil, err
		}
		if u == nil {
			res.Skipped = append(res.Skipped, skippedOf(r, why))
			continue
		}
		units = append(units, u)
	}
	if len(units) == 0 {
		return res, nil
	}
	names := make([]string, len(existing))
	for i, f := range existing {
		names[i] = f.Name
	}
	seq, err := newSequence(layout, names, opt)
	if err != nil {
		return nil, err
	}
	files, n := layout.render(units, seq)
	taken := make(map[string]bool, len(existing))
	for _, e := range names {
		taken[e] = true
	}
	for _, f := range files {
		if taken[f.Name] {
			return nil, fmt.Errorf("migrate: %s already exists", f.Name)
		}
		taken[f.Name] = true
	}
	res.Files, res.Migrations = files, n
	return res, nil
}

// statementKey is how a statement of the advice is found among those of
// the folder's files: as parseSteps writes it (safetext.SQL), white space
// folded.
func statementKey(ddl string) string {
	if k, ok := indexKey(ddl); ok {
		return k
	}
	if safe, err := safetext.SQL(strings.TrimSpace(ddl)); err == nil {
		ddl = safe
	}
	return foldSpace(ddl)
}

// indexKey is a CREATE INDEX statement's key without its name,
// CONCURRENTLY or IF NOT EXISTS: the same index under another name (names
// of partial indexes changed to hide the values they hold) is the same
// migration, and writing it again would build a duplicate.
func indexKey(ddl string) (string, bool) {
	tree, err := pg_query.Parse(ddl)
	if err != nil || len(tree.GetStmts()) != 1 {
		return "", false
	}
	ix := tree.GetStmts()[0].GetStmt().GetIndexStmt()
	if ix == nil {
		return "", false
	}
	ix.Idxname, ix.Concurrent, ix.IfNotExists = "", false, false
	out, err := pg_query.Deparse(tree)
	if err != nil {
		return "", false
	}
	return "index: " + out, true
}

// rank orders migrations: new indexes and structures first, drops last, so
// that no query loses an index before its replacement exists.
// skippedOf says that r is skipped, and why.
func skippedOf(r *report.Recommendation, why string) Skipped {
	return Skipped{string(r.Kind), r.Table.String(), r.Label(), why}
}

func rank(kind string) int {
	if k, ok := advisor.LookupKind(kind); ok {
		return k.Rank
	}
	return len(advisor.Kinds()) // a kind this version does not know: last
}
