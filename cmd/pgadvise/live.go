package main

// analyze --dsn and --stats: the schema, statistics and (without INPUT)
// the workload from a live database or from a snapshot of one.

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/filekind"
	"github.com/pgadvise/pgadvise/pipeline"
	"github.com/pgadvise/pgadvise/report"
)

// dsnFlag is a connection string flag that knows whether it was given, so
// that an empty --dsn="" can mean "from the PG* environment variables".
type dsnFlag struct {
	value string
	set   bool
}

func (d *dsnFlag) String() string {
	if d == nil || d.value == "" {
		return ""
	}
	return "(set)" // never print a connection string: it may hold a password
}

func (d *dsnFlag) Set(s string) error { d.value, d.set = s, true; return nil }

const dsnHelp = "read from a live database: a postgres:// `URL` or libpq key=value string; " +
	"--dsn '' uses the PG* environment variables (PGHOST, PGDATABASE, PGUSER, ...) and ~/.pgpass. " +
	"The connection is read-only"

// liveFlags are --dsn, --stats and what goes with them: where the schema,
// the statistics and (without INPUT) the workload come from, and how the
// advice is checked against the database.
type liveFlags struct {
	dsn     dsnFlag
	stats   string
	timeout time.Duration
	// verify: check the advice with the planner (--verify) or by measured
	// execution (--verify=execute, execute.go).
	verify verifyFlag
	exec   *executeFlags
}

// newLiveFlags registers --dsn, --stats, --statement-timeout and --verify on fs.
func newLiveFlags(fs *flag.FlagSet) *liveFlags {
	lv := &liveFlags{}
	fs.Var(&lv.verify, "verify", "with --dsn: check each recommended index with the planner (HypoPG hypothetical indexes + EXPLAIN; nothing is written) and drop those it would not use; --verify=execute measures them for real instead (writes: see --confirm-not-production)")
	lv.exec = newExecuteFlags(fs)
	fs.Var(&lv.dsn, "dsn", dsnHelp+"; without INPUT, the workload is its pg_stat_statements")
	fs.StringVar(&lv.stats, "stats", "", "read the schema and statistics from a snapshot `FILE` (pgadvise snapshot); without INPUT, the workload is the snapshot's")
	fs.DurationVar(&lv.timeout, "statement-timeout", catalog.DefaultStatementTimeout, "with --dsn: the longest any query of pgadvise may run")
	return lv
}

// givesWorkload reports whether analyze may run without INPUT.
func (lv *liveFlags) givesWorkload() bool { return lv.dsn.set || lv.stats != "" }

// config sets where cfg reads the schema and statistics from, reading the
// --stats snapshot; noInputs says that the workload must come from there
// too. A code other than exitOK ends the run.
func (lv *liveFlags) config(cfg *pipeline.Config, schemaFile string, noInputs bool, stderr io.Writer) int {
	switch {
	case lv.dsn.set && lv.stats != "":
		fmt.Fprintln(stderr, "pgadvise analyze: --dsn and --stats exclude each other")
		return exitUsage
	case (lv.dsn.set || lv.stats != "") && schemaFile != "":
		fmt.Fprintln(stderr, "pgadvise analyze: --schema cannot be combined with --dsn or --stats, which give the schema")
		return exitUsage
	case lv.stats != "":
		snap, code := lv.readSnapshot(noInputs, stderr)
		if code != exitOK {
			return code
		}
		cfg.Snapshot, cfg.SnapshotPath = snap, lv.stats
	case lv.dsn.set:
		cfg.Live = &pipeline.Live{DSN: lv.dsn.value, StatementTimeout: lv.timeout}
	}
	switch lv.verify.mode {
	case verifyPlanner:
		cfg.Verify = pipeline.VerifyPlanner
	case verifyExecute:
		cfg.Verify = pipeline.VerifyExecute
		cfg.Execute = pipeline.Execute{ConfirmedNotProduction: lv.exec.confirmed, StatementTimeout: lv.exec.timeout, Budget: lv.exec.budget}
	}
	return exitOK
}

// readSnapshot reads the --stats file.
func (lv *liveFlags) readSnapshot(noInputs bool, stderr io.Writer) (*catalog.Snapshot, int) {
	kind, err := filekind.DetectFile(lv.stats)
	if err == nil {
		err = filekind.Check(lv.stats, kind, filekind.StatsRole)
	}
	if err != nil {
		fmt.Fprintf(stderr, "pgadvise: --stats %v\n", err)
		return nil, exitError
	}
	f, err := os.Open(lv.stats)
	if err != nil {
		fmt.Fprintf(stderr, "pgadvise: %v\n", err)
		return nil, exitError
	}
	snap, err := catalog.ReadSnapshot(f)
	f.Close()
	if err != nil {
		fmt.Fprintf(stderr, "pgadvise: %s: %v\n", lv.stats, err)
		return nil, exitError
	}
	if noInputs && len(snap.Workload) == 0 {
		fmt.Fprintf(stderr, "pgadvise analyze: no INPUT given, and snapshot %s holds no workload (take it with pgadvise snapshot --workload)\n", lv.stats)
		return nil, exitUsage
	}
	return snap, exitOK
}

// checkVerify rejects --verify without a database to ask, and
// --verify=execute without its confirmation (execute.go).
func (lv *liveFlags) checkVerify(inputs []string, stderr io.Writer) int {
	if lv.verify.mode != verifyOff && !lv.dsn.set {
		fmt.Fprintln(stderr, "pgadvise analyze: --verify needs --dsn: the planner of the database itself is asked")
		return exitUsage
	}
	return lv.exec.check(lv.verify.mode, inputs, stderr)
}

// verificationFailed reports whether --verify was asked for and none of it
// could be done: analyze then exits exitUnverified.
func verificationFailed(v *report.VerificationSummary) bool {
	return v != nil && v.Status == "unavailable"
}
