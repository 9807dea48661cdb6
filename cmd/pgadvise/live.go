package main

// analyze --dsn and --stats: the schema, statistics and (without INPUT)
// the workload from a live database or from a snapshot of one.

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/filekind"
	"github.com/pgadvise/pgadvise/internal/safetext"
	"github.com/pgadvise/pgadvise/report"
	"github.com/pgadvise/pgadvise/whatif"
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

// liveSource is what --dsn or --stats gave: the schema with statistics,
// the facts the report states about them, and a workload to read when no
// INPUT is given.
type liveSource struct {
	dsn     dsnFlag
	stats   string
	timeout time.Duration

	ctx   context.Context
	stop  context.CancelFunc
	conn  *pgx.Conn
	snap  *catalog.Snapshot // --stats, or what --dsn read
	facts statsFacts
	// workload: no INPUT was given, the workload comes from here.
	workload bool
	// verify: check the advice with the planner (--verify) or by measured
	// execution (--verify=execute, execute.go).
	verify verifyFlag
	exec   *executeFlags
}

// statsFacts are what the report says about the statistics.
type statsFacts struct {
	database      string
	statsReset    *time.Time
	serverStart   *time.Time
	readAt        time.Time
	inRecovery    bool
	workloadSince *time.Time
}

// newLiveFlags registers --dsn, --stats, --statement-timeout and --verify on fs.
func newLiveFlags(fs *flag.FlagSet) *liveSource {
	lv := &liveSource{}
	fs.Var(&lv.verify, "verify", "with --dsn: check each recommended index with the planner (HypoPG hypothetical indexes + EXPLAIN; nothing is written) and drop those it would not use; --verify=execute measures them for real instead (writes: see --confirm-not-production)")
	lv.exec = newExecuteFlags(fs)
	fs.Var(&lv.dsn, "dsn", dsnHelp+"; without INPUT, the workload is its pg_stat_statements")
	fs.StringVar(&lv.stats, "stats", "", "read the schema and statistics from a snapshot `FILE` (pgadvise snapshot); without INPUT, the workload is the snapshot's")
	fs.DurationVar(&lv.timeout, "statement-timeout", catalog.DefaultStatementTimeout, "with --dsn: the longest any query of pgadvise may run")
	return lv
}

// givesWorkload reports whether analyze may run without INPUT.
func (lv *liveSource) givesWorkload() bool { return lv.dsn.set || lv.stats != "" }

// load reads the schema and statistics from the database or the snapshot
// into info. noInputs says that the workload must come from there too.
func (lv *liveSource) load(schemaFile string, noInputs bool, info *report.SchemaInfo, stderr io.Writer) int {
	switch {
	case lv.dsn.set && lv.stats != "":
		fmt.Fprintln(stderr, "pgadvise analyze: --dsn and --stats exclude each other")
		return exitUsage
	case (lv.dsn.set || lv.stats != "") && schemaFile != "":
		fmt.Fprintln(stderr, "pgadvise analyze: --schema cannot be combined with --dsn or --stats, which give the schema")
		return exitUsage
	case lv.stats != "":
		kind, err := filekind.DetectFile(lv.stats)
		if err == nil {
			err = filekind.Check(lv.stats, kind, filekind.StatsRole)
		}
		if err != nil {
			fmt.Fprintf(stderr, "pgadvise: --stats %v\n", err)
			return exitError
		}
		f, err := os.Open(lv.stats)
		if err != nil {
			fmt.Fprintf(stderr, "pgadvise: %v\n", err)
			return exitError
		}
		snap, err := catalog.ReadSnapshot(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "pgadvise: %s: %v\n", lv.stats, err)
			return exitError
		}
		if noInputs && len(snap.Workload) == 0 {
			fmt.Fprintf(stderr, "pgadvise analyze: no INPUT given, and snapshot %s holds no workload (take it with pgadvise snapshot --workload)\n", lv.stats)
			return exitUsage
		}
		lv.snap = snap
		*info = report.SchemaInfo{Path: fmt.Sprintf("snapshot %s of database %q taken %s", lv.stats, snap.Database, snap.TakenAt.Format(time.RFC3339)), Schema: snap.Schema}
	case lv.dsn.set:
		lv.ctx, lv.stop = signal.NotifyContext(context.Background(), os.Interrupt)
		conn, err := catalog.ConnectWith(lv.ctx, lv.dsn.value, catalog.ConnectOptions{StatementTimeout: lv.timeout})
		if err != nil {
			fmt.Fprintf(stderr, "pgadvise: %v\n", err)
			return exitError
		}
		lv.conn = conn
		s, rep, err := catalog.ReadLive(lv.ctx, conn)
		if err != nil {
			fmt.Fprintf(stderr, "pgadvise: %v\n", err)
			return exitError
		}
		lv.snap = catalog.NewSnapshot(s, rep)
		*info = report.SchemaInfo{Path: fmt.Sprintf("live database %q (PostgreSQL %s)", rep.Database, shortVersion(rep.ServerVersion)), Schema: s}
	default:
		return exitOK
	}
	lv.workload = noInputs
	lv.facts = statsFacts{database: lv.snap.Database, statsReset: lv.snap.StatsReset, serverStart: lv.snap.ServerStart, readAt: lv.snap.TakenAt,
		inRecovery: lv.snap.InRecovery}
	printIssues(stderr, lv.snap.Issues)
	printStatsAge(stderr, lv.facts)
	return exitOK
}

