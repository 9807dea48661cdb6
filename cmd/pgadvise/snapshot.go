package main

// pgadvise snapshot: a live database's schema, statistics and (optionally)
// workload in one JSON file, to analyze later without a connection.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/outfile"
	"github.com/pgadvise/pgadvise/pipeline"
)

const snapshotUsage = `Usage: pgadvise snapshot [--dsn URL] [--workload] [--no-values] [-o FILE]

Reads a live database's schema and statistics (pg_class, pg_stats,
pg_stat_user_tables, pg_stat_user_indexes) in one read-only transaction and
writes them as a JSON snapshot, with its pg_stat_statements when --workload is
given. "pgadvise analyze --stats FILE" then advises from it without a
connection: in CI, or away from production. The snapshot holds the database's
name, never the connection string, host, user or password, nor a statement
that may carry a password (CREATE ROLE ... PASSWORD, ALTER SYSTEM, ...). It
does hold data unless --no-values is given: the most common values and
histogram bounds of each column (pg_stats), and the constants of utility
statements, which pg_stat_statements does not normalize.

Examples:
  pgadvise snapshot --dsn postgres://pgadvise@db.internal/shop --workload -o stats.json
  PGHOST=db.internal PGDATABASE=shop pgadvise snapshot --workload -o stats.json
  pgadvise analyze --stats stats.json

Flags:
`

func runSnapshot(args []string, stdout, stderr io.Writer) int {
	var (
		dsn              dsnFlag
		outPath          string
		workload         bool
		noValues         bool
		statementTimeout = catalog.DefaultStatementTimeout
	)
	fs := flag.NewFlagSet("snapshot", flag.ContinueOnError)
	quietFlagErrors(fs, args, stdout)
	fs.Var(&dsn, "dsn", dsnHelp+"; without --dsn, the PG* environment variables")
	fs.StringVar(&outPath, "o", "", "write the snapshot to `FILE` (mode 0600) instead of standard output")
	fs.BoolVar(&workload, "workload", false, "add the database's pg_stat_statements (the extension must be installed)")
	fs.BoolVar(&noValues, "no-values", false, "leave out every value of the data: most common values and histograms, constants in the workload's texts (the advice is less precise for constants)")
	fs.DurationVar(&statementTimeout, "statement-timeout", statementTimeout, "the longest any query of pgadvise may run")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), snapshotUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		flagError(stderr, "snapshot", err)
		return exitUsage
	}
	if fs.NArg() > 0 {
		flagError(stderr, "snapshot", fmt.Errorf("unexpected argument %q", fs.Arg(0)))
		return exitUsage
	}
	dest := output{path: outPath, perm: outfile.ModePrivate, inputs: connectionFiles()}
	if err := dest.check(); err != nil {
		fmt.Fprintf(stderr, "pgadvise: %v\n", err)
		return exitError
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	snap, read, err := takeSnapshot(ctx, dsn.value, workload, catalog.ConnectOptions{StatementTimeout: statementTimeout})
	if err != nil {
		fmt.Fprintf(stderr, "pgadvise: %v\n", err)
		return exitError
	}
	if read != nil {
		if summary := pipeline.SkipSummary(read); summary != "" {
			fmt.Fprintf(stderr, "pgadvise: %s: skipped %s\n", read.Name, summary)
		}
	}
	if noValues {
		if n := snap.DropValues(); n > 0 {
			fmt.Fprintf(stderr, "pgadvise: --no-values: left out %d workload statement(s) whose text keeps constants after normalization (utility statements such as CREATE TABLE ... AS or COPY)\n", n)
		}
	}
	pipeline.PrintIssues(stderr, snap.Issues)
	if err := dest.write(stdout, func(w io.Writer) error { return catalog.WriteSnapshot(w, snap) }); err != nil {
		fmt.Fprintf(stderr, "pgadvise: %v\n", err)
		return exitError
	}
	indexes := 0
	for _, t := range snap.Schema.Tables {
		indexes += len(t.Indexes)
	}
	where := outPath
	if dest.toStdout() {
		where = "standard output"
	}
	fmt.Fprintf(stderr, "pgadvise: snapshot of database %q (PostgreSQL %s): %d relations, %d indexes", snap.Database, pipeline.ShortVersion(snap.ServerVersion), len(snap.Schema.Tables), indexes)
	if workload {
		fmt.Fprintf(stderr, ", %d statements", len(snap.Workload))
	}
	fmt.Fprintf(stderr, " → %s\n", where)
	return exitOK
}

// takeSnapshot reads the schema and statistics and, with workload, the
// pg_stat_statements of the database dsn names; read says what reading
// them skipped (nil without workload).
func takeSnapshot(ctx context.Context, dsn string, workload bool, opt catalog.ConnectOptions) (snap *catalog.Snapshot, read *capture.Stats, err error) {
	conn, err := catalog.ConnectWith(ctx, dsn, opt)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	s, rep, err := catalog.ReadLive(ctx, conn)
	if err != nil {
		return nil, nil, err
	}
	snap = catalog.NewSnapshot(s, rep)
	if !workload {
		return snap, nil, nil
	}
	info, err := capture.ReadPGStatStatementsInfo(ctx, conn)
	if err != nil {
		return nil, nil, err
	}
	snap.WorkloadSince = info.StatsReset
	snap.Workload = []catalog.SnapshotStatement{}
	// Statements that may hold a secret (capture.HoldsSecret) never come
	// out of capture: they are counted in read, not written.
	read, err = capture.ReadPGStatStatementsLive(ctx, conn, func(st *capture.Statement) error {
		snap.Workload = append(snap.Workload, catalog.SnapshotStatement{
			Query: string(st.Query), Calls: st.Calls, TotalMS: st.TotalMS, MaxMS: st.MaxMS, Rows: st.Rows,
		})
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return snap, read, nil
}
