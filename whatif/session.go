package whatif

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pgadvise/pgadvise/capture"
)

// stmtName is the prepared statement Verify uses for texts with placeholders.
const stmtName = "pgadvise_whatif"

// session is one what-if session on a dedicated connection: the backend that
// holds the hypothetical indexes.
type session struct {
	conn *pgx.Conn
	// fn qualifies HypoPG's functions with the extension's schema.
	fn string
	// origMode is plan_cache_mode as found, mode as last set ("" : not set).
	origMode, mode string
	// origEnabled is hypopg.enabled as found when it was not on: Verify
	// turns it on for the session and back after.
	origEnabled string
	// scsOn: standard_conforming_strings is on, so a logged '...' value is
	// an ordinary string literal.
	scsOn bool
	// showValues keeps error messages as the server wrote them.
	showValues bool

	creations, explains int
}

// errorText is err for the report (see the package-level errorText).
func (s *session) errorText(err error) string { return errorText(err, s.showValues) }

// hypoIndex is a hypothetical index in the backend.
type hypoIndex struct {
	oid  uint32
	name string
	ddl  string
	// rec is the recommended index's name.
	rec string
}

// plan is what Verify reads of an EXPLAIN: the top node's total cost and the
// indexes the plan scans.
type plan struct {
	cost    float64
	indexes []string
}

