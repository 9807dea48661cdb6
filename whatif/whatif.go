// Package whatif checks index recommendations with PostgreSQL's own planner,
// through HypoPG hypothetical indexes.
//
// For each create_index recommendation, Verify creates the index as a HypoPG
// hypothetical index in the backend of the connection it is given (nothing is
// written: the index exists only in that backend's memory), EXPLAINs the query
// shapes the recommendation serves with and without it, and records whether
// the planner uses it and what it does to their cost. A final pass creates all
// the verified indexes together and EXPLAINs the whole workload, for its
// planner cost before and after: summed over the queries explained both
// times only, with those that could not be (a lock held past lock_timeout,
// an error) counted and listed apart, so that a partial figure never passes
// for the whole.
//
// The connection can, and should, be read-only
// (default_transaction_read_only=on): HypoPG's functions, PREPARE, SET and a
// plain EXPLAIN are not writes. Verify never runs EXPLAIN ANALYZE, never
// creates an extension, and checks that HypoPG is installed in the database
// instead. If the server keeps hypopg.enabled off, Verify turns it on for its
// session (the planner would ignore every hypothetical index) and back off
// after. Unqualified table names resolve in the session's search_path: connect
// as the application's role, or one with the same search_path.
//
// # Placeholders
//
// A shape's sample text with literal values is explained as it is. A text
// with $n placeholders (extended-protocol logs, pg_stat_statements) is
// prepared, PREPARE pgadvise_whatif AS <text>, which types the parameters
// from their context, and then
//
//   - with the logged parameter values, when the capture has them for every
//     $n: SET plan_cache_mode = force_custom_plan and
//     EXPLAIN EXECUTE pgadvise_whatif('v1', ...): the plan for those values;
//   - otherwise: SET plan_cache_mode = force_generic_plan and
//     EXPLAIN EXECUTE pgadvise_whatif(NULL, ...): the generic plan, which does
//     not depend on the values (measured on PostgreSQL 15: the plan shows
//     "tenant_id = $1" and the same costs for NULL and for 5, whereas a custom
//     plan for NULL folds "tenant_id = NULL" into "One-Time Filter: false").
//
// The statement is prepared afresh for every EXPLAIN and deallocated after
// it, since HypoPG does not invalidate cached plans, and plan_cache_mode is
// restored at the end. The same path serves PostgreSQL 16 and later, where
// EXPLAIN (GENERIC_PLAN) would be the shorter way: it gives the same plan, and
// every statement that carries captured text goes through the extended query
// protocol, on which the server refuses more than one command.
package whatif

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/catalog"
)

// ErrHypoPGMissing is wrapped by the error Verify returns when the database
// has no hypopg extension. The message says how to install it.
var ErrHypoPGMissing = errors.New("the hypopg extension is not installed in this database")

// Options tune Verify. The zero value verifies and changes nothing else.
type Options struct {
	// Prune moves the create_index recommendations the planner did not use
	// (status not_used) from res.Recommendations to res.Rejected, with the
	// planner's reason, together with the drop_index recommendations that
	// existed only because such an index superseded the index to drop.
	Prune bool
	// ShowValues keeps the server's error messages as they are. Without
	// it, what they quote becomes "…": a message such as `invalid input
	// syntax for type integer: "jane@example.com"` names a value of the
	// sample explained (see errorText).
	ShowValues bool
}

// Method says how a query's plan was obtained.
type Method string

// Plan methods.
const (
	// MethodLiteral: the sample text, with its literal values, explained as
	// it is.
	MethodLiteral Method = "literal"
	// MethodSampleParams: the sample text prepared and explained as a custom
	// plan for the logged parameter values.
	MethodSampleParams Method = "sample_params"
	// MethodGeneric: the text prepared and explained as a generic plan, for
	// placeholders whose values are not known.
	MethodGeneric Method = "generic"
)

