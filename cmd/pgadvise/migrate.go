package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgadvise/pgadvise/internal/safetext"
	"github.com/pgadvise/pgadvise/migrate"
	"github.com/pgadvise/pgadvise/report"
)

const migrateUsage = `Usage: pgadvise migrate --tool TOOL --dir DIR [analyze's flags] INPUT...

Runs analyze on INPUT and writes its recommendations as migration files
into DIR, with their down (undo) steps, continuing the numbering of the
files already there (the next number with the same zero padding, or
timestamps if the folder uses them). It never overwrites a file, and
skips advice an up migration of DIR already holds.

CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction block; each
tool's files say so and run it outside one:
  golang-migrate  NNNNNN_name.up.sql + .down.sql, a CONCURRENTLY statement alone in its file
  goose           YYYYMMDDHHMMSS_name.sql (or 00001_ in a sequential folder), -- +goose NO TRANSACTION
  flyway          V<n>__name.sql + V<n>__name.sql.conf (executeInTransaction=false), U<n>__ for undo
  dbmate          YYYYMMDDHHMMSSNN_name.sql (one timestamp, a sequence), -- migrate:up transaction:false
  sql             NNNN_pgadvise.up.sql + .down.sql for psql -v ON_ERROR_STOP=1 -f
Summary tables and partitionings are written with their steps, the
multi-step plan in comments. Low-confidence advice (unused_index) is left
out unless --include-low-confidence.

Examples:
  pgadvise migrate --tool golang-migrate --dir db/migrations --schema schema.sql postgresql.log
  pgadvise migrate --tool goose --dir migrations --baseline last-report.json --schema schema.sql slow.log

Flags:
`

// migrateMode is what the migrate command adds to analyze's pipeline.
type migrateMode struct {
	now func() time.Time

	tool, dir, versioning string
	includeLow            bool

	opt migrate.Options
}

func runMigrate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runMigrateAt(args, stdin, stdout, stderr, time.Now)
}

// runMigrateAt runs migrate with the clock now (tests fix it).
func runMigrateAt(args []string, stdin io.Reader, stdout, stderr io.Writer, now func() time.Time) int {
	return analyzeWith(args, stdin, stdout, stderr, &migrateMode{now: now})
}

func (m *migrateMode) addFlags(fs *flag.FlagSet) {
	names := make([]string, 0, 5)
	for _, t := range migrate.Tools() {
		names = append(names, string(t))
	}
	fs.StringVar(&m.tool, "tool", "", "migration `TOOL`: "+strings.Join(names, ", "))
	fs.StringVar(&m.dir, "dir", "", "the migrations folder (`DIR`; created if missing)")
	fs.StringVar(&m.versioning, "versioning", "auto", "how new files are numbered: auto (follow the folder), sequential or timestamp")
	fs.BoolVar(&m.includeLow, "include-low-confidence", false, "also write low-confidence advice (unused_index drops)")
}

func (m *migrateMode) check(stderr io.Writer) int {
	if m.tool == "" || m.dir == "" {
		fmt.Fprintln(stderr, "pgadvise migrate: --tool and --dir are required")
		return exitUsage
	}
	tool, err := migrate.ParseTool(m.tool)
	if err != nil {
		fmt.Fprintf(stderr, "pgadvise migrate: --tool: %v\n", err)
		return exitUsage
	}
	v, err := migrate.ParseVersioning(m.versioning)
	if err != nil {
		fmt.Fprintf(stderr, "pgadvise migrate: --versioning: %v\n", err)
		return exitUsage
	}
	m.opt = migrate.Options{Tool: tool, Versioning: v, IncludeLowConfidence: m.includeLow}
	return exitOK
}

// write writes the document's recommendations as migration files and says
// which on stdout.
func (m *migrateMode) write(doc *report.Document, stdout, stderr io.Writer) int {
	m.opt.Now = m.now()
	res, err := migrate.Generate(m.dir, doc.Recommendations, m.opt)
	if err != nil {
		fmt.Fprintf(stderr, "pgadvise: %v\n", err)
		return exitError
	}
	switch {
	case len(res.Files) == 0:
		fmt.Fprintf(stdout, "pgadvise migrate: nothing to write (%d recommendation(s))\n", len(doc.Recommendations))
	default:
		fmt.Fprintf(stdout, "pgadvise migrate: %d migration(s) for %s in %s:\n", res.Migrations, m.opt.Tool, safetext.Line(m.dir))
		for _, f := range res.Files {
			fmt.Fprintf(stdout, "  %s\n", safetext.Line(filepath.Join(m.dir, f.Name)))
		}
	}
	for _, s := range res.Skipped {
		name := s.Index
		if name == "" {
			name = s.Table
		}
		fmt.Fprintf(stdout, "skipped %s %s on %s: %s\n", safetext.Line(s.Kind), safetext.Line(name), safetext.Line(s.Table), safetext.Line(s.Why))
	}
	return exitOK
}
