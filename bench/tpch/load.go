package main

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

//go:embed schema.sql
var schemaSQL string

//go:embed gen.sql
var genSQL string

// tables are the TPC-H tables, smallest first.
var tables = []string{"region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"}

// loadStats is what the load did.
type loadStats struct {
	Elapsed time.Duration
	// Rows and HeapBytes per table (pg_class.reltuples, pg_relation_size).
	Rows      map[string]int64
	HeapBytes map[string]int64
	// AllVisible is the share of the tables' pages marked all-visible
	// (Σ relallvisible ÷ Σ relpages), which index-only scan costs use.
	AllVisible float64
}

// load creates the schema, generates the data at scale factor sf and runs
// VACUUM ANALYZE, on an admin connection (not pgadvise's read-only one).
func load(ctx context.Context, conn *pgx.Conn, sf float64, trace func(string, time.Duration)) (*loadStats, error) {
	start := time.Now()
	if _, err := conn.Exec(ctx, "SET tpch.sf = '"+strconv.FormatFloat(sf, 'f', -1, 64)+"'"); err != nil {
		return nil, err
	}
	// Bulk load: no point in synchronous commit, and a large sort memory
	// for the primary keys' builds.
	for _, s := range []string{"SET synchronous_commit = off", "SET maintenance_work_mem = '256MB'", "SET work_mem = '64MB'"} {
		if _, err := conn.Exec(ctx, s); err != nil {
			return nil, err
		}
	}
	// Autovacuum stays off these tables until the VACUUM below: an
	// autovacuum ANALYZE running beside it holds a snapshot that keeps
	// VACUUM from marking the last-loaded pages all-visible, and the
	// planner's index-only scan costs depend on that (a whole table left
	// not all-visible moved the 19-query figure from 0.79 to 0.90).
	//
	// schema.sql first, alone, then the tables' setting, then gen.sql.
	steps := []struct{ name, sql string }{{"schema.sql", schemaSQL}, {"autovacuum off", autovacuumSQL("SET (autovacuum_enabled = off)")}, {"gen.sql", genSQL}}
	for _, file := range steps {
		for _, stmt := range splitSQL(file.sql) {
			t0 := time.Now()
			if _, err := conn.Exec(ctx, stmt); err != nil {
				return nil, fmt.Errorf("%s: %w\n%s", file.name, err, firstLine(stmt))
			}
			if trace != nil {
				trace(firstLine(stmt), time.Since(t0))
			}
		}
	}
	t0 := time.Now()
	if _, err := conn.Exec(ctx, "VACUUM (ANALYZE) "+strings.Join(tables, ", ")); err != nil {
		return nil, fmt.Errorf("vacuum analyze: %w", err)
	}
	if trace != nil {
		trace("VACUUM (ANALYZE)", time.Since(t0))
	}
	// Once more if a page was left not all-visible (a concurrent snapshot
	// from elsewhere in the database).
	for try := 0; try < 3; try++ {
		st, err := tableSizes(ctx, conn)
		if err != nil {
			return nil, err
		}
		if st.AllVisible >= 1 {
			break
		}
		time.Sleep(time.Second)
		if _, err := conn.Exec(ctx, "VACUUM "+strings.Join(tables, ", ")); err != nil {
			return nil, fmt.Errorf("vacuum: %w", err)
		}
	}
	for _, stmt := range splitSQL(autovacuumSQL("RESET (autovacuum_enabled)")) {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return nil, err
		}
	}
	for _, s := range []string{"RESET work_mem", "RESET maintenance_work_mem", "RESET synchronous_commit"} {
		if _, err := conn.Exec(ctx, s); err != nil {
			return nil, err
		}
	}
	st, err := tableSizes(ctx, conn)
	if err != nil {
		return nil, err
	}
	st.Elapsed = time.Since(start)
	return st, nil
}

// autovacuumSQL is ALTER TABLE t <action>; for each TPC-H table.
func autovacuumSQL(action string) string {
	var b strings.Builder
	for _, t := range tables {
		fmt.Fprintf(&b, "ALTER TABLE %s %s;\n", t, action)
	}
	return b.String()
}

// tableSizes reads the row counts and heap sizes of the TPC-H tables.
func tableSizes(ctx context.Context, conn *pgx.Conn) (*loadStats, error) {
	st := &loadStats{Rows: map[string]int64{}, HeapBytes: map[string]int64{}}
	rows, err := conn.Query(ctx, `SELECT c.relname, c.reltuples::bigint, pg_relation_size(c.oid), c.relpages, c.relallvisible
		FROM pg_class c WHERE c.relkind = 'r' AND c.relname = ANY($1) AND pg_table_is_visible(c.oid)`, tables)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var allPages, allVisible float64
	for rows.Next() {
		var name string
		var n, size int64
		var pages, visible int32
		if err := rows.Scan(&name, &n, &size, &pages, &visible); err != nil {
			return nil, err
		}
		st.Rows[name], st.HeapBytes[name] = n, size
		allPages += float64(pages)
		allVisible += float64(visible)
	}
	if allPages > 0 {
		st.AllVisible = allVisible / allPages
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, t := range tables {
		if _, ok := st.Rows[t]; !ok {
			return nil, fmt.Errorf("table %s not found: load the TPC-H tables first (or run without -load=false)", t)
		}
	}
	return st, nil
}

// splitSQL splits a script into statements at semicolons that end a line,
// outside dollar-quoted bodies and comments.
func splitSQL(src string) []string {
	var out []string
	var cur strings.Builder
	inDollar := false
	for _, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if !inDollar && (trimmed == "" || strings.HasPrefix(trimmed, "--")) {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.Count(line, "$$")%2 == 1 {
			inDollar = !inDollar
		}
		if !inDollar && strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
