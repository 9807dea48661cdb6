package catalog

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// DefaultWritableApplicationName is the application_name of a
// ConnectWritable session, so that a DBA who sees it in pg_stat_activity
// knows what it does.
const DefaultWritableApplicationName = "pgadvise --verify=execute"

// ConnectWritable opens the one kind of connection through which pgadvise
// writes: for analyze --verify=execute, which builds each recommended index
// in a transaction it rolls back and runs the captured queries with EXPLAIN
// ANALYZE. Every other mode connects with ConnectWith, read-only.
//
// It is ConnectWith without the read-only guard: the session keeps the
// role's default_transaction_read_only, and the caller opens each
// transaction READ WRITE itself. statement_timeout, lock_timeout and
// idle_in_transaction_session_timeout bound it as they bound the read-only
// sessions (an idle transaction left open by a stuck client is ended, and
// with it every index it built). It is the caller's duty to refuse a
// database that may be the primary: the connection cannot tell.
func ConnectWritable(ctx context.Context, dsn string, opt ConnectOptions) (*pgx.Conn, error) {
	opt.writable = true
	if opt.ApplicationName == "" {
		opt.ApplicationName = DefaultWritableApplicationName
	}
	return ConnectWith(ctx, dsn, opt)
}