// Report is what Verify found.
type Report struct {
	// Outcomes holds one entry per create_index recommendation, in the
	// order res.Recommendations had when Verify was called (pruned ones
	// included).
	Outcomes []Outcome
	// Queries holds each query shape Verify tried to explain, in workload
	// order: its cost without hypothetical indexes and with all verified
	// ones, or why it could not be explained.
	Queries []QueryCost
	// WorkloadCost and WorkloadCostAfter are Σ calls × planner total cost
	// over the measured shapes (status measured: explained both without
	// hypothetical indexes and with all verified recommendations as
	// hypothetical indexes at once), so that the two cover the same
	// queries.
	WorkloadCost, WorkloadCostAfter float64
	// Measured counts the shapes in those sums; LeftOut the shapes that
	// should have been explained but could not be, on one side or both (a
	// lock held past lock_timeout, an error): they are in neither sum, and
	// their QueryCost says why.
	Measured, LeftOut int
	// Explained counts the shapes whose baseline plan was obtained, Failed
	// those whose EXPLAIN failed, Skipped those not explained at all
	// (INSERT, COPY, utility statements, several statements in one text).
	Explained, Failed, Skipped int
	// Verified, NotUsed and Unverifiable count the outcomes by status.
	Verified, NotUsed, Unverifiable int
	// IndexCreations counts hypopg_create_index calls and Explains the
	// EXPLAINs run (baseline ones included): the what-if calls.
	IndexCreations, Explains int
	// Pruned names the recommendations Options.Prune moved to res.Rejected.
	Pruned []string
	// ServerVersionNum is the server's server_version_num (150008), and
	// HypoPGVersion the extension's version.
	ServerVersionNum int
	HypoPGVersion    string
	// Elapsed is how long Verify took.
	Elapsed time.Duration
}

// WhatIfCalls is the number of what-if calls Verify made: hypothetical index
// creations plus EXPLAINs.
func (r *Report) WhatIfCalls() int { return r.IndexCreations + r.Explains }

// Outcome is the planner's verdict on one create_index recommendation.
type Outcome struct {
	Table catalog.QualifiedName
	Index string
	// HypotheticalDDL is the statement given to hypopg_create_index: the
	// recommendation's DDL without CONCURRENTLY, IF NOT EXISTS and the name
	// ("" when none was given).
	HypotheticalDDL string
	// Verification is the verdict, also set on the recommendation.
	Verification *advisor.Verification
}

// QueryStatus says whether a query's cost was measured in the workload
// check.
type QueryStatus string

// Query statuses.
const (
	// QueryMeasured: explained without and with the verified indexes.
	QueryMeasured QueryStatus = "measured"
	// QuerySkipped: not explained by design (an INSERT, a utility
	// statement, a text that does not parse).
	QuerySkipped QueryStatus = "skipped"
	// QueryNotExplained: the EXPLAIN without hypothetical indexes failed.
	QueryNotExplained QueryStatus = "not_explained"
	// QueryNotExplainedAfter: explained without the indexes, but the
	// EXPLAIN with all verified indexes failed.
	QueryNotExplainedAfter QueryStatus = "not_explained_with_indexes"
)

// QueryCost is one query shape's planner cost in the workload check.
type QueryCost struct {
	Fingerprint string
	Calls       int64
	// Status says whether the costs were measured; Error or Skipped say
	// why not.
	Status QueryStatus
	// Method says how the plan was obtained ("" when it was not).
	Method Method
	// CostBefore is the plan's total cost without hypothetical indexes,
	// CostAfter with all verified recommendations.
	CostBefore, CostAfter float64
	// Uses names the recommended indexes the plan with all of them uses.
	Uses []string
	// Error is the server's error when the query could not be explained
	// (with its quoted values hidden unless Options.ShowValues).
	Error string
	// Skipped says why the query was not explained (e.g. an INSERT).
	Skipped string
}