// checkVerify rejects --verify without a database to ask, and
// --verify=execute without its confirmation (execute.go).
func (lv *liveSource) checkVerify(inputs []string, stderr io.Writer) int {
	if lv.verify.mode != verifyOff && !lv.dsn.set {
		fmt.Fprintln(stderr, "pgadvise analyze: --verify needs --dsn: the planner of the database itself is asked")
		return exitUsage
	}
	return lv.exec.check(lv.verify.mode, inputs, stderr)
}

// verifyAdvice asks the planner about each recommended index (--verify):
// the ones it would not use move to the rejected list. Without HypoPG the
// advice stays the model's, and the report says so.
//
// A query the planner could not explain (a lock held past lock_timeout, an
// error) is listed, and left out of both planner costs; the status is then
// "partial", and "unavailable" when nothing could be verified (see
// verificationFailed). showValues keeps the values the server's error
// messages quote.
func (lv *liveSource) verifyAdvice(w *analyzer.Workload, res *advisor.Result, showValues bool, stderr io.Writer) *report.VerificationSummary {
	if lv.verify.mode != verifyPlanner || lv.conn == nil {
		return nil
	}
	rep, err := whatif.Verify(lv.ctx, lv.conn, w, res, whatif.Options{Prune: true, ShowValues: showValues})
	// Every drop is checked too: an index the planner uses is not dropped.
	// That needs no HypoPG, so it runs whatever Verify said.
	drops, derr := whatif.CheckDrops(lv.ctx, lv.conn, w, res)
	if derr != nil {
		fmt.Fprintf(stderr, "pgadvise: --verify: checking the drops: %s; they are the cost model's alone\n", safetext.Line(derr.Error()))
	}
	if err != nil {
		fmt.Fprintf(stderr, "pgadvise: --verify: %s; the advice is the cost model's alone\n", safetext.Line(err.Error()))
		return &report.VerificationSummary{Status: "unavailable", Note: err.Error()}
	}
	sum := &report.VerificationSummary{
		Status: "done", PlannerCost: math.Round(rep.WorkloadCost), PlannerCostAfter: math.Round(rep.WorkloadCostAfter),
		Verified: rep.Verified, NotUsed: rep.NotUsed, Unverifiable: rep.Unverifiable,
		WhatIfCalls: rep.WhatIfCalls(), Pruned: rep.Pruned, Measured: rep.Measured,
	}
	if drops != nil {
		sum.WhatIfCalls += drops.Explains + drops.IndexCreations
		sum.Pruned = append(sum.Pruned, drops.Kept...)
	}
	if rep.LeftOut == 0 {
		return sum
	}
	sum.Status, sum.LeftOut = "partial", rep.LeftOut
	for _, q := range rep.Queries {
		if q.Status == whatif.QueryNotExplained || q.Status == whatif.QueryNotExplainedAfter {
			sum.Unmeasured = append(sum.Unmeasured, report.UnmeasuredQuery{Fingerprint: q.Fingerprint, Calls: q.Calls, Status: string(q.Status), Reason: q.Error})
		}
	}
	if rep.Measured == 0 && rep.Verified+rep.NotUsed == 0 {
		sum.Status = "unavailable"
		sum.Note = fmt.Sprintf("none of the %d queries to check could be explained (first: %s)", rep.LeftOut, sum.Unmeasured[0].Reason)
	}
	fmt.Fprintf(stderr, "pgadvise: --verify: %d of %d queries could not be explained (first: %s); they are left out of the planner's costs\n",
		rep.LeftOut, rep.LeftOut+rep.Measured, safetext.Line(sum.Unmeasured[0].Reason))
	return sum
}

