package main

// analyze --verify=execute: each recommended index built for real on a
// staging copy, inside a transaction rolled back, and its queries measured
// with EXPLAIN ANALYZE with and without it (whatif.Execute).

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/safetext"
	"github.com/pgadvise/pgadvise/report"
	"github.com/pgadvise/pgadvise/whatif"
)

// verifyMode is what --verify asks for.
type verifyMode string

// --verify's values.
const (
	verifyOff     verifyMode = ""
	verifyPlanner verifyMode = "planner" // --verify: HypoPG, read-only
	verifyExecute verifyMode = "execute" // --verify=execute: measured, writes
)

// verifyFlag is --verify. It is a boolean flag, so that a plain --verify is
// the planner check, that also takes --verify=execute.
type verifyFlag struct{ mode verifyMode }

// IsBoolFlag lets --verify stand alone.
func (v *verifyFlag) IsBoolFlag() bool { return true }

func (v *verifyFlag) String() string {
	if v == nil {
		return ""
	}
	return string(v.mode)
}

func (v *verifyFlag) Set(s string) error {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "planner", "hypopg":
		v.mode = verifyPlanner
	case "false":
		v.mode = verifyOff
	case "execute":
		v.mode = verifyExecute
	default:
		return fmt.Errorf("want --verify (the planner's check, read-only) or --verify=execute (measured on a staging copy)")
	}
	return nil
}

// confirmFlag is the acknowledgement --verify=execute needs.
const confirmFlag = "confirm-not-production"

const confirmHelp = "with --verify=execute: confirm that --dsn is a staging copy or a replica promoted for testing, not production. " +
	"--verify=execute builds each recommended index (CREATE INDEX, in a transaction rolled back after; writes to the table wait meanwhile) " +
	"and runs the captured queries with EXPLAIN ANALYZE. A hot standby cannot build indexes, and a server that accepts writes looks the same " +
	"whether it is the primary or a copy, so pgadvise cannot tell: this flag is always needed"

// executeFlags are --verify=execute's own flags.
type executeFlags struct {
	confirmed bool
	timeout   time.Duration
	budget    time.Duration
}

func newExecuteFlags(fs *flag.FlagSet) *executeFlags {
	e := &executeFlags{}
	fs.BoolVar(&e.confirmed, confirmFlag, false, confirmHelp)
	fs.DurationVar(&e.timeout, "execute-timeout", whatif.DefaultExecStatementTimeout, "with --verify=execute: the longest one measured run of a query may take (`DURATION`); a side that takes longer counts at this time, marked timed out")
	fs.DurationVar(&e.budget, "execute-budget", whatif.DefaultExecBudget, "with --verify=execute: the time all the measuring may take (`DURATION`); the indexes not measured by then are reported as not measured")
	return e
}

// check validates the flags against --verify's mode. inputs are the INPUT
// arguments: "--verify execute", with a space, makes "execute" one.
func (e *executeFlags) check(mode verifyMode, inputs []string, stderr io.Writer) int {
	for _, in := range inputs {
		if _, err := os.Stat(in); in == "execute" && mode == verifyPlanner && err != nil {
			fmt.Fprintln(stderr, "pgadvise analyze: INPUT \"execute\" does not exist: for measured execution write --verify=execute, with =")
			return exitUsage
		}
	}
	switch {
	case mode != verifyExecute && e.confirmed:
		fmt.Fprintf(stderr, "pgadvise analyze: --%s goes with --verify=execute only\n", confirmFlag)
		return exitUsage
	case mode != verifyExecute:
		return exitOK
	case !e.confirmed:
		fmt.Fprintf(stderr, "pgadvise analyze: --verify=execute refused without --%s: it builds each recommended index for real "+
			"(in a transaction it rolls back, but writes to the table wait meanwhile) and runs the captured queries. "+
			"Run it on a staging copy or a replica promoted for testing, never on the primary, and say so with --%s. "+
			"(A hot standby cannot build indexes; a writable server cannot tell pgadvise whether it is the primary.) "+
			"--verify alone checks the advice with the planner, read-only.\n", confirmFlag, confirmFlag)
		return exitUsage
	case e.timeout < time.Millisecond || e.budget < time.Second:
		fmt.Fprintln(stderr, "pgadvise analyze: --execute-timeout and --execute-budget want positive durations (at least 1ms and 1s), like 30s and 10m")
		return exitUsage
	}
	return exitOK
}

// executed is what --verify=execute produced, to put in the report.
type executed struct {
	summary *report.ExecutionSummary
	byIndex map[string]*report.Execution
}

// executeAdvice measures each recommended index (--verify=execute) on a
// connection of its own, the only one pgadvise writes through. The rejected
// ones move to the rejected list. On a failure the advice stays the model's,
// and the report says it was not measured.
func (lv *liveSource) executeAdvice(w *analyzer.Workload, res *advisor.Result, stderr io.Writer, prog *report.Progress) *executed {
	if lv.verify.mode != verifyExecute || lv.conn == nil {
		return nil
	}
	e := lv.exec
	opt := whatif.ExecuteOptions{ConfirmedNotProduction: e.confirmed, StatementTimeout: e.timeout, Budget: e.budget, Prune: true}
	out := &executed{summary: &report.ExecutionSummary{Status: "unavailable", Rounds: whatif.DefaultExecRounds,
		MinGain: whatif.MinMeasuredGain, MaxRegression: whatif.MaxMeasuredRegression,
		StatementTimeoutMS: float64(e.timeout.Milliseconds()), BudgetMS: float64(e.budget.Milliseconds())}}
	fail := func(err error) *executed {
		if prog != nil {
			prog.Clear()
		}
		fmt.Fprintf(stderr, "pgadvise: --verify=execute: %s; the advice is the cost model's alone, not measured\n", safetext.Line(err.Error()))
		out.summary.Note = err.Error()
		return out
	}
	n := 0
	for _, r := range res.Recommendations {
		if r.Kind == advisor.KindCreateIndex {
			n++
		}
	}
	fmt.Fprintf(stderr, "pgadvise: --verify=execute: measuring %d recommended index(es) on database %q, each built in a transaction that is rolled back (budget %s)\n",
		n, lv.facts.database, e.budget)
	conn, err := catalog.ConnectWritable(lv.ctx, lv.dsn.value, catalog.ConnectOptions{StatementTimeout: lv.timeout})
	if err != nil {
		return fail(err)
	}
	defer conn.Close(lv.ctx)
	if prog != nil {
		opt.Progress = prog.Status
	}
	rep, err := whatif.Execute(lv.ctx, conn, w, res, opt)
	if prog != nil {
		prog.Clear()
	}
	if err != nil {
		return fail(err)
	}
	s := out.summary
	s.Status, s.Kept, s.Rejected, s.NotMeasured, s.Runs, s.Rounds = "done", rep.Kept, rep.Rejected, rep.NotMeasured, rep.Runs, rep.Rounds
	s.ElapsedMS, s.BudgetExhausted, s.Pruned = float64(rep.Elapsed.Milliseconds()), rep.BudgetExhausted, rep.Pruned
	fmt.Fprintf(stderr, "pgadvise: --verify=execute: %d kept, %d rejected, %d not measured; %d EXPLAIN ANALYZE runs in %s; every index rolled back\n",
		rep.Kept, rep.Rejected, rep.NotMeasured, rep.Runs, rep.Elapsed.Round(100*time.Millisecond))
	if rep.BudgetExhausted {
		fmt.Fprintf(stderr, "pgadvise: --verify=execute: the time budget (%s) ran out: %d index(es) not measured (raise --execute-budget)\n", e.budget, rep.NotMeasured)
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
