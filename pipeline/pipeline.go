// Package pipeline runs pgadvise from a workload to its report: it reads
// the schema and statistics (catalog), reads the workload (capture), groups
// and walks it (analyzer), advises (advisor), checks the advice with the
// planner or by measured execution (whatif), and assembles the report's
// Document (report).
//
// It knows no flags: the command maps its flags to a Config, and the
// benchmarks and tests build one directly, so that all of them run the same
// steps in the same order.
package pipeline

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/safetext"
	"github.com/pgadvise/pgadvise/report"
	"github.com/pgadvise/pgadvise/whatif"
)

// Config is what one run reads and how it advises.
//
// The schema comes from at most one of SchemaFile, Snapshot, DSN (with
// Live) and Schema; without any, tables and columns are inferred from the
// queries. The workload is Inputs, then Statements; with neither, it is
// the database's pg_stat_statements (Live) or the Snapshot's.
type Config struct {
	// Inputs are the workload's files, read in order; "-" is Stdin.
	// InputFormat is theirs ("": detected from each file's content).
	Inputs      []string
	Stdin       io.Reader
	InputFormat capture.Format
	// Statements, when set, is a workload that comes from no file (a
	// benchmark's generated queries): it hands each statement to emit.
	Statements *Source

	// SchemaFile is a schema as pg_dump -s prints it.
	SchemaFile string
	// Snapshot is a snapshot already read (pgadvise snapshot), named
	// SnapshotPath in the report.
	Snapshot     *catalog.Snapshot
	SnapshotPath string
	// Live reads the schema and statistics from a database.
	Live *Live
	// Schema is a schema read by the caller, described as SchemaPath, with
	// Conn an open read-only connection to its database for the planner
	// check (benchmarks, which read it once for many runs).
	Schema     *catalog.Schema
	SchemaPath string
	Conn       *pgx.Conn

	// Advisor holds the advisor's options; the run adds what the
	// statistics and the workload's span tell it.
	Advisor advisor.Options
	// Verify checks the advice against the database (Live or Conn).
	Verify Verify
	// KeepNotUsed keeps among the recommendations the indexes the planner
	// check found unused, with its verdict (benchmarks measure them all);
	// by default they move to the rejected list.
	KeepNotUsed bool
	// Execute configures Verify's VerifyExecute.
	Execute Execute
	// ShowValues lets the report and messages quote the workload's values
	// (samples, reasons, the server's error messages).
	ShowValues bool
	// Baseline is an earlier run's report, read from BaselinePath: only the
	// recommendations it did not have are kept.
	Baseline     *report.Document
	BaselinePath string

	// Messages receives warnings and notes, a line each (nil: none).
	Messages io.Writer
	// Progress, when set, is a progress line on a terminal: the reading,
	// the advisor's phase when it lasts, measured execution.
	Progress *report.Progress
}

// Live is a database to read the schema, the statistics and (without
// Inputs) the workload from.
type Live struct {
	// DSN is a postgres:// URL or a libpq key=value string; "" takes the
	// PG* environment variables.
	DSN string
	// StatementTimeout bounds every query pgadvise runs.
	StatementTimeout time.Duration
}

// Source is a workload that comes from no file.
type Source struct {
	// Name names it in the report and the analyzer's sample locations.
	Name string
	// Read hands each statement to emit and returns what it read.
	Read func(emit func(*capture.Statement) error) (*capture.Stats, error)
}

// Verify says how the advice is checked against the database.
type Verify int

// Verify's values.
const (
	VerifyNone    Verify = iota
	VerifyPlanner        // HypoPG hypothetical indexes and EXPLAIN: read-only
	VerifyExecute        // each index built in a transaction rolled back, queries measured: writes
)

// Execute configures measured execution (VerifyExecute).
type Execute struct {
	// ConfirmedNotProduction is the caller's word that the database is a
	// staging copy: whatif.Execute refuses to run without it.
	ConfirmedNotProduction bool
	// StatementTimeout bounds one measured run; Budget all the measuring.
	StatementTimeout time.Duration
	Budget           time.Duration
}

// Result is what a run produced: the report's Document, and the steps'
// own results for callers that look closer (benchmarks, tests).
type Result struct {
	Document *report.Document
	Workload *analyzer.Workload
	Advice   *advisor.Result
	// Verified is the planner check's report (VerifyPlanner), when it ran.
	Verified *whatif.Report
	// AdviseTime is the time advisor.Advise took.
	AdviseTime time.Duration
}

