package whatif

// Measured execution (analyze --verify=execute): each recommended index is
// built for real inside a transaction that is rolled back, and the queries
// it serves are run with EXPLAIN ANALYZE with and without it.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/catalog"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// Defaults of ExecuteOptions, and the verdict's thresholds.
const (
	DefaultExecStatementTimeout = 30 * time.Second
	DefaultExecLockTimeout      = 2 * time.Second
	DefaultExecBudget           = 10 * time.Minute
	// DefaultExecRounds is how many measured runs each side gets per query
	// sample, after one warm-up run that is discarded. A median needs 3.
	DefaultExecRounds = 3

	// MinMeasuredGain is the share of time an index must save to be kept:
	// the queries it serves, each at its median time weighted by its calls,
	// must take at least 10% less in sum with it. Below that a gain is
	// within what a second run on a busy machine moves, and not worth an
	// index's writes and space.
	MinMeasuredGain = 0.10
	// MaxMeasuredRegression is how much slower any one served query may get
	// (median with ÷ median without − 1). Above it the index is rejected,
	// whatever the sum gains: a team that applies the advice must not find
	// one of its queries slower.
	MaxMeasuredRegression = 0.10
	// measureNoiseMS is the difference in median per-execution time under
	// which a query is not called slower: EXPLAIN ANALYZE reports times in
	// microseconds, and a query that takes 0.03 ms one run takes 0.04 ms the
	// next.
	measureNoiseMS = 0.05
)

// ErrNotConfirmed is wrapped by the error Execute returns on a server that
// accepts writes when ExecuteOptions.ConfirmedNotProduction is not set.
var ErrNotConfirmed = errors.New("measured execution refused: this server accepts writes, and nothing tells a primary from a copy of it")

// ErrHotStandby is wrapped by the error Execute returns on a server in
// recovery, where no index can be built.
var ErrHotStandby = errors.New("measured execution needs a writable server: this one is a hot standby (pg_is_in_recovery() is true), where CREATE INDEX cannot run")

// ErrCannotCreateIndex is wrapped by the error Execute returns when the role
// may create none of the recommended indexes (SQLSTATE 42501).
var ErrCannotCreateIndex = errors.New("the role may not create the recommended indexes (SQLSTATE 42501, insufficient_privilege)")

// ExecuteOptions tune Execute. The zero value uses the defaults, and
// refuses to run: ConfirmedNotProduction must be set.
type ExecuteOptions struct {
	// ConfirmedNotProduction is the caller's word that the database is a
	// staging copy or a replica promoted for testing. A server that accepts
	// writes may be the primary, and the server cannot say it is not.
	ConfirmedNotProduction bool
	// StatementTimeout caps each measured run (default 30s); LockTimeout
	// each wait for a lock (default 2s: a busy table is skipped, not waited
	// on); Budget the whole run (default 10m).
	StatementTimeout, LockTimeout, Budget time.Duration
	// Rounds is the number of measured runs per side (default and minimum
	// 3), after one warm-up run.
	Rounds int
	// Prune moves the rejected create_index recommendations to
	// res.Rejected, with the figures, together with the drop_index
	// recommendations that existed only because they superseded them.
	Prune bool
	// Progress, when set, is given a one-line status before each step.
	Progress func(status string)
}

func (o ExecuteOptions) withDefaults() ExecuteOptions {
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = DefaultExecStatementTimeout
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = DefaultExecLockTimeout
	}
	if o.Budget <= 0 {
		o.Budget = DefaultExecBudget
	}
	if o.Rounds < DefaultExecRounds {
		o.Rounds = DefaultExecRounds
	}
	return o
}

// ExecVerdict is the outcome of measuring one index.
type ExecVerdict string

// Measured verdicts.
const (
	// ExecKept: the served queries are measurably faster with the index and
	// none is slower.
	ExecKept ExecVerdict = "kept"
	// ExecRejected: not faster enough, a served query got slower, or the
	// planner does not use the real index.
	ExecRejected ExecVerdict = "rejected"
	// ExecNotMeasured: the index could not be built or its queries not run
	// (the note says why: a lock, a timeout, the time budget, no values for
	// a query's parameters).
	ExecNotMeasured ExecVerdict = "not_measured"
)