// uses reports whether the plan scans the hypothetical index oid. HypoPG
// names its indexes "<oid>method_table_columns".
func (p plan) uses(oid uint32) bool {
	prefix := "<" + strconv.FormatUint(uint64(oid), 10) + ">"
	for _, n := range p.indexes {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

// tag starts every statement Verify sends, so that the live
// pg_stat_statements reader leaves pgadvise's own statements out.
const tag = capture.SelfTag

// open checks the server and HypoPG, clears the backend's hypothetical
// indexes and makes sure the planner sees the ones to come.
func (s *session) open(ctx context.Context, rep *Report) error {
	s.scsOn = s.conn.PgConn().ParameterStatus("standard_conforming_strings") == "on"
	var dbname string
	if err := s.conn.QueryRow(ctx,
		tag+"SELECT current_setting('server_version_num')::int, current_setting('plan_cache_mode'), current_database()",
		pgx.QueryExecModeExec).Scan(&rep.ServerVersionNum, &s.origMode, &dbname); err != nil {
		return fmt.Errorf("whatif: reading the server version: %w", err)
	}
	var schema string
	err := s.conn.QueryRow(ctx,
		tag+`SELECT n.nspname, e.extversion FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hypopg'`,
		pgx.QueryExecModeExec).Scan(&schema, &rep.HypoPGVersion)
	if errors.Is(err, pgx.ErrNoRows) {
		return s.missing(ctx, rep.ServerVersionNum, dbname)
	}
	if err != nil {
		return fmt.Errorf("whatif: looking for the hypopg extension: %w", err)
	}
	s.fn = pgx.Identifier{schema}.Sanitize() + "."
	if _, err := s.conn.Exec(ctx, tag+"SELECT "+s.fn+"hypopg_reset()"); err != nil {
		return fmt.Errorf("whatif: hypopg_reset: %w", err)
	}
	// With hypopg.enabled off (a server may keep HypoPG's planner hook off),
	// the planner ignores hypothetical indexes and every one would look
	// unused. The library is loaded now, so the setting is known.
	var enabled string
	if err := s.conn.QueryRow(ctx, tag+"SELECT coalesce(current_setting('hypopg.enabled', true), '')", pgx.QueryExecModeExec).Scan(&enabled); err != nil {
		return fmt.Errorf("whatif: reading hypopg.enabled: %w", err)
	}
	if enabled != "on" && enabled != "" {
		if _, err := s.conn.Exec(ctx, tag+"SET hypopg.enabled = on"); err != nil {
			return fmt.Errorf("whatif: turning hypopg.enabled on: %w", err)
		}
		s.origEnabled = enabled
	}
	return nil
}

// missing is the error for a database without the hypopg extension.
func (s *session) missing(ctx context.Context, versionNum int, dbname string) error {
	var available bool
	_ = s.conn.QueryRow(ctx, tag+"SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg')",
		pgx.QueryExecModeExec).Scan(&available)
	return missingError(available, versionNum, dbname)
}

// missingError says how to get HypoPG, depending on whether the server has
// the package (available) or not.
func missingError(available bool, versionNum int, dbname string) error {
	create := fmt.Sprintf("run CREATE EXTENSION hypopg; in database %s as a role allowed to create extensions (pgadvise's own connection is read-only and never does)", dbname)
	if available {
		return fmt.Errorf("whatif: %w: %s", ErrHypoPGMissing, create)
	}
	major := versionNum / 10000
	return fmt.Errorf("whatif: %w, and the server does not have it: install the package on the database host (Debian/Ubuntu: apt-get install postgresql-%d-hypopg; RHEL: dnf install hypopg_%d), then %s",
		ErrHypoPGMissing, major, major, create)
}

// close removes the hypothetical indexes and restores plan_cache_mode and
// hypopg.enabled, even
// when ctx is done.
func (s *session) close(ctx context.Context) error {
	if s.conn.IsClosed() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var errs []error
	if _, err := s.conn.Exec(ctx, tag+"SELECT "+s.fn+"hypopg_reset()"); err != nil {
		errs = append(errs, fmt.Errorf("whatif: hypopg_reset: %w", err))
	}
	if s.mode != "" && s.mode != s.origMode {
		if _, err := s.conn.Exec(ctx, tag+"SELECT set_config('plan_cache_mode', $1, false)", pgx.QueryExecModeExec, s.origMode); err != nil {
			errs = append(errs, fmt.Errorf("whatif: restoring plan_cache_mode: %w", err))
		}
	}
	if s.origEnabled != "" {
		if _, err := s.conn.Exec(ctx, tag+"SELECT set_config('hypopg.enabled', $1, false)", pgx.QueryExecModeExec, s.origEnabled); err != nil {
			errs = append(errs, fmt.Errorf("whatif: restoring hypopg.enabled: %w", err))
		}
	}
	return errors.Join(errs...)
}

// create makes a hypothetical index.
func (s *session) create(ctx context.Context, ddl string) (*hypoIndex, error) {
	s.creations++
	h := &hypoIndex{ddl: ddl}
	err := s.conn.QueryRow(ctx, tag+"SELECT indexrelid, indexname FROM "+s.fn+"hypopg_create_index($1)",
		pgx.QueryExecModeExec, ddl).Scan(&h.oid, &h.name)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// drop removes a hypothetical index.
func (s *session) drop(ctx context.Context, h *hypoIndex) error {
	if _, err := s.conn.Exec(ctx, tag+"SELECT "+s.fn+"hypopg_drop_index("+strconv.FormatUint(uint64(h.oid), 10)+")"); err != nil {
		return fmt.Errorf("whatif: hypopg_drop_index(%d): %w", h.oid, err)
	}
	return nil
}

// run executes one statement through the extended query protocol (an unnamed
// statement, no parameters): the server refuses a text of several commands,
// so captured text can never smuggle a second statement in.
func (s *session) run(ctx context.Context, sql string) (*pgconn.Result, error) {
	res := s.conn.PgConn().ExecParams(ctx, tag+sql, nil, nil, nil, nil).Read()
	return res, res.Err
}

// setMode sets plan_cache_mode if it is not already so.
func (s *session) setMode(ctx context.Context, mode string) error {
	if s.mode == mode {
		return nil
	}
	if _, err := s.conn.Exec(ctx, tag+"SET plan_cache_mode = "+mode); err != nil {
		return err
	}
	s.mode = mode
	return nil
}

// explain plans q with the hypothetical indexes that exist now. It never runs
// the statement (no ANALYZE).
func (s *session) explain(ctx context.Context, q *query) (plan, error) {
	s.explains++
	if q.method == MethodLiteral {
		res, err := s.run(ctx, "EXPLAIN (FORMAT JSON) "+q.text)
		if err != nil {
			return plan{}, err
		}
		return parsePlan(res)
	}
	// Prepared afresh each time: a cached generic plan would not see the
	// hypothetical indexes created since.
	if _, err := s.run(ctx, "PREPARE "+stmtName+" AS "+q.text); err != nil {
		return plan{}, err
	}
	p, err := s.explainPrepared(ctx, q)
	if _, derr := s.run(ctx, "DEALLOCATE "+stmtName); derr != nil && err == nil {
		err = derr
	}
	return p, err
}

func (s *session) explainPrepared(ctx context.Context, q *query) (plan, error) {
	mode, args := "force_custom_plan", q.args
	if q.method == MethodGeneric {
		// The generic plan does not depend on the values: NULLs only fill
		// the slots.
		mode = "force_generic_plan"
		args = make([]string, q.nparams)
		for i := range args {
			args[i] = "NULL"
		}
	}
	if err := s.setMode(ctx, mode); err != nil {
		return plan{}, err
	}
	sql := "EXPLAIN (FORMAT JSON) EXECUTE " + stmtName
	if len(args) > 0 {
		sql += "(" + strings.Join(args, ", ") + ")"
	}
	res, err := s.run(ctx, sql)
	if err != nil {
		return plan{}, err
	}
	return parsePlan(res)
}

// parsePlan reads EXPLAIN (FORMAT JSON)'s single value.
func parsePlan(res *pgconn.Result) (plan, error) {
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		return plan{}, fmt.Errorf("EXPLAIN returned %d rows", len(res.Rows))
	}
	return decodePlan(res.Rows[0][0])
}

// decodePlan reads the top node's "Total Cost" and every "Index Name" of an
// EXPLAIN (FORMAT JSON) document.
func decodePlan(doc []byte) (plan, error) {
	var out []struct {
		Plan map[string]any `json:"Plan"`
	}
	if err := json.Unmarshal(doc, &out); err != nil {
		return plan{}, fmt.Errorf("reading the EXPLAIN output: %w", err)
	}
	if len(out) != 1 || out[0].Plan == nil {
		return plan{}, errors.New("reading the EXPLAIN output: no plan")
	}
	cost, ok := out[0].Plan["Total Cost"].(float64)
	if !ok {
		return plan{}, errors.New("reading the EXPLAIN output: no total cost")
	}
	p := plan{cost: cost}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if name, ok := x.(string); ok && k == "Index Name" {
					p.indexes = append(p.indexes, name)
					continue
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(out[0].Plan)
	return p, nil
}

// fatal reports whether err ends the session rather than one query: anything
// that is not an error the server reported for a statement, a closed
// connection, a finished context.
func fatal(ctx context.Context, conn *pgx.Conn, err error) bool {
	var pgErr *pgconn.PgError
	return !errors.As(err, &pgErr) || conn.IsClosed() || ctx.Err() != nil
}