// verificationFailed reports whether --verify was asked for and none of it
// could be done: analyze then exits exitUnverified.
func verificationFailed(v *report.VerificationSummary) bool {
	return v != nil && v.Status == "unavailable"
}

// close ends the connection, if any.
func (lv *liveSource) close() {
	if lv.conn != nil {
		_ = lv.conn.Close(context.Background())
		lv.conn = nil
	}
	if lv.stop != nil {
		lv.stop()
	}
}

// readWorkload feeds the analyzer the live pg_stat_statements or the
// snapshot's workload when no INPUT was given; it returns nil Stats when
// the workload comes from the INPUTs.
func (lv *liveSource) readWorkload(a *analyzer.Analyzer, stderr io.Writer) (*capture.Stats, int) {
	if !lv.workload {
		return nil, exitOK
	}
	emit := func(st *capture.Statement) error { a.Add(st); return nil }
	switch {
	case lv.conn != nil:
		a.SetSource(capture.PGSSLiveName)
		info, err := capture.ReadPGStatStatementsInfo(lv.ctx, lv.conn)
		if err != nil {
			fmt.Fprintf(stderr, "pgadvise: %v\n", err)
			return nil, exitError
		}
		warnPGSS(stderr, info)
		lv.facts.workloadSince = info.StatsReset
		st, err := capture.ReadPGStatStatementsLive(lv.ctx, lv.conn, emit)
		if err != nil {
			fmt.Fprintf(stderr, "pgadvise: %v\n", err)
			return nil, exitError
		}
		return st, exitOK
	case lv.snap != nil:
		a.SetSource(lv.stats)
		lv.facts.workloadSince = lv.snap.WorkloadSince
		st := replaySnapshot(lv.snap, lv.stats, emit)
		return st, exitOK
	}
	return nil, exitOK
}

// replaySnapshot hands a snapshot's workload to emit as
// ReadPGStatStatementsLive hands the rows it read.
func replaySnapshot(snap *catalog.Snapshot, name string, emit func(*capture.Statement) error) *capture.Stats {
	st := &capture.Stats{Name: name, Format: capture.FormatPGSS}
	for i, w := range snap.Workload {
		line := int64(i + 1)
		st.Lines = line
		st.Bytes += int64(len(w.Query))
		switch {
		case strings.TrimSpace(w.Query) == "":
			st.Skip(capture.ReasonNoQueryText, line)
			continue
		case w.Calls == 0:
			st.Skip(capture.ReasonNoCalls, line)
			continue
		case len(w.Query) > capture.MaxStatementBytes:
			st.Skip(capture.ReasonTooLong, line)
			continue
		case !utf8.ValidString(w.Query):
			st.Skip(capture.ReasonInvalidUTF8, line)
			continue
		case !capture.ValidCount(w.Calls) || !capture.ValidCount(w.Rows) || !capture.ValidMS(w.TotalMS) || !capture.ValidMS(w.MaxMS):
			st.Skip(capture.ReasonBadValue, line)
			continue
		case capture.TooDeep([]byte(w.Query)):
			st.Skip(capture.ReasonTooDeep, line)
			continue
		case capture.HoldsSecret([]byte(w.Query)):
			// A snapshot of an older pgadvise, or made by hand.
			st.Skip(capture.ReasonSecret, line)
			continue
		}
		st.Statements++
		_ = emit(&capture.Statement{Query: []byte(w.Query), Calls: w.Calls, Timed: true,
			TotalMS: w.TotalMS, MaxMS: w.MaxMS, Rows: w.Rows, Line: line})
	}
	return st
}

// workloadSpan is the period pg_stat_statements covered: from its reset to
// the reading (live) or the snapshot; nil when the workload is not from here
// or the reset time is unknown.
func (lv *liveSource) workloadSpan() *report.Span {
	if !lv.workload || lv.facts.workloadSince == nil {
		return nil
	}
	until := lv.facts.readAt
	if until.IsZero() {
		until = time.Now()
	}
	return report.NewSpan(*lv.facts.workloadSince, until)
}

// advisorOptions adds to opt what the statistics tell the advisor.
func (lv *liveSource) advisorOptions(opt *advisor.Options) {
	if lv.snap != nil {
		opt.StatsReset = lv.facts.statsReset
		opt.ServerStart = lv.snap.ServerStart
		opt.ServerVersionNum = catalog.VersionNum(lv.snap.ServerVersion)
	}
}