// Verify checks each create_index recommendation with the planner: it creates
// the index as a HypoPG hypothetical index in this connection's backend
// (nothing is written), EXPLAINs every query shape the recommendation serves
// before and after, and fills rec.Verification. GIN, GiST and other methods
// HypoPG cannot simulate are marked unverifiable with a note. Other
// recommendation kinds are left as they are.
//
// conn must be a dedicated connection, idle (not inside a transaction); it
// may, and should, be read-only. Hypothetical indexes live in its backend
// only: Verify resets them before and after, and restores plan_cache_mode.
//
// Errors for one query (a table that does not exist here, a parameter whose
// type cannot be inferred, a lock held past lock_timeout) are recorded in its
// QueryVerification and QueryCost and do not stop the rest; what they quote
// is hidden unless opt.ShowValues. Verify returns an error only when
// verification cannot run at all: HypoPG missing (wrapping ErrHypoPGMissing,
// with how to install it), a connection that fails, a cancelled context. The
// caller then keeps the model's advice and says it was not verified; the
// create_index recommendations the run had not reached are marked
// unverifiable, saying so.
func Verify(ctx context.Context, conn *pgx.Conn, w *analyzer.Workload, res *advisor.Result, opt Options) (*Report, error) {
	start := time.Now()
	if conn == nil || conn.IsClosed() {
		return nil, errors.New("whatif: no open connection")
	}
	if st := conn.PgConn().TxStatus(); st != 'I' {
		return nil, fmt.Errorf("whatif: the connection is inside a transaction (status %q); verification needs an idle connection", st)
	}
	s := &session{conn: conn, showValues: opt.ShowValues}
	rep := &Report{}
	if err := s.open(ctx, rep); err != nil {
		return nil, err
	}
	err := run(ctx, s, w, res, opt, rep)
	if cerr := s.close(ctx); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		abandon(res, s.errorText(err))
		return nil, err
	}
	rep.IndexCreations, rep.Explains = s.creations, s.explains
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// run does the checks of an open session.
func run(ctx context.Context, s *session, w *analyzer.Workload, res *advisor.Result, opt Options, rep *Report) error {
	queries := make([]*query, 0, len(w.Shapes))
	byFP := make(map[string]*query, len(w.Shapes))
	for _, sh := range w.Shapes {
		q := newQuery(sh, s.scsOn)
		queries = append(queries, q)
		byFP[sh.Fingerprint] = q
	}

	// Baseline: each query once, without hypothetical indexes.
	for _, q := range queries {
		if q.skip != "" {
			rep.Skipped++
			continue
		}
		p, err := s.explain(ctx, q)
		if err != nil {
			if fatal(ctx, s.conn, err) {
				return fmt.Errorf("whatif: explaining %s: %w", q.shape.Fingerprint, err)
			}
			q.err = s.errorText(err)
			rep.Failed++
			continue
		}
		q.base = &p
		rep.Explained++
	}

	// Each create_index recommendation alone. The advisor never proposes a
	// candidate an existing index already serves (same method, predicate and
	// opclass, keys a prefix): that matters here, because a hypothetical
	// btree is charged no descent cost and a copy of an existing index would
	// look cheaper than the real one ("copies flatter"), a gain that is not
	// there. Verify relies on that exclusion and adds no gain of its own.
	var verified []*hypoIndex
	for i := range res.Recommendations {
		rec := &res.Recommendations[i]
		if rec.Kind != advisor.KindCreateIndex {
			continue
		}
		out, h, err := verifyOne(ctx, s, rec, byFP)
		if err != nil {
			return err
		}
		rec.Verification = out.Verification
		rep.Outcomes = append(rep.Outcomes, out)
		switch out.Verification.Status {
		case advisor.Verified:
			rep.Verified++
			verified = append(verified, h)
		case advisor.NotUsed:
			rep.NotUsed++
		default:
			rep.Unverifiable++
		}
	}

	// All verified indexes together, over the whole workload.
	if err := workloadCheck(ctx, s, queries, verified, rep); err != nil {
		return err
	}
	if opt.Prune {
		rep.Pruned = prune(res)
	}
	return nil
}