// ExecReport is what Execute measured.
type ExecReport struct {
	// Outcomes holds one entry per create_index recommendation, in the
	// order res.Recommendations had when Execute was called.
	Outcomes []ExecOutcome
	// Kept, Rejected and NotMeasured count the outcomes by verdict.
	Kept, Rejected, NotMeasured int
	// Runs counts the EXPLAIN ANALYZE runs, warm-ups included.
	Runs int
	// Rounds is the measured runs per side and sample; Options the options
	// in effect (with defaults).
	Rounds  int
	Options ExecuteOptions
	// BudgetExhausted says the time budget ran out before every index was
	// measured.
	BudgetExhausted bool
	// Pruned names the recommendations Prune moved to res.Rejected.
	Pruned []string
	// ServerVersionNum is the server's server_version_num.
	ServerVersionNum int
	Elapsed          time.Duration
}

// ExecOutcome is one index measured.
type ExecOutcome struct {
	Table catalog.QualifiedName
	Index string
	// DDL is the statement that was run: the recommendation's, without
	// CONCURRENTLY and IF NOT EXISTS.
	DDL     string
	Verdict ExecVerdict
	// Note says why, with the figures.
	Note string
	// BuildMS is how long CREATE INDEX took.
	BuildMS float64
	// MSBefore and MSAfter sum, over the measured queries, calls × median
	// ms per execution without and with the index.
	MSBefore, MSAfter float64
	Queries           []QueryTiming
}

// QueryTiming is one served query's measured time without and with an index.
type QueryTiming struct {
	Fingerprint string
	Calls       int64
	// Samples is the number of logged executions (value sets) run; Runs
	// the measured runs per side of each.
	Samples, Runs int
	// MSBefore and MSAfter are the median execution time in ms (averaged
	// over the samples) without and with the index. A side that exceeded
	// the statement timeout has the timeout as its time, and TimedOut set.
	MSBefore, MSAfter             float64
	BeforeTimedOut, AfterTimedOut bool
	// UsesIndex reports whether the plan with the index scans it.
	UsesIndex bool
	// NotMeasured says why the query was not measured ("" when it was).
	NotMeasured string
}