// Run reads, analyzes, advises and checks as cfg says, and assembles the
// report. Errors are wrapped with what was being read; the run's warnings go
// to cfg.Messages as they arise.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	r := &runner{cfg: cfg, msg: cfg.Messages}
	if r.msg == nil {
		r.msg = io.Discard
	}
	if r.cfg.InputFormat == "" {
		r.cfg.InputFormat = capture.FormatAuto
	}
	defer r.close()
	defer r.progressDone()
	return r.run(ctx)
}

// runner is the state of one Run.
type runner struct {
	cfg Config
	msg io.Writer
	db  database
}

func (r *runner) run(ctx context.Context) (*Result, error) {
	cfg := r.cfg
	schema, err := r.readSchema(ctx)
	if err != nil {
		return nil, err
	}
	a := analyzer.New(schema.Schema)
	stats, err := r.readWorkload(ctx, a)
	if err != nil {
		return nil, err
	}
	w := a.Result()
	if w.Records == 0 {
		fmt.Fprintln(r.msg, "pgadvise: no statements found in the input(s); is log_min_duration_statement (or log_statement) set?")
	}
	span := r.workloadSpan(stats)
	opt := cfg.Advisor
	opt.WorkloadSpan = span.Duration()
	opt.ShowValues = cfg.ShowValues
	r.db.advisorOptions(&opt)

	res := &Result{Workload: w}
	done := func() {}
	if cfg.Progress != nil {
		opt.Priced, done = cfg.Progress.Advising(len(w.Shapes))
	}
	t0 := time.Now()
	res.Advice = advisor.Advise(w, schema.Schema, opt)
	res.AdviseTime = time.Since(t0)
	done()
	r.db.annotate(res.Advice)

	var verified *report.VerificationSummary
	verified, res.Verified = r.verify(ctx, w, res.Advice)
	executed := r.execute(ctx, w, res.Advice)
	doc := report.Build(stats, schema, w, res.Advice)
	doc.Input.Span = span
	doc.Advice.Verification = verified
	executed.attach(doc)
	r.progressDone()
	if cfg.Baseline != nil {
		report.FilterBaseline(doc, cfg.Baseline, cfg.BaselinePath)
	}
	if cfg.ShowValues {
		report.IncludeSamples(doc, w)
	}
	res.Document = doc
	return res, nil
}

// readSchema reads the schema and statistics from wherever cfg says.
func (r *runner) readSchema(ctx context.Context) (report.SchemaInfo, error) {
	cfg := r.cfg
	var info report.SchemaInfo
	switch {
	case cfg.Snapshot != nil:
		snap := cfg.Snapshot
		r.db.use(snap, len(cfg.Inputs) == 0 && cfg.Statements == nil)
		info = report.SchemaInfo{Path: fmt.Sprintf("snapshot %s of database %q taken %s", cfg.SnapshotPath, snap.Database, snap.TakenAt.Format(time.RFC3339)), Schema: snap.Schema}
	case cfg.Live != nil:
		if err := r.db.connect(ctx, cfg.Live); err != nil {
			return info, err
		}
		r.db.workload = len(cfg.Inputs) == 0 && cfg.Statements == nil
		info = report.SchemaInfo{Path: fmt.Sprintf("live database %q (PostgreSQL %s)", r.db.snap.Database, ShortVersion(r.db.snap.ServerVersion)), Schema: r.db.snap.Schema}
	case cfg.Schema != nil:
		r.db.conn = cfg.Conn
		return report.SchemaInfo{Path: cfg.SchemaPath, Schema: cfg.Schema}, nil
	}
	if r.db.snap != nil {
		PrintIssues(r.msg, r.db.snap.Issues)
		printStatsAge(r.msg, r.db.facts)
	}
	if cfg.SchemaFile != "" {
		s, rep, err := catalog.ReadDDLFile(cfg.SchemaFile)
		if err != nil {
			return info, err
		}
		if rep.Failed > 0 {
			fmt.Fprintf(r.msg, "pgadvise: %s: %d statement(s) could not be parsed, read the rest: %s\n", safetext.Line(cfg.SchemaFile), rep.Failed, safetext.Line(rep.FailureSummary()))
		}
		info = report.SchemaInfo{Path: cfg.SchemaFile, Schema: s}
	}
	return info, nil
}

// workloadSpan is the time the workload covers: from the first to the last
// timestamp of the logs read, or pg_stat_statements since its reset.
func (r *runner) workloadSpan(stats []*capture.Stats) *report.Span {
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
	return r.db.workloadSpan()
}

// progressDone erases the progress line for good: the report follows.
func (r *runner) progressDone() {
	if r.cfg.Progress != nil {
		r.cfg.Progress.Done()
	}
}

// close ends the connection the run opened, if any.
func (r *runner) close() { r.db.close() }
