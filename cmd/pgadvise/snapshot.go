package main

// pgadvise snapshot: a live database's schema, statistics and (optionally)
// workload in one JSON file, to analyze later without a connection.

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
)

const snapshotUsage = `Usage: pgadvise snapshot [--dsn URL] [--workload] [--no-values] [-o FILE]

Reads a live database's schema and statistics (pg_class, pg_stats,
pg_stat_user_tables, pg_stat_user_indexes) in one read-only transaction and
writes them as a JSON snapshot, with its pg_stat_statements when --workload is
given. "pgadvise analyze --stats FILE" then advises from it without a
connection: in CI, or away from production. The snapshot holds the database's
name, never the connection string, host, user or password; it does hold the
most common values of each column (pg_stats) unless --no-values is given.

Examples:
  pgadvise snapshot --dsn postgres://pgadvise@db.internal/shop --workload -o stats.json
  PGHOST=db.internal PGDATABASE=shop pgadvise snapshot --workload -o stats.json
  pgadvise analyze --stats stats.json

Flags:
`

func runSnapshot(args []string, stdout, stderr io.Writer) int {
	var (
		dsn              dsnFlag
		output           string
		workload         bool
		noValues         bool
		statementTimeout = catalog.DefaultStatementTimeout
	)
	fs := flag.NewFlagSet("snapshot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if wantsHelp(args) {
		fs.SetOutput(stdout)
	}
	fs.Var(&dsn, "dsn", dsnHelp+"; without --dsn, the PG* environment variables")
	fs.StringVar(&output, "o", "", "write the snapshot to `FILE` (mode 0600) instead of standard output")
	fs.BoolVar(&workload, "workload", false, "add the database's pg_stat_statements (the extension must be installed)")
	fs.BoolVar(&noValues, "no-values", false, "leave out the most common values of each column: they are data (the advice is less precise for constants)")
	fs.DurationVar(&statementTimeout, "statement-timeout", statementTimeout, "the longest any query of pgadvise may run")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), snapshotUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pgadvise snapshot: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	snap, err := takeSnapshot(ctx, dsn.value, workload, catalog.ConnectOptions{StatementTimeout: statementTimeout})
	if err != nil {
		fmt.Fprintf(stderr, "pgadvise: %v\n", err)
		return exitError
	}
	if noValues {
		snap.DropValues()
	}
	printIssues(stderr, snap.Issues)
	if err := writeSnapshotFile(output, stdout, snap); err != nil {
		fmt.Fprintf(stderr, "pgadvise: %v\n", err)
		return exitError
	}
	indexes := 0
	for _, t := range snap.Schema.Tables {
		indexes += len(t.Indexes)
	}
	dest := output
	if dest == "" || dest == "-" {
		dest = "standard output"
	}
	fmt.Fprintf(stderr, "pgadvise: snapshot of database %q (PostgreSQL %s): %d relations, %d indexes", snap.Database, shortVersion(snap.ServerVersion), len(snap.Schema.Tables), indexes)
	if workload {
		fmt.Fprintf(stderr, ", %d statements", len(snap.Workload))
	}
	fmt.Fprintf(stderr, " → %s\n", dest)
	return exitOK
}

// takeSnapshot reads the schema and statistics and, with workload, the
// pg_stat_statements of the database dsn names.
func takeSnapshot(ctx context.Context, dsn string, workload bool, opt catalog.ConnectOptions) (*catalog.Snapshot, error) {
	conn, err := catalog.ConnectWith(ctx, dsn, opt)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	s, rep, err := catalog.ReadLive(ctx, conn)
	if err != nil {
		return nil, err
	}
	snap := catalog.NewSnapshot(s, rep)
	if !workload {
		return snap, nil
	}
	info, err := capture.ReadPGStatStatementsInfo(ctx, conn)
	if err != nil {
		return nil, err
	}
	snap.WorkloadSince = info.StatsReset
	snap.Workload = []catalog.SnapshotStatement{}
	_, err = capture.ReadPGStatStatementsLive(ctx, conn, func(st *capture.Statement) error {
		snap.Workload = append(snap.Workload, catalog.SnapshotStatement{
			Query: string(st.Query), Calls: st.Calls, TotalMS: st.TotalMS, MaxMS: st.MaxMS, Rows: st.Rows,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// writeSnapshotFile writes the snapshot to path, or to stdout for "" and
// "-". A file is written whole or not at all (a temporary file renamed),
// readable by its owner only: it may hold data values.
func writeSnapshotFile(path string, stdout io.Writer, snap *catalog.Snapshot) error {
	if path == "" || path == "-" {
		bw := bufio.NewWriter(stdout)
		if err := catalog.WriteSnapshot(bw, snap); err != nil {
			return err
		}
		return bw.Flush()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing snapshot: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	bw := bufio.NewWriter(tmp)
	err = catalog.WriteSnapshot(bw, snap)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("writing snapshot %s: %w", path, err)
	}
	return nil
}