// verifyOne checks one create_index recommendation. It returns the
// hypothetical DDL (in h) for the combined check.
func verifyOne(ctx context.Context, s *session, rec *advisor.Recommendation, byFP map[string]*query) (Outcome, *hypoIndex, error) {
	v := &advisor.Verification{}
	out := Outcome{Table: rec.Table, Index: rec.Index.Name, Verification: v}
	ddl, method, err := hypotheticalDDL(rec.DDL)
	if err != nil {
		v.Status, v.Note = advisor.Unverifiable, fmt.Sprintf("its DDL could not be read: %s", s.errorText(err))
		return out, nil, nil
	}
	out.HypotheticalDDL = ddl
	if unsupportedMethod(method) {
		v.Status = advisor.Unverifiable
		v.Note = fmt.Sprintf("HypoPG cannot simulate %s indexes, so the planner was not asked; the estimate is the cost model's alone.", method)
		return out, nil, nil
	}

	// The served queries whose baseline plan is known.
	var served []*query
	seen := map[string]bool{}
	var firstErr, firstSkip string
	for _, fp := range rec.Queries {
		q := byFP[fp]
		if q == nil || seen[fp] {
			continue
		}
		seen[fp] = true
		switch {
		case q.skip != "":
			if firstSkip == "" {
				firstSkip = q.skip
			}
		case q.base == nil:
			v.Queries = append(v.Queries, advisor.QueryVerification{Fingerprint: fp, Error: q.err})
			if firstErr == "" {
				firstErr = q.err
			}
		default:
			served = append(served, q)
		}
	}
	if len(served) == 0 {
		v.Status = advisor.Unverifiable
		switch {
		case firstErr != "":
			v.Note = fmt.Sprintf("none of the queries it serves could be explained here: %s", firstErr)
		case firstSkip != "":
			v.Note = fmt.Sprintf("none of the queries it serves can be explained: %s", firstSkip)
		default:
			v.Note = "none of the queries it serves is in the workload"
		}
		return out, nil, nil
	}

	h, err := s.create(ctx, ddl)
	if err != nil {
		if fatal(ctx, s.conn, err) {
			return out, nil, fmt.Errorf("whatif: creating hypothetical index %s: %w", rec.Index.Name, err)
		}
		v.Status, v.Note = advisor.Unverifiable, fmt.Sprintf("HypoPG could not create it: %s", s.errorText(err))
		return out, nil, nil
	}
	h.rec = rec.Index.Name
	used, explained := 0, 0
	for _, q := range served {
		qv := advisor.QueryVerification{Fingerprint: q.shape.Fingerprint, CostBefore: q.base.cost}
		p, err := s.explain(ctx, q)
		if err != nil {
			if fatal(ctx, s.conn, err) {
				return out, nil, fmt.Errorf("whatif: explaining %s with %s: %w", q.shape.Fingerprint, rec.Index.Name, err)
			}
			qv.Error = s.errorText(err)
			v.Queries = append(v.Queries, qv)
			continue
		}
		explained++
		qv.CostAfter = p.cost
		qv.UsesIndex = p.uses(h.oid)
		if qv.UsesIndex {
			used++
		}
		v.CostBefore += qv.CostBefore
		v.CostAfter += qv.CostAfter
		v.Queries = append(v.Queries, qv)
	}
	if err := s.drop(ctx, h); err != nil {
		return out, nil, err
	}
	switch {
	case explained == 0:
		v.Status = advisor.Unverifiable
		v.Note = "no query it serves could be explained with it"
	case used > 0 && v.CostAfter < v.CostBefore:
		v.Status = advisor.Verified
		v.Note = fmt.Sprintf("The planner uses it for %d of %s; their summed cost goes from %s to %s (%s).",
			used, plural(explained, "query", "queries"), formatCost(v.CostBefore), formatCost(v.CostAfter), percentChange(v.CostBefore, v.CostAfter))
	case used > 0:
		v.Status = advisor.NotUsed
		v.Note = fmt.Sprintf("The planner uses it for %d of %s, but their summed cost does not drop (%s to %s).",
			used, plural(explained, "query", "queries"), formatCost(v.CostBefore), formatCost(v.CostAfter))
	default:
		v.Status = advisor.NotUsed
		v.Note = fmt.Sprintf("The planner keeps its plans without it for the %s it serves: it estimates the current access paths as cheaper.", plural(explained, "query", "queries"))
	}
	if v.Status != advisor.Verified {
		h = nil
	}
	return out, h, nil
}

