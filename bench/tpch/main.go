// Command tpch measures the quality of pgadvise's index recommendations on
// TPC-H, the way the published evaluation of index selection algorithms
// does (Kossmann et al., VLDB 2020): the planner's estimated cost of the
// queries with the recommended indexes as HypoPG hypothetical indexes,
// relative to their cost without, at storage budgets relative to the data
// size.
//
//	go run ./bench/tpch [-sf 0.1] [-dsn URL] [-budgets 0.1,0.25,0.5,1.0]
//
// Without -dsn it starts a throwaway PostgreSQL cluster (internal/pgtest),
// creates the hypopg extension, loads TPC-H at the scale factor with the
// SQL generator of this directory (schema.sql, gen.sql: primary keys only)
// and runs VACUUM ANALYZE. Then, as pgadvise would: it reads the schema and
// statistics through catalog.ReadLive on a read-only connection, feeds the
// 22 queries to the analyzer, runs the advisor at each budget, and measures
// its create_index set with HypoPG on that connection. See README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/pgadvise/pgadvise/advisor"
)

func main() {
	sf := flag.Float64("sf", 0.1, "TPC-H scale factor (0.1: lineitem about 600,000 rows)")
	dsn := flag.String("dsn", "", "database to use instead of a throwaway cluster (the role must be allowed to CREATE EXTENSION hypopg, or it must exist)")
	loadData := flag.Bool("load", true, "create and load the TPC-H tables (with -dsn: they must not exist yet); false: use the tables already there")
	budgets := flag.String("budgets", "0.1,0.25,0.5,1.0", "storage budgets, as shares of the tables' heap size")
	minBenefit := flag.Float64("min-benefit", advisor.DefaultMinBenefitShare, "the advisor's minimum benefit, as a share of the workload's estimated cost")
	variants := flag.Int("variants", 2, "parameter sets of each query the analyzer sees: 1 (validation values) or 2 (and a second set)")
	printQueries := flag.Bool("print-queries", false, "print the 22 queries with the validation parameters (for -sf) as SQL, and exit")
	reference := flag.Bool("reference", true, "also measure a reference set: a plain btree on every foreign-key column")
	build := flag.Bool("build", true, "build every measured index for real (in a transaction rolled back) for its true size; only when this run loaded the data")
	execute := flag.Bool("execute", false, "also build the index sets of -execute-budgets for real and run every query under each of them and under none, interleaved (EXPLAIN ANALYZE, TIMING OFF); the indexes are dropped afterwards")
	executeBudgets := flag.String("execute-budgets", "0.5,1.0", "with -execute: the budgets whose index sets are executed (each must be in -budgets)")
	rounds := flag.Int("rounds", 5, "with -execute: measured rounds per query and set, after one warm-up round; medians are reported, and a slowdown is a regression when every round ran slower than every baseline round")
	timeout := flag.Duration("timeout", 30*time.Second, "with -execute: each execution's statement_timeout; a query over it is not run again under that set")
	compare := flag.String("compare", "", "with -execute: a file of named index sets (\"set NAME\", then one CREATE INDEX a line) to execute beside the budgets' sets, interleaved in the same run; -execute-budgets '' runs them alone")
	plans := flag.String("plans", "", "with -execute: a directory for the EXPLAIN ANALYZE JSON of each query under each set (first measured round)")
	adviceDir := flag.String("advice", "", "a directory for pgadvise's text report at each budget (recommendations and the candidates it rejected, with reasons)")
	quiet := flag.Bool("q", false, "no progress on stderr")
	verbose := flag.Bool("v", false, "time each statement of the load on stderr")
	flag.Parse()

	cfg := config{SF: *sf, DSN: *dsn, Load: *loadData, MinBenefit: *minBenefit, Variants: *variants, Log: os.Stderr, Verbose: *verbose,
		Reference: *reference, Build: *build, AdviceDir: *adviceDir}
	if *quiet {
		cfg.Log = nil
	}
	if cfg.Variants < 1 || cfg.Variants > 2 {
		fatalf("-variants must be 1 or 2")
	}
	if cfg.SF <= 0 || cfg.SF > 10 {
		fatalf("-sf must be in (0, 10]")
	}
	if *printQueries {
		for _, q := range queries {
			fmt.Printf("-- %s\n%s;\n\n", q.Name(), q.SQL(0, 0.0001/cfg.SF))
		}
		return
	}
	for _, s := range strings.Split(*budgets, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || v <= 0 {
			fatalf("-budgets: %q is not a positive share", s)
		}
		cfg.Budgets = append(cfg.Budgets, v)
	}
	if *execute {
		if *rounds < 1 {
			fatalf("-rounds must be at least 1")
		}
		cfg.Execute = &execOptions{Rounds: *rounds, Timeout: *timeout, PlansDir: *plans}
		for _, s := range strings.Split(*executeBudgets, ",") {
			if strings.TrimSpace(s) == "" && *executeBudgets == s {
				break // -execute-budgets '': the -compare sets alone
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || !contains(cfg.Budgets, v) {
				fatalf("-execute-budgets: %q is not one of -budgets", s)
			}
			cfg.ExecuteBudgets = append(cfg.ExecuteBudgets, v)
		}
		if *compare != "" {
			f, err := os.Open(*compare)
			if err != nil {
				fatalf("-compare: %v", err)
			}
			cfg.ExecuteSets, err = readSets(f)
			f.Close()
			if err != nil {
				fatalf("-compare %s: %v", *compare, err)
			}
		}
	} else if *compare != "" {
		fatalf("-compare needs -execute")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := run(ctx, cfg)
	if err != nil {
		fatalf("%v", err)
	}
	writeMarkdown(os.Stdout, rep, cfg)
	if rep.Exec != nil {
		writeExecMarkdown(os.Stdout, rep.Exec)
	}
}

func contains(xs []float64, v float64) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "tpch: "+format+"\n", args...)
	os.Exit(1)
}

