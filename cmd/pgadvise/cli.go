package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/outfile"
	"github.com/pgadvise/pgadvise/internal/safetext"
	"github.com/pgadvise/pgadvise/report"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // a run that could not complete: missing input, bad schema file, write error
	exitUsage = 2 // bad command line
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

const usage = `pgadvise reads what a PostgreSQL database ran (slow-query logs,
pg_stat_statements exports, .sql files) and tells which indexes, summary
tables and partition keys the workload needs.

Usage:
  pgadvise analyze [flags] INPUT...   analyze captured queries
  pgadvise analyze --dsn URL [INPUT...] | --stats FILE [INPUT...]
                                      ... with a live database's schema and statistics
  pgadvise snapshot [--dsn URL] [--workload] -o FILE
                                      save a database's schema, statistics and workload
  pgadvise migrate --tool TOOL --dir DIR [flags] INPUT...
                                      write the recommendations as migration files
  pgadvise version                    print the version
  pgadvise help [command]             show help

Run "pgadvise analyze --help" for the flags and examples.
`

const analyzeUsage = `Usage: pgadvise analyze [--schema FILE] [--format text|json|markdown] [-o FILE] INPUT...

Reads each INPUT (a file, or - for standard input), groups the statements by
query shape, prints per table how the workload filters, joins, groups, sorts,
reads and writes it, and recommends the indexes to create and to drop, with
their estimated benefit, write cost and size, and the candidates it rejected.

INPUT formats are detected from content: PostgreSQL stderr logs (any
log_line_prefix), csvlog, jsonlog, pg_stat_statements exported as CSV with a
header, and plain .sql files; .gz files are decompressed.

Examples:
  pgadvise analyze --schema schema.sql postgresql.log
  pgadvise analyze --format json -o report.json postgresql-*.csv.gz
  pgadvise analyze --schema schema.sql --budget 2GiB --min-benefit 1% postgresql.log
  pgadvise analyze --dsn postgres://advisor@db/app --verify
  pgadvise analyze --dsn postgres://owner@staging/app --verify=execute --confirm-not-production postgresql.log
                                      (measured: on a staging copy only; see --confirm-not-production)
  psql -c "\copy (select * from pg_stat_statements) to stdout csv header" | pgadvise analyze -
  pgadvise analyze --dsn postgres://pgadvise@db/shop       (live statistics and pg_stat_statements)
  pgadvise analyze --stats stats.json postgresql.log       (statistics from pgadvise snapshot)

Flags:
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	stderr = messages{stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "analyze":
		return runAnalyze(args[1:], stdin, stdout, stderr)
	case "migrate":
		return runMigrate(args[1:], stdin, stdout, stderr)
	case "snapshot":
		return runSnapshot(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "pgadvise %s\n", buildVersion())
		return exitOK
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && args[1] == "analyze" {
			return runAnalyze([]string{"--help"}, stdin, stdout, stderr)
		}
		if len(args) > 1 && args[1] == "snapshot" {
			return runSnapshot([]string{"--help"}, stdout, stderr)
		}
		if len(args) > 1 && args[1] == "migrate" {
			return runMigrate([]string{"--help"}, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "pgadvise: unknown command %q (want analyze, snapshot, migrate, version or help)\nRun \"pgadvise help\" for what each does.\n", args[0])
		return exitUsage
	}
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

type analyzeFlags struct {
	schema      string
	format      string
	output      string
	inputFormat string
	top         int
	budget      string
	minBenefit  string
	staleness   time.Duration
}

// messages is standard error as every message reaches it: the text of
// errors and warnings quotes file names, table and index names and server
// messages, all from outside, so each write is escaped (safetext.Block:
// newlines stay, control characters and terminal sequences become visible).
// A name can then neither forge a line of its own (a CI log's annotation,
// say) nor send the terminal a sequence. The progress line writes to the
// terminal underneath (terminalOf).
type messages struct{ w io.Writer }

func (m messages) Write(p []byte) (int, error) {
	if _, err := io.WriteString(m.w, safetext.Block(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// terminalOf returns the terminal standard error writes to, if it is one.
func terminalOf(w io.Writer) (terminal, bool) {
	if m, ok := w.(messages); ok {
		w = m.w
	}
	t, ok := w.(terminal)
	return t, ok
}

func runAnalyze(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return analyzeWith(args, stdin, stdout, stderr, nil)
}

// analyzeWith runs analyze, or migrate when mig is set (ci.go, migrate.go).
func analyzeWith(args []string, stdin io.Reader, stdout, stderr io.Writer, mig *migrateMode) int {
	var f analyzeFlags
	cmd := "analyze"
	if mig != nil {
		cmd = "migrate"
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	quietFlagErrors(fs, args, stdout)
	fs.StringVar(&f.schema, "schema", "", "schema `FILE` as pg_dump -s prints it (without it, tables and columns are inferred)")
	f.format = "text"
	if mig == nil { // migrate writes migration files, not a report
		fs.StringVar(&f.format, "format", "text", "output format: text, json or markdown (for CI job summaries and PR comments)")
		fs.StringVar(&f.output, "o", "", "write the report to `FILE` instead of standard output")
		fs.IntVar(&f.top, "top", 15, "how many query shapes the text report lists (0: all)")
	}
	fs.StringVar(&f.inputFormat, "input-format", "auto", "input format: auto, stderr, csvlog, jsonlog, pgss, sql")
	fs.StringVar(&f.budget, "budget", "", "cap the total size of new indexes: bytes (`SIZE` like 500MB, 2GiB) or a share of the data size (25%); 0: no cap, as without the flag")
	fs.StringVar(&f.minBenefit, "min-benefit", "0.5%", "minimum net benefit of an index: planner cost units over the workload, or a share of the workload's estimated cost (0.5%)")
	fs.DurationVar(&f.staleness, "max-staleness", advisor.DefaultMaxStaleness, "how old the data a summary table serves may be: a materialized view is refreshed this often (`DURATION` like 15m, 1h)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), analyzeUsage)
		fs.PrintDefaults()
	}
	x := newExtras(fs, mig, stderr)
	lv := newLiveFlags(fs) // live.go
	inputs, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		flagError(stderr, cmd, err)
		return exitUsage
	}
	if len(inputs) == 0 && !lv.givesWorkload() {
		flagError(stderr, cmd, errors.New("no INPUT given (a log file, a pg_stat_statements CSV, a .sql file, or - for standard input)"))
		return exitUsage
	}
	if f.top < 0 {
		flagError(stderr, cmd, fmt.Errorf("--top %d: want a number of query shapes, or 0 for all", f.top))
		return exitUsage
	}
	if f.top == 0 {
		f.top = math.MaxInt // all
	}
	if !validFormat(f.format) {
		fmt.Fprintf(stderr, "pgadvise analyze: --format %q: want text, json or markdown\n", f.format)
		return exitUsage
	}
	dest := output{path: f.output, perm: outfile.ModeDefault, stdin: stdin,
		inputs: append([]string{f.schema, lv.stats, x.baseline}, inputs...)}
	if x.showValues {
		dest.perm = outfile.ModePrivate // the samples hold values of the data
	}
	if lv.dsn.set {
		dest.inputs = append(dest.inputs, connectionFiles()...)
	}
	if err := dest.check(); err != nil {
		fmt.Fprintf(stderr, "pgadvise: %v\n", err)
		return exitError
	}
	if code := x.check(inputs); code != exitOK {
		return code
	}
	if code := lv.checkVerify(inputs, stderr); code != exitOK {
		return code
	}
	inFormat, err := capture.ParseFormat(f.inputFormat)
	if err != nil {
		fmt.Fprintf(stderr, "pgadvise analyze: --input-format: %v\n", err)
		return exitUsage
	}
	var opt advisor.Options
	if f.budget != "" {
		if opt.BudgetBytes, opt.BudgetShare, err = parseBudget(f.budget); err != nil {
			fmt.Fprintf(stderr, "pgadvise analyze: --budget: %v\n", err)
			return exitUsage
		}
	}
	if opt.MinBenefit, opt.MinBenefitIsShare, err = parseAmount(f.minBenefit); err != nil {
		fmt.Fprintf(stderr, "pgadvise analyze: --min-benefit: %v\n", err)
		return exitUsage
	}
	if f.staleness < time.Second {
		fmt.Fprintf(stderr, "pgadvise analyze: --max-staleness %s: want a period of at least a second, like 15m or 1h\n", f.staleness)
		return exitUsage
	}
	opt.MaxStaleness = f.staleness

	var schemaInfo report.SchemaInfo
	if code := lv.load(f.schema, len(inputs) == 0, &schemaInfo, stderr); code != exitOK {
		return code
	}
	defer lv.close()
	if f.schema != "" {
		s, rep, err := catalog.ReadDDLFile(f.schema)
		if err != nil {
			fmt.Fprintf(stderr, "pgadvise: %v\n", err)
			return exitError
		}
		if rep.Failed > 0 {
			fmt.Fprintf(stderr, "pgadvise: %s: %d statement(s) could not be parsed, read the rest: %s\n", f.schema, rep.Failed, rep.FailureSummary())
		}
		schemaInfo = report.SchemaInfo{Path: f.schema, Schema: s}
	}

	a := analyzer.New(schemaInfo.Schema)
	var stats []*capture.Stats
	for _, in := range inputs {
		a.SetSource(in)
		emit := func(st *capture.Statement) error { a.Add(st); return nil }
		var (
			st  *capture.Stats
			err error
		)
		st, err = x.read(in, stdin, inFormat, emit)
		if err != nil {
			fmt.Fprintf(stderr, "pgadvise: %v\n", err)
			return exitError
		}
		stats = append(stats, st)
		if summary := skipSummary(st); summary != "" {
			fmt.Fprintf(stderr, "pgadvise: %s: skipped %s\n", in, summary)
		}
	}
	if st, code := lv.readWorkload(a, stderr); code != exitOK {
		return code
	} else if st != nil {
		stats = append(stats, st)
	}
	w := a.Result()
	if w.Records == 0 {
		fmt.Fprintln(stderr, "pgadvise: no statements found in the input(s); is log_min_duration_statement (or log_statement) set?")
	}
	span := workloadSpan(stats, lv)
	opt.WorkloadSpan = span.Duration()
	lv.advisorOptions(&opt)
	opt.ShowValues = x.showValues
	advice := advisor.Advise(w, schemaInfo.Schema, opt)
	lv.annotate(advice)
	verified := lv.verifyAdvice(w, advice, x.showValues, stderr)
	executed := lv.executeAdvice(w, advice, stderr, x.prog) // execute.go
	doc := report.Build(stats, schemaInfo, w, advice)
	doc.Input.Span = span
	doc.Advice.Verification = verified
	executed.attach(doc)
	if code, done := x.apply(doc, w, stdout); done {
		return code
	}

	err = dest.write(stdout, func(w io.Writer) error {
		switch f.format {
		case "json":
			return report.WriteJSON(w, doc)
		case "markdown":
			return report.WriteMarkdown(w, doc, report.MarkdownOptions{})
		}
		width := 0
		if f.output == "" {
			width = terminalWidth(stdout) // tables fit a terminal; a file or pipe gets them whole
		}
		return report.WriteText(w, doc, report.TextOptions{TopQueries: f.top, Width: width})
	})
	if err != nil {
		fmt.Fprintf(stderr, "pgadvise: %v\n", err)
		return exitError
	}
	return x.exitCode(doc)
}

// workloadSpan is the time the workload covers: from the first to the last
// timestamp of the logs read, or pg_stat_statements since its reset.
func workloadSpan(stats []*capture.Stats, lv *liveSource) *report.Span {
	var from, to time.Time
	for _, st := range stats {
		if st.Span() == 0 {
			continue
		}
		if from.IsZero() || st.First.Before(from) {
			from = st.First
		}
		if st.Last.After(to) {
			to = st.Last
		}
	}
	if span := report.NewSpan(from, to); span != nil {
		return span
	}
	return lv.workloadSpan()
}

// parseAmount reads "1500" (an absolute amount) or "0.5%" (a share).
func parseAmount(s string) (value float64, share bool, err error) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "%") {
		v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if err != nil || v < 0 || v > 100 {
			return 0, false, fmt.Errorf("%q: want a number or a percentage from 0%% to 100%%", s)
		}
		return v / 100, true, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 {
		return 0, false, fmt.Errorf("%q: want a non-negative number or a percentage", s)
	}
	return v, false, nil
}

// parseBudget reads a size ("500MB", "2GiB", "1000000") or a share of the
// data size ("25%").
func parseBudget(s string) (bytes, share float64, err error) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "%") {
		v, isShare, err := parseAmount(s)
		if err != nil || !isShare {
			return 0, 0, err
		}
		return 0, v, nil
	}
	units := []struct {
		suffix string
		mult   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) {
		return 0, 0, fmt.Errorf("want a size such as 500MB or 2GiB, a share such as 25%%, or 0 for no cap")
	}
	return v * mult, 0, nil // 0: no cap (advisor.Options.BudgetBytes)
}

// quietFlagErrors sends fs's own messages to stdout when help is asked for
// (asked-for help is output, not an error) and nowhere otherwise: a bad
// flag is reported by flagError, in two lines rather than the whole usage.
func quietFlagErrors(fs *flag.FlagSet, args []string, stdout io.Writer) {
	fs.SetOutput(io.Discard)
	if wantsHelp(args) {
		fs.SetOutput(stdout)
	}
}

// flagError reports a bad command line: the error, and where the flags are
// described.
func flagError(stderr io.Writer, cmd string, err error) {
	fmt.Fprintf(stderr, "pgadvise %s: %v\nRun \"pgadvise %s --help\" for its flags and examples.\n", cmd, err, cmd)
}

func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help":
			return true
		case "--":
			return false
		}
	}
	return false
}

// parseInterspersed parses flags that may come before, between or after the
// positional arguments, as people type them (`analyze slow.log --format json`).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// skipSummary describes what was skipped for reasons a person should look
// at (routine skips such as protocol steps are only in the report).
func skipSummary(st *capture.Stats) string {
	var parts []string
	for reason, c := range st.Skipped {
		if reason.Routine() {
			continue
		}
		parts = append(parts, fmt.Sprintf("%d %s (first at line %d)", c.Count, reason, c.FirstLines[0]))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