// workloadCheck explains every explained query again with all verified
// indexes as hypothetical indexes at once, and sums the workload's cost.
func workloadCheck(ctx context.Context, s *session, queries []*query, verified []*hypoIndex, rep *Report) error {
	var live []*hypoIndex
	for _, h := range verified {
		nh, err := s.create(ctx, h.ddl)
		if err != nil {
			if fatal(ctx, s.conn, err) {
				return fmt.Errorf("whatif: creating hypothetical index %s: %w", h.rec, err)
			}
			continue // it was created a moment ago; cannot happen in practice
		}
		nh.rec = h.rec
		live = append(live, nh)
	}
	for _, q := range queries {
		qc := QueryCost{Fingerprint: q.shape.Fingerprint, Calls: q.shape.Calls, Skipped: q.skip, Error: q.err}
		switch {
		case q.skip != "":
			qc.Status = QuerySkipped
		case q.base == nil:
			qc.Status = QueryNotExplained
		default:
			qc.Status = QueryMeasured
			qc.Method = q.method
			qc.CostBefore, qc.CostAfter = q.base.cost, q.base.cost
			if len(live) > 0 {
				p, err := s.explain(ctx, q)
				switch {
				case err == nil:
					qc.CostAfter = p.cost
					for _, h := range live {
						if p.uses(h.oid) {
							qc.Uses = append(qc.Uses, h.rec)
						}
					}
				case fatal(ctx, s.conn, err):
					return fmt.Errorf("whatif: explaining %s with all verified indexes: %w", q.shape.Fingerprint, err)
				default:
					// Left out of both sums: its cost before alone
					// would count as unchanged.
					qc.Status, qc.Error, qc.CostAfter = QueryNotExplainedAfter, s.errorText(err), 0
				}
			}
		}
		if qc.Status == QueryMeasured {
			calls := float64(q.shape.Calls)
			rep.WorkloadCost += calls * qc.CostBefore
			rep.WorkloadCostAfter += calls * qc.CostAfter
			rep.Measured++
		} else if qc.Status != QuerySkipped {
			rep.LeftOut++
		}
		rep.Queries = append(rep.Queries, qc)
	}
	for _, h := range live {
		if err := s.drop(ctx, h); err != nil {
			return err
		}
	}
	return nil
}

// abandon marks the create_index recommendations the session did not reach
// before err ended it as unverifiable, so that none is left looking checked
// or silently unchecked.
func abandon(res *advisor.Result, why string) {
	for i := range res.Recommendations {
		rec := &res.Recommendations[i]
		if rec.Kind == advisor.KindCreateIndex && rec.Verification == nil {
			rec.Verification = &advisor.Verification{Status: advisor.Unverifiable,
				Note: "the planner check ended before it was checked: " + why}
		}
	}
}

// prune moves the not_used create_index recommendations to res.Rejected, with
// the drops that depended on them, and returns their index names.
func prune(res *advisor.Result) []string {
	gone := map[string]string{}
	for _, r := range res.Recommendations {
		if r.Kind == advisor.KindCreateIndex && r.Verification != nil && r.Verification.Status == advisor.NotUsed {
			gone[r.Index.Name] = r.Verification.Note
		}
	}
	return res.RejectIndexes(gone, "Not used by the planner: ", "which the planner did not use")
}
