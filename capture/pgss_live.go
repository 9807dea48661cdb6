package capture

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pgadvise/pgadvise/internal/selftag"
)

// SelfTag starts every statement pgadvise sends to a database (catalog's
// too): ReadPGStatStatementsLive leaves such statements out, so that
// pgadvise's own reads never count as the workload.
const SelfTag = selftag.Tag

// PGSSLiveName is the input name ReadPGStatStatementsLive gives its Stats.
const PGSSLiveName = "pg_stat_statements"

// ErrNoPGStatStatements is wrapped by the error ReadPGStatStatementsLive
// returns when the extension is not installed in the database, or its
// library is not loaded.
var ErrNoPGStatStatements = errors.New("pg_stat_statements is not available")

// pgssSetupHint says how to enable pg_stat_statements.
const pgssSetupHint = "add pg_stat_statements to shared_preload_libraries in postgresql.conf " +
	"(a restart is needed), then run CREATE EXTENSION pg_stat_statements; in this database " +
	"(or give pgadvise log files or a pg_stat_statements CSV as INPUT)"

// PGSSInfo describes the pg_stat_statements a database has.
type PGSSInfo struct {
	// Database is the database read; Schema is where the extension's view
	// lives and Version its version.
	Database, Schema, Version string
	// StatsReset is pg_stat_statements_info.stats_reset (PG 14+): the
	// counters count from then; nil when unknown.
	StatsReset *time.Time
	// Dealloc is how many times entries were evicted because
	// pg_stat_statements.max was reached (PG 14+): rarely run statements
	// may be missing. -1 when unknown.
	Dealloc int64
	// Max is pg_stat_statements.max and Track pg_stat_statements.track
	// ("top", "all" or "none": none records nothing).
	Max   int64
	Track string
}

// pgssExec is what ReadPGStatStatementsLive needs of a connection: a
// *pgx.Conn or a pgx.Tx.
type pgssExec interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ReadPGStatStatementsInfo finds pg_stat_statements in the connection's
// database. The error wraps ErrNoPGStatStatements when the extension is
// not installed there, and says how to install it.
func ReadPGStatStatementsInfo(ctx context.Context, conn *pgx.Conn) (*PGSSInfo, error) {
	return pgssInfo(ctx, conn)
}

func pgssInfo(ctx context.Context, q pgssExec) (*PGSSInfo, error) {
	info := &PGSSInfo{Dealloc: -1}
	if err := q.QueryRow(ctx, SelfTag+`SELECT pg_catalog.current_database()::text`).Scan(&info.Database); err != nil {
		return nil, fmt.Errorf("capture: pg_stat_statements: %w", err)
	}
	db := info.Database
	err := q.QueryRow(ctx, SelfTag+`SELECT n.nspname::text, e.extversion
		FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
		WHERE e.extname = 'pg_stat_statements'`).Scan(&info.Schema, &info.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("capture: %w: the extension is not installed in database %q: %s",
			ErrNoPGStatStatements, db, pgssSetupHint)
	}
	if err != nil {
		return nil, fmt.Errorf("capture: looking for pg_stat_statements: %w", err)
	}
	var max, track *string
	if err := q.QueryRow(ctx, SelfTag+`SELECT pg_catalog.current_setting('pg_stat_statements.max', true),
		pg_catalog.current_setting('pg_stat_statements.track', true)`).Scan(&max, &track); err != nil {
		return nil, fmt.Errorf("capture: reading pg_stat_statements settings: %w", err)
	}
	if max == nil {
		// The settings exist once the library is loaded.
		return nil, fmt.Errorf("capture: %w: the extension is installed in database %q but its library is not loaded: %s",
			ErrNoPGStatStatements, db, pgssSetupHint)
	}
	info.Max, _ = strconv.ParseInt(*max, 10, 64)
	if track != nil {
		info.Track = *track
	}
	var hasInfo bool
	if err := q.QueryRow(ctx, SelfTag+`SELECT pg_catalog.to_regclass(pg_catalog.quote_ident($1) || '.pg_stat_statements_info') IS NOT NULL`,
		info.Schema).Scan(&hasInfo); err != nil {
		return nil, fmt.Errorf("capture: looking for pg_stat_statements_info: %w", err)
	}
	if hasInfo {
		var reset *time.Time
		err := q.QueryRow(ctx, SelfTag+`SELECT dealloc, stats_reset FROM `+pgx.Identifier{info.Schema, "pg_stat_statements_info"}.Sanitize()).
			Scan(&info.Dealloc, &reset)
		if err != nil {
			return nil, pgssError(err, db)
		}
		if reset != nil {
			t := reset.UTC()
			info.StatsReset = &t
		}
	}
	return info, nil
}