func mb(b float64) string { return fmt.Sprintf("%.1f", b/1e6) }

// writeMarkdown prints the report.
func writeMarkdown(w io.Writer, rep *report, cfg config) {
	where := "a throwaway cluster"
	if !rep.Throwaway {
		where = "the database given with -dsn"
	}
	fmt.Fprintf(w, "## pgadvise on TPC-H, SF %g\n\n", rep.SF)
	fmt.Fprintf(w, "%s, PostgreSQL %s, HypoPG %s, %s; %d cores.\n",
		rep.StartedAt.Format("2006-01-02"), rep.ServerVersion, rep.HypoPG, where, nproc())
	if rep.Loaded {
		fmt.Fprintf(w, "Load (schema, SQL generator, primary keys, VACUUM ANALYZE): %s.\n", rep.Load.Elapsed.Round(100*time.Millisecond))
	}
	fmt.Fprintf(w, "Data: %s MB of heap (lineitem %d rows, orders %d, partsupp %d), %.0f%% of its pages all-visible; baseline: primary keys only.\n",
		mb(float64(rep.DataBytes)), rep.Load.Rows["lineitem"], rep.Load.Rows["orders"], rep.Load.Rows["partsupp"], 100*rep.Load.AllVisible)
	fmt.Fprintf(w, "Workload: the 22 queries, each with %d parameter set(s), one call each (%d shapes); explained with the validation values.\n", rep.Variants, rep.Shapes)
	fmt.Fprintf(w, "Advisor: minimum benefit %.3g of the workload's estimated cost; budgets are shares of the heap size.\n", cfg.MinBenefit)
	fmt.Fprintf(w, "Total run: %s", rep.Elapsed.Round(100*time.Millisecond))
	if rep.Built {
		fmt.Fprintf(w, " (of which %s building the indexes for their real sizes)", rep.BuildTime.Round(100*time.Millisecond))
	}
	fmt.Fprint(w, ".\n\n")

	built := func(b *budgetResult) string {
		if !rep.Built {
			return "–"
		}
		return mb(float64(b.BuiltSize))
	}
	fmt.Fprintln(w, "| budget | indexes | size MB: advisor's estimate / built / HypoPG | relative cost, 19 queries | geo. mean of 22 ratios | relative cost, 22 (sum) | advisor time | model evaluations | HypoPG calls: measure / verify | verified / not used |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	for _, b := range rep.Budgets {
		verified, notUsed, vcalls := 0, 0, 0
		if b.Verify != nil {
			verified, notUsed, vcalls = b.Verify.Verified, b.Verify.NotUsed, b.Verify.WhatIfCalls()
		}
		fmt.Fprintf(w, "| %.2g × (%s MB) | %d | %s / %s / %s | **%.3f** | %.3f | %.4f | %s | %d | %d / %d | %d / %d |\n",
			b.Share, mb(b.BudgetBytes), len(b.Indexes), mb(float64(b.AdvisorSize)), built(b), mb(float64(b.HypoSize)),
			b.Rel19, b.Geo22, b.Rel22, fmtDur(b.AdvisorTime), b.ModelEvaluations, b.EvalCalls, vcalls, verified, notUsed)
	}
	if r := rep.Reference; r != nil {
		fmt.Fprintf(w, "| reference: a btree on every foreign-key column (not pgadvise) | %d | – / %s / %s | %.3f | %.3f | %.4f | – | – | %d / – | – |\n",
			len(r.Indexes), built(r), mb(float64(r.HypoSize)), r.Rel19, r.Geo22, r.Rel22, r.EvalCalls)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Relative cost: Σ planner total cost with all recommended indexes as hypothetical indexes ÷ Σ without (%d baseline EXPLAINs, once). ", rep.BaselineCalls)
	fmt.Fprint(w, "19 queries: without Q2, Q17, Q20. Sizes: the advisor's own estimate (what it spends the budget with); ")
	if rep.Built {
		fmt.Fprint(w, "pg_relation_size of each index built for real (then rolled back); ")
	}
	fmt.Fprintln(w, "hypopg_relation_size (no btree deduplication: too large). Model evaluations: the advisor's cost-model evaluations of (access, index) pairs; it makes no planner calls. HypoPG calls: index creations + EXPLAINs, of this measure and of pgadvise's own verification (whatif.Verify).")
	for _, b := range rep.Budgets {
		var notes []string
		if len(b.Unsupported) > 0 {
			notes = append(notes, fmt.Sprintf("not measurable with HypoPG (left out): %s", strings.Join(b.Unsupported, ", ")))
		}
		if len(b.PKCopies) > 0 {
			notes = append(notes, fmt.Sprintf("served by a primary key already (a flattering copy): %s", strings.Join(b.PKCopies, ", ")))
		}
		if len(b.Other) > 0 {
			notes = append(notes, fmt.Sprintf("other recommendations (not measured): %v", b.Other))
		}
		if d := b.VerifyRel19 - b.Rel19; d > 0.0005 || d < -0.0005 {
			notes = append(notes, fmt.Sprintf("whatif's combined measure over the verified indexes only: %.3f", b.VerifyRel19))
		}
		if len(notes) > 0 {
			fmt.Fprintf(w, "\nBudget %.2g: %s.\n", b.Share, strings.Join(notes, "; "))
		}
	}

	if len(rep.Budgets) == 0 {
		return
	}
	fmt.Fprint(w, "\n### Index sets by budget\n\n")
	for _, b := range rep.Budgets {
		var names []string
		for _, ix := range b.Indexes {
			names = append(names, "`"+ix.Name+"`")
		}
		fmt.Fprintf(w, "- %.2g: %s\n", b.Share, strings.Join(names, ", "))
	}
	last := rep.Budgets[len(rep.Budgets)-1]
	fmt.Fprintf(w, "\n### Indexes recommended at budget %.2g\n\n", last.Share)
	fmt.Fprintln(w, "| index | size MB: advisor / built / HypoPG | verify | used by (all at once) |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, ix := range last.Indexes {
		b := "–"
		if rep.Built {
			b = mb(float64(ix.BuiltSize))
		}
		fmt.Fprintf(w, "| `%s` | %s / %s / %s | %s | %s |\n", ix.Def.Hypothetical,
			mb(float64(ix.Rec.SizeBytes)), b, mb(float64(ix.HypoSize)), ix.Status, queryList(ix.UsedBy))
	}
	if r := rep.Reference; r != nil {
		fmt.Fprintf(w, "\nReference set: %s.\n", strings.Join(referenceSet, "; "))
	}

	fmt.Fprintf(w, "\n### Per query at budget %.2g\n\n", last.Share)
	fmt.Fprint(w, "| query | cost without | cost with | ratio | indexes used |")
	if rep.Reference != nil {
		fmt.Fprint(w, " ratio with the reference set |")
	}
	fmt.Fprint(w, "\n|---|---|---|---|---|")
	if rep.Reference != nil {
		fmt.Fprint(w, "---|")
	}
	fmt.Fprintln(w)
	for i, q := range last.Queries {
		name := "Q" + strconv.Itoa(q.N)
		if excludedFromHeadline[q.N] {
			name += " (not in the 19)"
		}
		fmt.Fprintf(w, "| %s | %.0f | %.0f | %.3f | %s |", name, q.Before, q.After, q.ratio(), strings.Join(q.Uses, ", "))
		if rep.Reference != nil {
			fmt.Fprintf(w, " %.3f |", rep.Reference.Queries[i].ratio())
		}
		fmt.Fprintln(w)
	}
}

func queryList(ns []int) string {
	var out []string
	for _, n := range ns {
		out = append(out, "Q"+strconv.Itoa(n))
	}
	return strings.Join(out, " ")
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}
