package pipeline

// Checking the advice against the database: the planner's check (HypoPG,
// read-only) and measured execution (each index built in a transaction
// rolled back).

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/safetext"
	"github.com/pgadvise/pgadvise/report"
	"github.com/pgadvise/pgadvise/whatif"
)

// verify asks the planner about each recommended index (VerifyPlanner):
// the ones it would not use move to the rejected list (unless
// KeepNotUsed). Without HypoPG the advice stays the model's, and the report
// says so.
//
// A query the planner could not explain (a lock held past lock_timeout, an
// error) is listed, and left out of both planner costs; the status is then
// "partial", and "unavailable" when nothing could be verified.
func (r *runner) verify(ctx context.Context, w *analyzer.Workload, res *advisor.Result) (*report.VerificationSummary, *whatif.Report) {
	conn := r.db.conn
	if r.cfg.Verify != VerifyPlanner || conn == nil {
		return nil, nil
	}
	rep, err := whatif.Verify(ctx, conn, w, res, whatif.Options{Prune: !r.cfg.KeepNotUsed, ShowValues: r.cfg.ShowValues})
	// Every drop is checked too: an index the planner uses is not dropped.
	// That needs no HypoPG, so it runs whatever Verify said.
	drops, derr := whatif.CheckDrops(ctx, conn, w, res)
	if derr != nil {
		fmt.Fprintf(r.msg, "pgadvise: --verify: checking the drops: %s; they are the cost model's alone\n", safetext.Line(derr.Error()))
	}
	if err != nil {
		fmt.Fprintf(r.msg, "pgadvise: --verify: %s; the advice is the cost model's alone\n", safetext.Line(err.Error()))
		return &report.VerificationSummary{Status: "unavailable", Note: err.Error()}, nil
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
		return sum, rep
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
	fmt.Fprintf(r.msg, "pgadvise: --verify: %d of %d queries could not be explained (first: %s); they are left out of the planner's costs\n",
		rep.LeftOut, rep.LeftOut+rep.Measured, safetext.Line(sum.Unmeasured[0].Reason))
	return sum, rep
}

// executed is what measured execution produced, to put in the report.
type executed struct {
	summary *report.ExecutionSummary
	byIndex map[string]*report.Execution
}

// execute measures each recommended index (VerifyExecute) on a connection
// of its own, the only one pgadvise writes through. The rejected ones move
// to the rejected list. On a failure the advice stays the model's, and the
// report says it was not measured.
func (r *runner) execute(ctx context.Context, w *analyzer.Workload, res *advisor.Result) *executed {
	if r.cfg.Verify != VerifyExecute || r.db.conn == nil || r.db.live == nil {
		return nil
	}
	e, prog := r.cfg.Execute, r.cfg.Progress
	opt := whatif.ExecuteOptions{ConfirmedNotProduction: e.ConfirmedNotProduction, StatementTimeout: e.StatementTimeout, Budget: e.Budget, Prune: true}
	out := &executed{summary: &report.ExecutionSummary{Status: "unavailable", Rounds: whatif.DefaultExecRounds,
		MinGain: whatif.MinMeasuredGain, MaxRegression: whatif.MaxMeasuredRegression,
		StatementTimeoutMS: float64(e.StatementTimeout.Milliseconds()), BudgetMS: float64(e.Budget.Milliseconds())}}
	clearLine := func() {
		if prog != nil {
			prog.Clear()
		}
	}
	fail := func(err error) *executed {
		clearLine()
		fmt.Fprintf(r.msg, "pgadvise: --verify=execute: %s; the advice is the cost model's alone, not measured\n", safetext.Line(err.Error()))
		out.summary.Note = err.Error()
		return out
	}
	n := 0
	for _, rec := range res.Recommendations {
		if rec.Kind == advisor.KindCreateIndex {
			n++
		}
	}
	fmt.Fprintf(r.msg, "pgadvise: --verify=execute: measuring %d recommended index(es) on database %q, each built in a transaction that is rolled back (budget %s)\n",
		n, r.db.facts.database, e.Budget)
	conn, err := catalog.ConnectWritable(ctx, r.db.live.DSN, catalog.ConnectOptions{StatementTimeout: r.db.live.StatementTimeout})
	if err != nil {
		return fail(err)
	}
	defer conn.Close(ctx)
	if prog != nil {
		opt.Progress = prog.Status
	}
	rep, err := whatif.Execute(ctx, conn, w, res, opt)
	clearLine()
	if err != nil {
		return fail(err)
	}
	s := out.summary
	s.Status, s.Kept, s.Rejected, s.NotMeasured, s.Runs, s.Rounds = "done", rep.Kept, rep.Rejected, rep.NotMeasured, rep.Runs, rep.Rounds
	s.ElapsedMS, s.BudgetExhausted, s.Pruned = float64(rep.Elapsed.Milliseconds()), rep.BudgetExhausted, rep.Pruned
	fmt.Fprintf(r.msg, "pgadvise: --verify=execute: %d kept, %d rejected, %d not measured; %d EXPLAIN ANALYZE runs in %s; every index rolled back\n",
		rep.Kept, rep.Rejected, rep.NotMeasured, rep.Runs, rep.Elapsed.Round(100*time.Millisecond))
	if rep.BudgetExhausted {
		fmt.Fprintf(r.msg, "pgadvise: --verify=execute: the time budget (%s) ran out: %d index(es) not measured (raise --execute-budget)\n", e.Budget, rep.NotMeasured)
	}
	out.byIndex = make(map[string]*report.Execution, len(rep.Outcomes))
	for _, o := range rep.Outcomes {
		x := &report.Execution{Status: string(o.Verdict), Note: o.Note, DDL: o.DDL, BuildMS: o.BuildMS, MSBefore: o.MSBefore, MSAfter: o.MSAfter}
		for _, q := range o.Queries {
			x.Queries = append(x.Queries, report.QueryExecution{Fingerprint: q.Fingerprint, Calls: q.Calls, Samples: q.Samples, Runs: q.Runs,
				MSBefore: q.MSBefore, MSAfter: q.MSAfter, BeforeTimedOut: q.BeforeTimedOut, AfterTimedOut: q.AfterTimedOut,
				UsesIndex: q.UsesIndex, NotMeasured: q.NotMeasured})
		}
		out.byIndex[o.Index] = x
	}
	return out
}

// attach puts the measurements in the report (nothing when none was asked).
func (x *executed) attach(doc *report.Document) {
	if x == nil {
		return
	}
	report.SetExecution(doc, x.summary, x.byIndex)
}