// Execute measures each create_index recommendation for real. For each one,
// in a transaction of its own (REPEATABLE READ, so that every run sees the
// same data), it builds the index with the recommendation's DDL without
// CONCURRENTLY, then runs each query the index serves, at its logged values,
// with EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON): a warm-up run and then
// opt.Rounds runs on each side, the sides interleaved and the first side
// rotated. It then rolls the transaction back: nothing stays behind. Each
// verdict is set on the outcome; with opt.Prune, the rejected indexes move
// to res.Rejected.
//
// The "without" side drops the index inside a savepoint that is rolled back
// right after the run. Measuring it before the CREATE instead would put one
// side before the build and one after: the build reads the whole table, so
// the cache the two sides see would differ, and the sides could not be
// interleaved without building the index again each round. Both sides run
// in the same transaction, on the same snapshot and the same cache, one
// right after the other. Every run, with or without, sits in a savepoint
// rolled back after it, so an UPDATE or DELETE that is measured changes
// nothing either.
//
// This writes: a CREATE INDEX holds a SHARE lock on its table until the
// rollback (writes to the table wait meanwhile), and the captured queries
// really run. Execute refuses on a hot standby (CREATE INDEX cannot run
// there) and, on a server that accepts writes, unless
// opt.ConfirmedNotProduction. conn must be a dedicated, idle connection
// that is not read-only, as a role that owns the tables.
//
// Errors for one index or query (a busy table, a timeout, a query that
// fails) are recorded in its outcome and do not stop the rest. Execute
// returns an error when it cannot run at all: a refusal (ErrNotConfirmed,
// ErrHotStandby), a role that may create none of the indexes
// (ErrCannotCreateIndex), a connection that fails, a cancelled context.
func Execute(ctx context.Context, conn *pgx.Conn, w *analyzer.Workload, res *advisor.Result, opt ExecuteOptions) (*ExecReport, error) {
	start := time.Now()
	opt = opt.withDefaults()
	if conn == nil || conn.IsClosed() {
		return nil, errors.New("whatif: no open connection")
	}
	if st := conn.PgConn().TxStatus(); st != 'I' {
		return nil, fmt.Errorf("whatif: the connection is inside a transaction (status %q); measured execution needs an idle connection", st)
	}
	rep := &ExecReport{Rounds: opt.Rounds, Options: opt}
	var inRecovery bool
	if err := conn.QueryRow(ctx, tag+"SELECT pg_catalog.pg_is_in_recovery(), current_setting('server_version_num')::int",
		pgx.QueryExecModeExec).Scan(&inRecovery, &rep.ServerVersionNum); err != nil {
		return nil, fmt.Errorf("whatif: reading the server's state: %w", err)
	}
	if inRecovery {
		return nil, fmt.Errorf("whatif: %w; run it on a staging copy or a replica promoted for testing", ErrHotStandby)
	}
	if !opt.ConfirmedNotProduction {
		return nil, fmt.Errorf("whatif: %w: it builds each recommended index (rolled back after, but holding a lock that blocks writes to the table meanwhile) and runs the captured queries; confirm that this is a staging copy or a replica promoted for testing", ErrNotConfirmed)
	}

	m := &measurer{
		s:        &session{conn: conn, scsOn: conn.PgConn().ParameterStatus("standard_conforming_strings") == "on"},
		opt:      opt,
		rep:      rep,
		deadline: start.Add(opt.Budget),
		byFP:     make(map[string]*analyzer.QueryShape, len(w.Shapes)),
	}
	for _, sh := range w.Shapes {
		m.byFP[sh.Fingerprint] = sh
	}
	var total, denied int
	for i := range res.Recommendations {
		if res.Recommendations[i].Kind == advisor.KindCreateIndex {
			total++
		}
	}
	for i := range res.Recommendations {
		rec := &res.Recommendations[i]
		if rec.Kind != advisor.KindCreateIndex {
			continue
		}
		m.index++
		out, err := m.measure(ctx, rec, total)
		if err != nil {
			return nil, err
		}
		if out.denied {
			denied++
		}
		rep.Outcomes = append(rep.Outcomes, out.ExecOutcome)
		switch out.Verdict {
		case ExecKept:
			rep.Kept++
		case ExecRejected:
			rep.Rejected++
		default:
			rep.NotMeasured++
		}
	}
	if denied > 0 && denied == total {
		var role string
		_ = conn.QueryRow(ctx, tag+"SELECT current_user::text", pgx.QueryExecModeExec).Scan(&role)
		return nil, fmt.Errorf("whatif: %w: role %q; only a table's owner (or a member of its owning role) may build an index on it: connect as the owner of the tables", ErrCannotCreateIndex, role)
	}
	if opt.Prune {
		rep.Pruned = rejectExecuted(res, rep.Outcomes)
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// measurer holds one Execute run's state.
type measurer struct {
	s        *session
	opt      ExecuteOptions
	rep      *ExecReport
	deadline time.Time
	byFP     map[string]*analyzer.QueryShape
	index    int // 1-based number of the index being measured
}

// outcome is an ExecOutcome with what Execute needs besides.
type outcome struct {
	ExecOutcome
	// denied: CREATE INDEX failed with SQLSTATE 42501.
	denied bool
}

// sample is one logged execution of a served query, as it is run.
type sample struct {
	q *query
	// stmt is the prepared statement's name when q has parameters.
	stmt string
	// before and after are the measured ms of each side (warm-up left
	// out); timedOut marks a side that exceeded the statement timeout.
	before, after               []float64
	beforeTimeout, afterTimeout bool
	uses                        bool
	// failed says why the sample could not be measured.
	failed string
}

// served is one query an index serves.
type served struct {
	shape   *analyzer.QueryShape
	samples []*sample
	// skip says why the query cannot be run at all.
	skip string
}

// Lock and timeout SQLSTATEs.
const (
	codeLockNotAvailable = "55P03"
	codeQueryCanceled    = "57014"
	codeInsufficientPriv = "42501"
)

// measure builds one index in a transaction, measures its queries and rolls
// back.
func (m *measurer) measure(ctx context.Context, rec *advisor.Recommendation, total int) (out outcome, err error) {
	out = outcome{ExecOutcome: ExecOutcome{Table: rec.Table, Index: rec.Index.Name, Verdict: ExecNotMeasured}}
	tree, ix, err := plainIndexStmt(rec.DDL)
	if err != nil {
		out.Note = fmt.Sprintf("its DDL could not be read: %v", err)
		return out, nil
	}
	if out.DDL, err = pg_query.Deparse(tree); err != nil {
		out.Note = fmt.Sprintf("its DDL could not be written back: %v", err)
		return out, nil
	}
	queries := m.servedQueries(rec)
	runnable := 0
	for _, sq := range queries {
		if sq.skip == "" {
			runnable++
		}
	}
	defer func() {
		if out.Queries == nil {
			out.Queries = notMeasured(queries)
		}
	}()
	if ix.Idxname == "" {
		out.Note = "its DDL names no index"
		return out, nil
	}
	if runnable == 0 {
		out.Note = "none of the queries it serves can be run here"
		if len(queries) > 0 {
			out.Note += ": " + queries[0].skip
		}
		return out, nil
	}
	if m.rep.BudgetExhausted || time.Until(m.deadline) < time.Second {
		m.rep.BudgetExhausted = true
		out.Note = fmt.Sprintf("the time budget (%s) ran out before it was measured", m.opt.Budget)
		return out, nil
	}
	m.progress(rec.Index.Name, total, "building")

	// One transaction per index, always rolled back.
	if err := m.exec(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ WRITE"); err != nil {
		return out, fmt.Errorf("whatif: BEGIN: %w", err)
	}
	var prepared []string
	defer func() {
		m.rollback(ctx)
		for _, name := range prepared {
			_ = m.exec(ctx, "DEALLOCATE "+name)
		}
	}()
	if err := m.exec(ctx, fmt.Sprintf("SET LOCAL lock_timeout = %d; SET LOCAL statement_timeout = %d",
		m.opt.LockTimeout.Milliseconds(), max(time.Until(m.deadline).Milliseconds(), 1))); err != nil {
		return out, fmt.Errorf("whatif: setting the timeouts: %w", err)
	}
	built := time.Now()
	if _, err := m.s.run(ctx, out.DDL); err != nil {
		if fatal(ctx, m.s.conn, err) {
			return out, fmt.Errorf("whatif: building %s: %w", rec.Index.Name, err)
		}
		out.Note, out.denied = m.buildFailure(rec, err)
		return out, nil
	}
	out.BuildMS = msSince(built)

	// The built index, by a name that resolves in this session; the names
	// plans show for it (on a partitioned table, those of the partitions'
	// indexes); and whether the planner may use it in this transaction at
	// all.
	var regName string
	var names []string
	var checkXmin bool
	if err := m.s.conn.QueryRow(ctx, tag+`SELECT i.indexrelid::regclass::text,
		  ARRAY(SELECT pc.relname::text FROM pg_catalog.pg_partition_tree(i.indexrelid) p JOIN pg_catalog.pg_class pc ON pc.oid = p.relid
		        UNION SELECT c.relname::text),
		  i.indcheckxmin OR EXISTS (SELECT 1 FROM pg_catalog.pg_partition_tree(i.indexrelid) p JOIN pg_catalog.pg_index pi ON pi.indexrelid = p.relid WHERE pi.indcheckxmin)
		FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid = $1::regclass AND c.relname = $2`, pgx.QueryExecModeExec,
		rangeVarName(ix.Relation), ix.Idxname).Scan(&regName, &names, &checkXmin); err != nil {
		return out, fmt.Errorf("whatif: finding the index %s just built: %w", rec.Index.Name, err)
	}
	if checkXmin {
		// pg_index.indcheckxmin: the build met HOT chains that older
		// snapshots may still see, and the planner ignores the index until
		// the transaction that built it is older than every snapshot: never
		// within it.
		out.Note = "PostgreSQL will not use the index in the transaction that builds it here (pg_index.indcheckxmin: the table has recently HOT-updated rows); VACUUM the table on this copy and run again"
		return out, nil
	}
	if err := m.exec(ctx, "SET LOCAL plan_cache_mode = force_custom_plan"); err != nil {
		return out, fmt.Errorf("whatif: setting plan_cache_mode: %w", err)
	}
	for _, sq := range queries {
		for _, sm := range sq.samples {
			if sm.q.method != MethodSampleParams {
				continue
			}
			sm.stmt = "pgadvise_exec_" + strconv.Itoa(len(prepared)+1)
			err := m.savepoint(ctx, "", func() error {
				_, err := m.s.run(ctx, "PREPARE "+sm.stmt+" AS "+sm.q.text)
				return err
			})
			if err != nil {
				if fatal(ctx, m.s.conn, err) {
					return out, fmt.Errorf("whatif: preparing %s: %w", sq.shape.Fingerprint, err)
				}
				sm.failed = fmt.Sprintf("it could not be prepared: %v", err)
				continue
			}
			prepared = append(prepared, sm.stmt)
		}
	}

	// Warm-up round 0, then the measured rounds. Within a round the sides
	// alternate per sample, and which goes first rotates by round and by
	// sample: a cache that warms during the round favours neither side.
	item := 0
	for round := 0; round <= m.opt.Rounds; round++ {
		for _, sq := range queries {
			for _, sm := range sq.samples {
				item++
				if sm.failed != "" {
					continue
				}
				m.progress(rec.Index.Name, total, fmt.Sprintf("round %d of %d, query %s", round, m.opt.Rounds, sq.shape.Fingerprint))
				withFirst := (round+item)%2 == 1
				for _, with := range []bool{withFirst, !withFirst} {
					if err := m.run(ctx, sm, regName, names, with, round == 0); err != nil {
						return out, err
					}
					if m.rep.BudgetExhausted {
						out.Note = fmt.Sprintf("the time budget (%s) ran out during round %d of %d", m.opt.Budget, round, m.opt.Rounds)
						return out, nil
					}
				}
			}
		}
	}
	out.Queries = timings(queries, m.opt.StatementTimeout)
	out.Verdict, out.Note, out.MSBefore, out.MSAfter = execVerdict(out.Queries)
	return out, nil
}

// servedQueries lists the queries rec serves, in its order, with the
// samples to run.
func (m *measurer) servedQueries(rec *advisor.Recommendation) []*served {
	var out []*served
	seen := map[string]bool{}
	for _, fp := range rec.Queries {
		sh := m.byFP[fp]
		if sh == nil || seen[fp] {
			continue
		}
		seen[fp] = true
		sq := &served{shape: sh}
		for _, q := range sampleQueries(sh, m.s.scsOn) {
			switch {
			case q.skip != "":
				sq.skip = q.skip
			case q.method == MethodGeneric:
				sq.skip = "its $n parameters have no logged values to run it with"
			default:
				sq.samples = append(sq.samples, &sample{q: q})
			}
		}
		if len(sq.samples) > 0 {
			sq.skip = ""
		}
		out = append(out, sq)
	}
	return out
}

// sampleQueries is each logged execution of a shape the analyzer kept (its
// sample and the others with other values), as Verify would explain it.
func sampleQueries(sh *analyzer.QueryShape, scsOn bool) []*query {
	out := []*query{newQuery(sh, scsOn)}
	for _, o := range sh.OtherSamples {
		other := *sh
		other.SampleQuery, other.SampleParams = o.Query, o.Params
		q := newQuery(&other, scsOn)
		q.shape = sh
		out = append(out, q)
	}
	return out
}

// run measures one run of one side. A failure of the sample is recorded on
// it; only a failure of the session is returned.
func (m *measurer) run(ctx context.Context, sm *sample, regName string, names []string, with, warmUp bool) error {
	left := time.Until(m.deadline)
	if left < 10*time.Millisecond {
		m.rep.BudgetExhausted = true
		return nil
	}
	if with && sm.afterTimeout || !with && sm.beforeTimeout {
		return nil // it ran into the timeout once: once is enough
	}
	timeout := min(m.opt.StatementTimeout, left)
	setup := fmt.Sprintf("SET LOCAL statement_timeout = %d", max(timeout.Milliseconds(), 1))
	if !with {
		setup += "; DROP INDEX " + regName
	}
	var doc []byte
	err := m.savepoint(ctx, setup, func() error {
		m.rep.Runs++
		sql := "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) "
		if sm.stmt == "" {
			sql += sm.q.text
		} else {
			sql += "EXECUTE " + sm.stmt + "(" + strings.Join(sm.q.args, ", ") + ")"
		}
		res, err := m.s.run(ctx, sql)
		if err != nil {
			return err
		}
		if len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
			return fmt.Errorf("EXPLAIN returned %d rows", len(res.Rows))
		}
		doc = res.Rows[0][0]
		return nil
	})
	if err != nil {
		if fatal(ctx, m.s.conn, err) {
			return fmt.Errorf("whatif: measuring %s: %w", sm.q.shape.Fingerprint, err)
		}
		var pe *pgconn.PgError
		errors.As(err, &pe)
		switch {
		case pe.Code == codeQueryCanceled && timeout < m.opt.StatementTimeout:
			m.rep.BudgetExhausted = true
		case pe.Code == codeQueryCanceled:
			if with {
				sm.afterTimeout = true
			} else {
				sm.beforeTimeout = true
			}
		case pe.Code == codeLockNotAvailable:
			sm.failed = fmt.Sprintf("a lock it needed was not granted within %s (the table is busy)", m.opt.LockTimeout)
		default:
			sm.failed = err.Error()
		}
		return nil
	}
	ms, p, err := decodeAnalyzed(doc)
	if err != nil {
		sm.failed = err.Error()
		return nil
	}
	for _, n := range p.indexes {
		// Plans name indexes without their schema.
		if with && slices.Contains(names, n) {
			sm.uses = true
		}
	}
	if warmUp {
		return nil
	}
	if with {
		sm.after = append(sm.after, ms)
	} else {
		sm.before = append(sm.before, ms)
	}
	return nil
}

// savepoint runs setup (statements of pgadvise's own, may be "") and fn in
// a savepoint that it rolls back after: whatever they did is undone, and a
// failure leaves the transaction usable.
func (m *measurer) savepoint(ctx context.Context, setup string, fn func() error) error {
	sql := "SAVEPOINT pgadvise_run"
	if setup != "" {
		sql += "; " + setup
	}
	err := m.exec(ctx, sql)
	if err == nil {
		err = fn()
	}
	if rerr := m.exec(ctx, "ROLLBACK TO SAVEPOINT pgadvise_run; RELEASE SAVEPOINT pgadvise_run"); rerr != nil && err == nil {
		err = rerr
	}
	return err
}

// exec runs statements of pgadvise's own (never captured text) through the
// simple query protocol.
func (m *measurer) exec(ctx context.Context, sql string) error {
	_, err := m.s.conn.PgConn().Exec(ctx, tag+sql).ReadAll()
	return err
}

// rollback ends the index's transaction, even when ctx is done.
func (m *measurer) rollback(ctx context.Context) {
	if m.s.conn.IsClosed() {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := m.s.conn.PgConn().Exec(ctx, "ROLLBACK").ReadAll(); err != nil {
		// The transaction cannot be ended: close the connection, which
		// ends it on the server.
		_ = m.s.conn.Close(ctx)
	}
}

// buildFailure says why CREATE INDEX failed; denied reports SQLSTATE 42501.
func (m *measurer) buildFailure(rec *advisor.Recommendation, err error) (note string, denied bool) {
	var pe *pgconn.PgError
	errors.As(err, &pe)
	switch pe.Code {
	case codeLockNotAvailable:
		return fmt.Sprintf("its table %s is busy: the lock to build the index was not granted within %s, so it was skipped", rec.Table, m.opt.LockTimeout), false
	case codeQueryCanceled:
		m.rep.BudgetExhausted = true
		return fmt.Sprintf("building it did not finish within the time budget (%s)", m.opt.Budget), false
	case codeInsufficientPriv:
		return fmt.Sprintf("the role may not build it (SQLSTATE 42501: %s); connect as the owner of %s", pe.Message, rec.Table), true
	}
	return fmt.Sprintf("CREATE INDEX failed: %v", err), false
}

// progress reports the step on the status line.
func (m *measurer) progress(index string, total int, step string) {
	if m.opt.Progress == nil {
		return
	}
	left := time.Until(m.deadline).Round(time.Second)
	m.opt.Progress(fmt.Sprintf("measuring index %d of %d, %s: %s · %s of the budget left", m.index, total, index, step, max(left, 0)))
}

// rangeVarName is a table reference as regclass reads it.
func rangeVarName(rv *pg_query.RangeVar) string {
	if rv.GetSchemaname() == "" {
		return catalog.QuoteIdent(rv.GetRelname())
	}
	return catalog.QualifiedName{Schema: rv.GetSchemaname(), Name: rv.GetRelname()}.String()
}

// decodeAnalyzed reads EXPLAIN (ANALYZE, FORMAT JSON)'s "Execution Time" (ms)
// and the plan's indexes.
func decodeAnalyzed(doc []byte) (float64, plan, error) {
	var out []struct {
		ExecutionTime *float64 `json:"Execution Time"`
	}
	if err := json.Unmarshal(doc, &out); err != nil {
		return 0, plan{}, fmt.Errorf("reading the EXPLAIN ANALYZE output: %w", err)
	}
	if len(out) != 1 || out[0].ExecutionTime == nil {
		return 0, plan{}, errors.New("reading the EXPLAIN ANALYZE output: no execution time")
	}
	p, err := decodePlan(doc)
	return *out[0].ExecutionTime, p, err
}

// notMeasured lists the queries of an index that was not measured, each
// with why it could not be run, or a pointer to the index's note.
func notMeasured(queries []*served) []QueryTiming {
	out := make([]QueryTiming, 0, len(queries))
	for _, sq := range queries {
		why := sq.skip
		if why == "" {
			why = "the index was not measured (see its note)"
		}
		out = append(out, QueryTiming{Fingerprint: sq.shape.Fingerprint, Calls: sq.shape.Calls, NotMeasured: why})
	}
	return out
}

// timings turns the samples' runs into per-query figures. A side that
// exceeded the statement timeout counts at the timeout.
func timings(queries []*served, timeout time.Duration) []QueryTiming {
	timeoutMS := float64(timeout.Milliseconds())
	out := make([]QueryTiming, 0, len(queries))
	for _, sq := range queries {
		qt := QueryTiming{Fingerprint: sq.shape.Fingerprint, Calls: sq.shape.Calls, NotMeasured: sq.skip}
		var failed string
		for _, sm := range sq.samples {
			before, bok := sideTime(sm.before, sm.beforeTimeout, timeoutMS)
			after, aok := sideTime(sm.after, sm.afterTimeout, timeoutMS)
			switch {
			case sm.failed != "":
				failed = sm.failed
				continue
			case sm.beforeTimeout && sm.afterTimeout:
				failed = "it exceeded the statement timeout with and without the index"
				continue
			case !bok || !aok:
				failed = "it was not run on both sides"
				continue
			}
			qt.Samples++
			qt.Runs = max(qt.Runs, min(len(sm.before), len(sm.after)))
			qt.MSBefore += before
			qt.MSAfter += after
			qt.BeforeTimedOut = qt.BeforeTimedOut || sm.beforeTimeout
			qt.AfterTimedOut = qt.AfterTimedOut || sm.afterTimeout
			qt.UsesIndex = qt.UsesIndex || sm.uses
		}
		if qt.Samples > 0 {
			qt.MSBefore = round3(qt.MSBefore / float64(qt.Samples))
			qt.MSAfter = round3(qt.MSAfter / float64(qt.Samples))
		} else if qt.NotMeasured == "" {
			qt.NotMeasured = failed
			if qt.NotMeasured == "" {
				qt.NotMeasured = "it was not measured"
			}
		}
		out = append(out, qt)
	}
	return out
}

// sideTime is the median of one side's runs, or timeoutMS for a side that
// timed out; ok is false when there is neither.
func sideTime(runs []float64, timedOut bool, timeoutMS float64) (float64, bool) {
	if timedOut {
		return timeoutMS, true
	}
	if len(runs) == 0 {
		return 0, false
	}
	s := slices.Clone(runs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2], true
	}
	return (s[n/2-1] + s[n/2]) / 2, true
}

// execVerdict decides on an index from its queries' timings. A side that
// timed out counts at the statement timeout (its time is at least that); the
// figures then say so.
func execVerdict(qs []QueryTiming) (ExecVerdict, string, float64, float64) {
	var before, after float64
	measured, used := 0, 0
	var slower []string
	var notMeasured []string
	for _, q := range qs {
		if q.NotMeasured != "" {
			notMeasured = append(notMeasured, q.Fingerprint+" ("+q.NotMeasured+")")
			continue
		}
		measured++
		if q.UsesIndex {
			used++
		}
		calls := float64(max(q.Calls, 1))
		before += calls * q.MSBefore
		after += calls * q.MSAfter
		if q.AfterTimedOut && !q.BeforeTimedOut ||
			q.MSAfter > q.MSBefore*(1+MaxMeasuredRegression) && q.MSAfter-q.MSBefore >= measureNoiseMS {
			slower = append(slower, fmt.Sprintf("%s %s → %s (%s)", q.Fingerprint, msText(q.MSBefore, q.BeforeTimedOut), msText(q.MSAfter, q.AfterTimedOut), percentChange(q.MSBefore, q.MSAfter)))
		}
	}
	before, after = round3(before), round3(after)
	if measured == 0 {
		return ExecNotMeasured, "none of the queries it serves could be measured: " + strings.Join(notMeasured, "; "), 0, 0
	}
	sum := fmt.Sprintf("the %s it serves took %s → %s ms in sum, each at its median time weighted by its calls (%s)",
		plural(measured, "query", "queries"), formatMS(before), formatMS(after), percentChange(before, after))
	var v ExecVerdict
	var note string
	switch {
	case len(slower) > 0:
		v = ExecRejected
		note = fmt.Sprintf("Measured slower: with it, %s got more than %.0f%% slower (%s); %s.",
			plural(len(slower), "query", "queries"), 100*MaxMeasuredRegression, strings.Join(slower, ", "), sum)
	case used == 0:
		v = ExecRejected
		note = fmt.Sprintf("Built for real, it is not used: the planner keeps its plans without it for the %s it serves; %s.", plural(measured, "query", "queries"), sum)
	case after > before*(1-MinMeasuredGain):
		v = ExecRejected
		note = fmt.Sprintf("Not measurably faster: %s, less than the %.0f%% an index must save.", sum, 100*MinMeasuredGain)
	default:
		v = ExecKept
		note = fmt.Sprintf("Measured faster: %s, and none of them is slower.", sum)
	}
	if len(notMeasured) > 0 {
		note += " Not measured: " + strings.Join(notMeasured, "; ") + "."
	}
	return v, note, before, after
}

// rejectExecuted moves the rejected create_index recommendations to
// res.Rejected, with the drops that depended on them, and returns their
// index names.
func rejectExecuted(res *advisor.Result, outcomes []ExecOutcome) []string {
	gone := map[string]string{}
	for _, o := range outcomes {
		if o.Verdict == ExecRejected {
			gone[o.Index] = o.Note
		}
	}
	return res.RejectIndexes(gone, "Rejected by measured execution: ", "which measured execution rejected")
}

// msText writes a measured time with its unit; a side that timed out took
// at least the timeout.
func msText(ms float64, timedOut bool) string {
	if timedOut {
		return "≥ " + formatMS(ms) + " ms (timed out)"
	}
	return formatMS(ms) + " ms"
}

// formatMS writes milliseconds briefly: 0.042, 12.3, 1,234.
func formatMS(ms float64) string {
	switch a := math.Abs(ms); {
	case a >= 1000:
		return strconv.FormatFloat(ms, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(ms, 'f', 1, 64)
	case a >= 0.1:
		return strconv.FormatFloat(ms, 'f', 2, 64)
	default:
		return strconv.FormatFloat(ms, 'f', 3, 64)
	}
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func msSince(t time.Time) float64 { return round3(float64(time.Since(t).Microseconds()) / 1000) }