// annotate adds to the advice what its statistics stand for: the window of
// the activity counters (which decide unused indexes) and of the workload.
func (lv *liveSource) annotate(res *advisor.Result) {
	if lv.snap == nil || res == nil {
		return
	}
	res.Assumptions = append(res.Assumptions, statsAssumptions(lv.facts)...)
}

func statsAssumptions(f statsFacts) []string {
	var out []string
	if f.statsReset != nil {
		out = append(out, fmt.Sprintf("statistics of database %q: index scans (pg_stat_user_indexes.idx_scan), table scans and row changes count from the statistics reset at %s, on the server read only (a replica's reads are not counted); an index with no scans since then is unused only if that period covers every periodic job",
			f.database, f.statsReset.UTC().Format("2006-01-02 15:04:05 UTC")))
	} else {
		out = append(out, fmt.Sprintf("statistics of database %q: the activity counters (index scans, table scans, row changes) were never reset: they count from the database's creation or its last crash recovery, on the server read only (a replica's reads are not counted)", f.database))
	}
	if f.inRecovery {
		out = append(out, "the statistics were read from a standby: its counters count only the queries it served, not the primary's")
	}
	if f.workloadSince != nil {
		out = append(out, fmt.Sprintf("workload: pg_stat_statements since its reset at %s", f.workloadSince.UTC().Format("2006-01-02 15:04:05 UTC")))
	}
	return out
}

// printStatsAge says on stderr how long the counters have run, and warns
// when that is too short to call an index unused.
func printStatsAge(stderr io.Writer, f statsFacts) {
	if f.statsReset == nil {
		// Never reset: nobody knows how long the counters have run. The
		// server's start bounds it from PostgreSQL 15 on (the advisor
		// judges that); a young server is worth a warning either way.
		if f.serverStart != nil {
			if age := f.readAt.Sub(*f.serverStart); age < 7*24*time.Hour {
				fmt.Fprintf(stderr, "pgadvise: warning: the statistics of database %q were never reset and the server started %s ago (%s): an index unused in that time may serve a weekly or monthly job\n",
					f.database, humanAge(age), f.serverStart.UTC().Format(time.RFC3339))
			}
		}
		return
	}
	age := f.readAt.Sub(*f.statsReset)
	fmt.Fprintf(stderr, "pgadvise: statistics of database %q count from %s (%s)\n", f.database, f.statsReset.UTC().Format(time.RFC3339), humanAge(age))
	if age < 7*24*time.Hour {
		fmt.Fprintln(stderr, "pgadvise: warning: the activity counters cover less than a week: an index unused in that time may serve a weekly or monthly job")
	}
}

// humanAge renders a duration as "3h12m" under a day, "12.5 days" above.
func humanAge(d time.Duration) string {
	if d < 24*time.Hour {
		return d.Round(time.Minute).String()
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

// shortVersion is the version number of a server_version such as
// "15.18 (Debian 15.18-0+deb12u1)".
func shortVersion(v string) string {
	if f := strings.Fields(v); len(f) > 0 {
		return f[0]
	}
	return v
}

// printIssues summarizes on stderr what the live read could not read.
func printIssues(stderr io.Writer, issues []catalog.LiveIssue) {
	byKind := map[string][]catalog.LiveIssue{}
	var kinds []string
	for _, is := range issues {
		if byKind[is.Kind] == nil {
			kinds = append(kinds, is.Kind)
		}
		byKind[is.Kind] = append(byKind[is.Kind], is)
	}
	sort.Strings(kinds)
	const shown = 3
	for _, k := range kinds {
		list := byKind[k]
		for i, is := range list {
			if i == shown {
				fmt.Fprintf(stderr, "pgadvise: ... and %d more %s\n", len(list)-shown, k)
				break
			}
			fmt.Fprintf(stderr, "pgadvise: %s\n", safetext.Line(is.Message))
		}
	}
}

// warnPGSS warns about a pg_stat_statements that misses statements.
func warnPGSS(stderr io.Writer, info *capture.PGSSInfo) {
	if info.Track == "none" {
		fmt.Fprintln(stderr, "pgadvise: warning: pg_stat_statements.track is none: it records no statements")
	}
	if info.Dealloc > 0 {
		fmt.Fprintf(stderr, "pgadvise: warning: pg_stat_statements evicted entries %d times (pg_stat_statements.max = %d): rarely run statements may be missing; raise pg_stat_statements.max\n", info.Dealloc, info.Max)
	}
}
