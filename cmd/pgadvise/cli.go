package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/internal/outfile"
	"github.com/pgadvise/pgadvise/internal/safetext"
	"github.com/pgadvise/pgadvise/pipeline"
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

// Do runs the pgadvise command line args (without the program's name),
// reading standard input from stdin and writing to stdout and stderr, and
// returns the exit code. Only when stderr is a terminal does analyze draw
// its progress line; tests pass buffers.
func Do(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		stderr = terminal{f}
	}
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

// analyzeWith runs analyze, or migrate when mig is set (ci.go, migrate.go):
// it maps the flags to a pipeline.Config, runs it, and writes the result.
func analyzeWith(args []string, stdin io.Reader, stdout, stderr io.Writer, mig *migrateMode) int {
	cmd := "analyze"
	if mig != nil {
		cmd = "migrate"
	}
	f, x, lv, inputs, code := parseAnalyze(cmd, args, stdout, stderr, mig)
	if code != exitOK || f == nil {
		return code
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
	cfg, code := f.config(inputs, stdin, stderr)
	if code != exitOK {
		return code
	}
	if code := lv.config(&cfg, f.schema, len(inputs) == 0, stderr); code != exitOK {
		return code
	}
	x.config(&cfg)

	ctx := context.Background()
	if lv.dsn.set { // a live run stops cleanly on ^C: its connection is closed
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
	}
	res, err := pipeline.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "pgadvise: %v\n", err)
		return exitError
	}
	doc := res.Document
	if mig != nil {
		return x.migrate(doc, stdout)
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

// parseAnalyze parses analyze's (or migrate's) command line; a code other
// than exitOK, or nil flags (the help was printed), ends the run.
func parseAnalyze(cmd string, args []string, stdout, stderr io.Writer, mig *migrateMode) (f *analyzeFlags, x *extras, lv *liveFlags, inputs []string, code int) {
	f = &analyzeFlags{}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	quietFlagErrors(fs, args, stdout)
	fs.StringVar(&f.schema, "schema", "", "schema `FILE` as pg_dump -s prints it (without it, tables and columns are inferred)")
	f.format = "text"
	if mig == nil { // migrate writes migration files, not a report
		fs.StringVar(&f.format, "format", "text", "output format: text, json or markdown (for CI job summaries and PR comments)")
		fs.StringVar(&f.output, "o", "", "write the report to `FILE` instead of standard output")
		fs.IntVar(&f.top, "top", 15, "how many query shapes the text report lists (0: all)")
	}
	fs.StringVar(&f.inputFormat, "input-format", "auto", "input format: "+strings.Join(inputFormats(), ", "))
	fs.StringVar(&f.budget, "budget", "", "cap the total size of new indexes: bytes (`SIZE` like 500MB, 2GiB) or a share of the data size (25%); 0: no cap, as without the flag")
	fs.StringVar(&f.minBenefit, "min-benefit", "0.5%", "minimum net benefit of an index: planner cost units over the workload, or a share of the workload's estimated cost (0.5%)")
	fs.DurationVar(&f.staleness, "max-staleness", advisor.DefaultMaxStaleness, "how old the data a summary table serves may be: a materialized view is refreshed this often (`DURATION` like 15m, 1h)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), analyzeUsage)
		fs.PrintDefaults()
	}
	x = newExtras(fs, mig, stderr)
	lv = newLiveFlags(fs) // live.go
	inputs, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, nil, nil, nil, exitOK // the help was asked for: nothing to run
		}
		flagError(stderr, cmd, err)
		return nil, nil, nil, nil, exitUsage
	}
	if len(inputs) == 0 && !lv.givesWorkload() {
		flagError(stderr, cmd, errors.New("no INPUT given (a log file, a pg_stat_statements CSV, a .sql file, or - for standard input)"))
		return nil, nil, nil, nil, exitUsage
	}
	if f.top < 0 {
		flagError(stderr, cmd, fmt.Errorf("--top %d: want a number of query shapes, or 0 for all", f.top))
		return nil, nil, nil, nil, exitUsage
	}
	if f.top == 0 {
		f.top = math.MaxInt // all
	}
	if !validFormat(f.format) {
		fmt.Fprintf(stderr, "pgadvise analyze: --format %q: want text, json or markdown\n", f.format)
		return nil, nil, nil, nil, exitUsage
	}
	return f, x, lv, inputs, exitOK
}

// config maps the reading and advising flags to a Config; a code other
// than exitOK ends the run.
func (f *analyzeFlags) config(inputs []string, stdin io.Reader, stderr io.Writer) (pipeline.Config, int) {
	cfg := pipeline.Config{Inputs: inputs, Stdin: stdin, SchemaFile: f.schema, Messages: stderr}
	var err error
	if cfg.InputFormat, err = capture.ParseFormat(f.inputFormat); err != nil {
		fmt.Fprintf(stderr, "pgadvise analyze: --input-format: %v\n", err)
		return cfg, exitUsage
	}
	opt := &cfg.Advisor
	if f.budget != "" {
		if opt.BudgetBytes, opt.BudgetShare, err = parseBudget(f.budget); err != nil {
			fmt.Fprintf(stderr, "pgadvise analyze: --budget: %v\n", err)
			return cfg, exitUsage
		}
	}
	if opt.MinBenefit, opt.MinBenefitIsShare, err = parseAmount(f.minBenefit); err != nil {
		fmt.Fprintf(stderr, "pgadvise analyze: --min-benefit: %v\n", err)
		return cfg, exitUsage
	}
	if f.staleness < time.Second {
		fmt.Fprintf(stderr, "pgadvise analyze: --max-staleness %s: want a period of at least a second, like 15m or 1h\n", f.staleness)
		return cfg, exitUsage
	}
	opt.MaxStaleness = f.staleness
	return cfg, exitOK
}

// inputFormats are the names --input-format takes: auto, then capture's
// formats.
func inputFormats() []string {
	names := []string{string(capture.FormatAuto)}
	for _, f := range capture.Formats() {
		names = append(names, string(f))
	}
	return names
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
