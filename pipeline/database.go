package pipeline

// The database a run reads its schema, statistics and (without inputs) its
// workload from: live, or as a snapshot saved it.

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/safetext"
	"github.com/pgadvise/pgadvise/report"
)

// database is the schema's database, when the schema comes from one.
type database struct {
	live *Live             // how to connect again (measured execution)
	conn *pgx.Conn         // read-only; nil with a snapshot
	own  bool              // conn was opened by the run, which closes it
	snap *catalog.Snapshot // the snapshot, or what the live read read
	// workload: the workload comes from here (no inputs were given).
	workload bool
	facts    statsFacts
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

// connect opens a read-only connection and reads the schema and
// statistics.
func (d *database) connect(ctx context.Context, live *Live) error {
	conn, err := catalog.ConnectWith(ctx, live.DSN, catalog.ConnectOptions{StatementTimeout: live.StatementTimeout})
	if err != nil {
		return err
	}
	d.live, d.conn, d.own = live, conn, true
	s, rep, err := catalog.ReadLive(ctx, conn)
	if err != nil {
		return err
	}
	d.use(catalog.NewSnapshot(s, rep), false)
	return nil
}

// use takes the schema and statistics from snap; workload says that the
// workload comes from it too.
func (d *database) use(snap *catalog.Snapshot, workload bool) {
	d.snap, d.workload = snap, workload
	d.facts = statsFacts{database: snap.Database, statsReset: snap.StatsReset, serverStart: snap.ServerStart, readAt: snap.TakenAt,
		inRecovery: snap.InRecovery}
}

// close ends the connection the run opened, if any.
func (d *database) close() {
	if d.conn != nil && d.own {
		_ = d.conn.Close(context.Background())
	}
	d.conn = nil
}

// readWorkload feeds the analyzer the live pg_stat_statements or the
// snapshot's workload (named name) when the workload comes from the
// database; it returns nil Stats otherwise.
func (d *database) readWorkload(ctx context.Context, a *analyzer.Analyzer, name string, msg io.Writer) (*capture.Stats, error) {
	if !d.workload {
		return nil, nil
	}
	emit := func(st *capture.Statement) error { a.Add(st); return nil }
	if d.conn == nil {
		a.SetSource(name)
		d.facts.workloadSince = d.snap.WorkloadSince
		return replaySnapshot(d.snap, name, emit), nil
	}
	a.SetSource(capture.PGSSLiveName)
	info, err := capture.ReadPGStatStatementsInfo(ctx, d.conn)
	if err != nil {
		return nil, err
	}
	warnPGSS(msg, info)
	d.facts.workloadSince = info.StatsReset
	return capture.ReadPGStatStatementsLive(ctx, d.conn, emit)
}

// workloadSpan is the period pg_stat_statements covered: from its reset to
// the reading (live) or the snapshot; nil when the workload is not from here
// or the reset time is unknown.
func (d *database) workloadSpan() *report.Span {
	if !d.workload || d.facts.workloadSince == nil {
		return nil
	}
	until := d.facts.readAt
	if until.IsZero() {
		until = time.Now()
	}
	return report.NewSpan(*d.facts.workloadSince, until)
}

// advisorOptions adds to opt what the statistics tell the advisor.
func (d *database) advisorOptions(opt *advisor.Options) {
	if d.snap != nil {
		opt.StatsReset = d.facts.statsReset
		opt.ServerStart = d.snap.ServerStart
		opt.ServerVersionNum = catalog.VersionNum(d.snap.ServerVersion)
	}
}

// annotate adds to the advice what its statistics stand for: the window of
// the activity counters (which decide unused indexes) and of the workload.
func (d *database) annotate(res *advisor.Result) {
	if d.snap == nil || res == nil {
		return
	}
	res.Assumptions = append(res.Assumptions, statsAssumptions(d.facts)...)
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

// printStatsAge says how long the counters have run, and warns when that is
// too short to call an index unused.
func printStatsAge(msg io.Writer, f statsFacts) {
	if f.statsReset == nil {
		// Never reset: nobody knows how long the counters have run. The
		// server's start bounds it from PostgreSQL 15 on (the advisor
		// judges that); a young server is worth a warning either way.
		if f.serverStart != nil {
			if age := f.readAt.Sub(*f.serverStart); age < 7*24*time.Hour {
				fmt.Fprintf(msg, "pgadvise: warning: the statistics of database %q were never reset and the server started %s ago (%s): an index unused in that time may serve a weekly or monthly job\n",
					f.database, humanAge(age), f.serverStart.UTC().Format(time.RFC3339))
			}
		}
		return
	}
	age := f.readAt.Sub(*f.statsReset)
	fmt.Fprintf(msg, "pgadvise: statistics of database %q count from %s (%s)\n", f.database, f.statsReset.UTC().Format(time.RFC3339), humanAge(age))
	if age < 7*24*time.Hour {
		fmt.Fprintln(msg, "pgadvise: warning: the activity counters cover less than a week: an index unused in that time may serve a weekly or monthly job")
	}
}

// humanAge renders a duration as "3h12m" under a day, "12.5 days" above.
func humanAge(d time.Duration) string {
	if d < 24*time.Hour {
		return d.Round(time.Minute).String()
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

// ShortVersion is the version number of a server_version such as
// "15.18 (Debian 15.18-0+deb12u1)".
func ShortVersion(v string) string {
	if f := strings.Fields(v); len(f) > 0 {
		return f[0]
	}
	return v
}

// PrintIssues summarizes on msg what a live read could not read: each
// kind's first three, then how many more.
func PrintIssues(msg io.Writer, issues []catalog.LiveIssue) {
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
				fmt.Fprintf(msg, "pgadvise: ... and %d more %s\n", len(list)-shown, k)
				break
			}
			fmt.Fprintf(msg, "pgadvise: %s\n", safetext.Line(is.Message))
		}
	}
}

// warnPGSS warns about a pg_stat_statements that misses statements.
func warnPGSS(msg io.Writer, info *capture.PGSSInfo) {
	if info.Track == "none" {
		fmt.Fprintln(msg, "pgadvise: warning: pg_stat_statements.track is none: it records no statements")
	}
	if info.Dealloc > 0 {
		fmt.Fprintf(msg, "pgadvise: warning: pg_stat_statements evicted entries %d times (pg_stat_statements.max = %d): rarely run statements may be missing; raise pg_stat_statements.max\n", info.Dealloc, info.Max)
	}
}