// pgssError explains the errors reading pg_stat_statements gives.
func pgssError(err error, db string) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "55000" {
		// "pg_stat_statements must be loaded via shared_preload_libraries"
		return fmt.Errorf("capture: %w in database %q (%s): %s", ErrNoPGStatStatements, db, pe.Message, pgssSetupHint)
	}
	if errors.As(err, &pe) && pe.Code == "42501" {
		return fmt.Errorf("capture: reading pg_stat_statements: %s (grant the role pg_read_all_stats, or pg_monitor)", pe.Message)
	}
	return fmt.Errorf("capture: reading pg_stat_statements: %w", err)
}

// ReadPGStatStatementsLive reads pg_stat_statements of the connection's
// database (the rows of other databases are left out) and hands each row
// to emit as a Statement of Calls executions with its total and maximum
// time and its rows, like the CSV reader does with an export. It chooses
// the columns by what the installed version has: total_exec_time and
// max_exec_time (PG 13+) or total_time and max_time; only top-level
// statements where the toplevel column exists (PG 14+), so that a
// function's inner statements are not counted twice.
//
// Rows with calls = 0 (planned, never executed to completion) are skipped
// as ReasonNoCalls; rows whose text is hidden ("<insufficient privilege>":
// another role's statements, without pg_read_all_stats) or empty as
// ReasonNoQueryText; pgadvise's own statements (SelfTag) as
// ReasonOtherMessage. Statements are emitted in query-text order (byte
// order). Stats.Lines counts the rows read.
//
// The error wraps ErrNoPGStatStatements, with how to enable it, when the
// extension is missing or its library is not loaded.
func ReadPGStatStatementsLive(ctx context.Context, conn *pgx.Conn, emit func(*Statement) error) (*Stats, error) {
	info, err := pgssInfo(ctx, conn)
	if err != nil {
		return nil, err
	}
	view := pgx.Identifier{info.Schema, "pg_stat_statements"}.Sanitize()
	var cols []string
	rows, err := conn.Query(ctx, SelfTag+`SELECT a.attname::text FROM pg_catalog.pg_attribute a
		WHERE a.attrelid = pg_catalog.to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`, view)
	if err != nil {
		return nil, fmt.Errorf("capture: reading the columns of %s: %w", view, err)
	}
	cols, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("capture: reading the columns of %s: %w", view, err)
	}
	has := map[string]bool{}
	for _, c := range cols {
		has[c] = true
	}
	pick := func(names ...string) string {
		for _, n := range names {
			if has[n] {
				return n
			}
		}
		return ""
	}
	total, max := pick("total_exec_time", "total_time"), pick("max_exec_time", "max_time")
	if !has["query"] || !has["calls"] || total == "" {
		return nil, fmt.Errorf("capture: %s lacks query, calls or total_exec_time/total_time (columns: %s)", view, strings.Join(cols, ", "))
	}
	maxExpr := "NULL::float8"
	if max != "" {
		maxExpr = max + "::float8"
	}
	rowsExpr := "0::int8"
	if has["rows"] {
		rowsExpr = "rows::int8"
	}
	where := "dbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())"
	if has["toplevel"] {
		where += " AND toplevel"
	}
	sql := SelfTag + `SELECT query, calls::int8, ` + total + `::float8, ` + maxExpr + `, ` + rowsExpr + `
		FROM ` + view + ` WHERE ` + where + `
		ORDER BY query COLLATE "C", 2, 3, 4, 5`
	st := &Stats{Name: PGSSLiveName, Format: FormatPGSS}
	e := newEngine(st, emit)
	rows, err = conn.Query(ctx, sql)
	if err != nil {
		return nil, pgssError(err, info.Database)
	}
	defer rows.Close()
	var (
		query      *string
		calls      int64
		totalMS    float64
		maxMS      *float64
		rowsCount  int64
		queryBytes []byte
	)
	for rows.Next() {
		if err := rows.Scan(&query, &calls, &totalMS, &maxMS, &rowsCount); err != nil {
			return st, fmt.Errorf("capture: reading pg_stat_statements: %w", err)
		}
		st.Lines++
		line := st.Lines
		q := ""
		if query != nil {
			q = *query
		}
		st.Bytes += int64(len(q))
		switch {
		case strings.HasPrefix(q, SelfTag):
			st.Skip(ReasonOtherMessage, line) // pgadvise's own
			continue
		case strings.TrimSpace(q) == "" || q == "<insufficient privilege>":
			st.Skip(ReasonNoQueryText, line)
			continue
		case !ValidCount(calls) || !ValidMS(totalMS) || (maxMS != nil && !ValidMS(*maxMS)) || !ValidCount(rowsCount):
			st.Skip(ReasonBadValue, line)
			continue
		case calls == 0:
			st.Skip(ReasonNoCalls, line)
			continue
		}
		m := totalMS / float64(calls)
		if maxMS != nil {
			m = *maxMS
		}
		queryBytes = append(queryBytes[:0], q...)
		if err := e.emit(queryBytes, nil, line, calls, true, totalMS, m, rowsCount, false); err != nil {
			return st, err
		}
	}
	if err := rows.Err(); err != nil {
		return st, pgssError(err, info.Database)
	}
	return st, nil
}
