package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The measured-execution benchmark (-execute): planner estimates are not
// runtimes, so the recommended indexes are built for real and every query
// is run with EXPLAIN (ANALYZE, TIMING OFF) under each index set,
// interleaved with the other sets in one run so that noise (other work on
// the machine, cache state, autovacuum) hits every set alike.
//
// The union of all sets is built once and committed. A run under set S is
//
//	BEGIN; DROP INDEX <the union's indexes S lacks>; EXPLAIN (ANALYZE …) q; ROLLBACK;
//
// DROP INDEX is transactional: the plan sees only S's indexes, and the
// rollback restores the others without rebuilding them, so every set runs
// on the same data and the same warm cache. Round 0 is a warm-up and is
// discarded; within each round the sets' order rotates per query.

// execOptions is how the execution benchmark runs.
type execOptions struct {
	// Rounds is the number of measured rounds (a warm-up round comes first).
	Rounds int
	// Timeout is each execution's statement_timeout. A query that hits it
	// under a set is not run again under that set (it counts as "> timeout").
	Timeout time.Duration
	// PlansDir, if set, receives the EXPLAIN ANALYZE JSON of each query under
	// each set from the first measured round, for reading regressions.
	PlansDir string
}

// execSet is one index set to execute under.
type execSet struct {
	Name    string
	Indexes []indexDef
}

// execRun is one query's execution under one set.
type execRun struct {
	Ms       []float64 // execution time of each measured round
	TimedOut bool
	// Cost is the planner's total cost of the plan it ran, Plan a compact
	// summary of that plan's scans and joins, and Misestimate the worst
	// estimated-versus-actual row count of its nodes (from the first
	// measured round).
	Cost        float64
	Plan        string
	Misestimate string
}

// Median is the median execution time in ms (NaN when nothing finished).
func (r *execRun) Median() float64 {
	if r.TimedOut || len(r.Ms) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), r.Ms...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// execQuery is one query under every set; Runs[i] is under Sets[i].
type execQuery struct {
	N    int
	Runs []*execRun
}

// noiseCeiling is how much slower than its baseline median the query ran
// in this run with the baseline's plan: under another set that left its
// plan unchanged, or in the baseline's own slowest round. A set's slowdown
// with another plan that stays under it is within what the machine's
// noise did to the same plan (Q21 ran 1.34× with its plan unchanged where
// another set's plan ran 1.14×).
func (q execQuery) noiseCeiling() float64 {
	base := q.Runs[0].Median()
	if math.IsNaN(base) || base <= 0 {
		return math.NaN()
	}
	ceiling := 1.0
	for _, ms := range q.Runs[0].Ms {
		ceiling = math.Max(ceiling, ms/base)
	}
	for _, r := range q.Runs[1:] {
		if m := r.Median(); r.Plan == q.Runs[0].Plan && !math.IsNaN(m) {
			ceiling = math.Max(ceiling, m/base)
		}
	}
	return ceiling
}

// execReport is the whole execution benchmark. Sets[0] is the baseline (no
// index beyond the primary keys).
type execReport struct {
	Sets      []execSet
	Queries   []execQuery
	Rounds    int
	Timeout   time.Duration
	BuildTime time.Duration
	Elapsed   time.Duration
}

// execSummary compares one set against the baseline.
type execSummary struct {
	// SumMs and BaseMs are Σ medians over the queries measured under both
	// (the 19 headline queries); Geo the geometric mean of their ratios;
	// Cost the ratio of the planner's Σ cost of the plans that ran.
	SumMs, BaseMs, Geo, Cost float64
	// Slower lists the queries more than 10% slower than the baseline
	// with another plan; Noise those more than 10% slower with the same
	// plan, which no index of the set can have caused (the machine's
	// noise, as the ratios of unchanged plans show).
	Slower, Noise []string
	// Regressions lists the queries of Slower whose every measured round
	// ran slower than every baseline round (separated): a slowdown the
	// noise of unchanged plans does not explain.
	Regressions []string
	// Missing counts headline queries not measured under both.
	Missing int
}

// separated reports whether every measured round of with ran slower than
// every one of base. Rounds of the two sides interleave, so where a set
// changes nothing the order of the 2n times is random: all n of one side
// above all n of the other happens by chance once in C(2n, n) runs (1 in
// 20 with 3 rounds, 1 in 252 with 5), a one-sided rank test (Mann-Whitney
// U = 0) that needs no assumption about the noise's distribution.
func separated(with, base []float64) bool {
	if len(with) == 0 || len(base) == 0 {
		return false
	}
	lo := math.Inf(1)
	for _, ms := range with {
		lo = math.Min(lo, ms)
	}
	for _, ms := range base {
		if ms >= lo {
			return false
		}
	}
	return true
}

// binomial is C(n, k).
func binomial(n, k int) float64 {
	c := 1.0
	for i := 1; i <= k; i++ {
		c = c * float64(n-k+i) / float64(i)
	}
	return c
}

// slowerThreshold is how much slower than the baseline a query may run
// before it counts as a regression.
const slowerThreshold = 1.10

// summary compares Sets[i] with the baseline over the 19 headline queries.
func (r *execReport) summary(i int) execSummary {
	var s execSummary
	var logs, costB, costA float64
	n := 0
	for _, q := range r.Queries {
		if excludedFromHeadline[q.N] {
			continue
		}
		b, a := q.Runs[0].Median(), q.Runs[i].Median()
		if math.IsNaN(b) || math.IsNaN(a) || b <= 0 {
			s.Missing++
			continue
		}
		s.BaseMs += b
		s.SumMs += a
		costB += q.Runs[0].Cost
		costA += q.Runs[i].Cost
		logs += math.Log(a / b)
		n++
		if a/b > slowerThreshold {
			d := fmt.Sprintf("Q%d (%.2f×)", q.N, a/b)
			if q.Runs[0].Plan == q.Runs[i].Plan {
				s.Noise = append(s.Noise, d)
			} else {
				var notes []string
				if c := q.noiseCeiling(); a/b <= c {
					notes = append(notes, fmt.Sprintf("its unchanged plan ran up to %.2f× in this run", c))
				}
				if separated(q.Runs[i].Ms, q.Runs[0].Ms) {
					notes = append(notes, "every round slower")
					s.Regressions = append(s.Regressions, d)
				} else {
					notes = append(notes, "rounds overlap the baseline's")
				}
				s.Slower = append(s.Slower, fmt.Sprintf("Q%d (%.2f×; %s)", q.N, a/b, strings.Join(notes, "; ")))
			}
		}
	}
	s.Geo, s.Cost = math.NaN(), math.NaN()
	if n > 0 {
		s.Geo = math.Exp(logs / float64(n))
	}
	if costB > 0 {
		s.Cost = costA / costB
	}
	return s
}

// executeSets builds the union of sets[1:] for real, runs every query under
// every set as described above, and drops what it built. sets[0] must be
// the baseline (no indexes). It writes to the database: only for data the
// benchmark owns.
func executeSets(ctx context.Context, cfg config, conn *pgx.Conn, sets []execSet, opt execOptions) (*execReport, error) {
	start := time.Now()
	rep := &execReport{Sets: sets, Rounds: opt.Rounds, Timeout: opt.Timeout}

	// The union, each distinct index once, under a name of ours.
	names := map[string]string{} // Hypothetical DDL → built name
	var built []string
	defer func() {
		// Leave the database as it was, even on error or interrupt.
		c := context.WithoutCancel(ctx)
		for _, n := range built {
			if _, err := conn.Exec(c, "DROP INDEX IF EXISTS "+pgx.Identifier{n}.Sanitize()); err != nil {
				cfg.logf("dropping %s: %v", n, err)
			}
		}
	}()
	t0 := time.Now()
	if _, err := conn.Exec(ctx, "SET maintenance_work_mem = '256MB'"); err != nil {
		return nil, err
	}
	for _, s := range sets[1:] {
		for _, ix := range s.Indexes {
			if _, ok := names[ix.Hypothetical]; ok {
				continue
			}
			name := fmt.Sprintf("pgadvise_exec_%d", len(names)+1)
			ddl := strings.Replace(ix.Named, probeIndex, name, 1)
			cfg.logf("  building %s", ix.Hypothetical)
			if _, err := conn.Exec(ctx, ddl); err != nil {
				return nil, fmt.Errorf("building %s: %w", ddl, err)
			}
			names[ix.Hypothetical] = name
			built = append(built, name)
		}
	}
	if _, err := conn.Exec(ctx, "RESET maintenance_work_mem"); err != nil {
		return nil, err
	}
	rep.BuildTime = time.Since(t0)

	// What each set drops: the union's indexes it lacks.
	drops := make([]string, len(sets))
	for i, s := range sets {
		have := map[string]bool{}
		for _, ix := range s.Indexes {
			have[names[ix.Hypothetical]] = true
		}
		var d []string
		for _, n := range built {
			if !have[n] {
				d = append(d, pgx.Identifier{n}.Sanitize())
			}
		}
		if len(d) > 0 {
			drops[i] = "DROP INDEX " + strings.Join(d, ", ")
		}
	}

	fraction := 0.0001 / cfg.SF
	for _, q := range queries {
		eq := execQuery{N: q.n}
		for range sets {
			eq.Runs = append(eq.Runs, &execRun{})
		}
		rep.Queries = append(rep.Queries, eq)
	}
	if opt.PlansDir != "" {
		if err := os.MkdirAll(opt.PlansDir, 0o755); err != nil {
			return nil, err
		}
	}
	for round := 0; round <= opt.Rounds; round++ {
		what := "warm-up round"
		if round > 0 {
			what = fmt.Sprintf("round %d of %d", round, opt.Rounds)
		}
		cfg.logf("executing: %s (%d queries × %d sets)", what, len(queries), len(sets))
		for qi, q := range queries {
			text := q.SQL(0, fraction)
			for k := range sets {
				i := (k + qi + round) % len(sets) // rotate the order
				run := rep.Queries[qi].Runs[i]
				if run.TimedOut {
					continue
				}
				doc, ms, err := executeOnce(ctx, conn, drops[i], text, opt.Timeout)
				if errors.Is(err, errTimeout) {
					run.TimedOut = true
					cfg.logf("  %s under %s: over %v", q.Name(), sets[i].Name, opt.Timeout)
					continue
				}
				if err != nil {
					return nil, fmt.Errorf("%s under %s: %w", q.Name(), sets[i].Name, err)
				}
				if round == 0 {
					continue
				}
				run.Ms = append(run.Ms, ms)
				if round == 1 {
					if err := readExecPlan(doc, run); err != nil {
						return nil, fmt.Errorf("%s under %s: %w", q.Name(), sets[i].Name, err)
					}
					if opt.PlansDir != "" {
						f := filepath.Join(opt.PlansDir, fmt.Sprintf("q%02d-%s.json", q.n, fileSafe(sets[i].Name)))
						if err := os.WriteFile(f, doc, 0o644); err != nil {
							return nil, err
						}
					}
				}
			}
		}
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

var errTimeout = errors.New("statement timeout")

// executeOnce runs one EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) in a
// transaction that first drops the indexes the set lacks, and rolls back.
func executeOnce(ctx context.Context, conn *pgx.Conn, drop, text string, timeout time.Duration) ([]byte, float64, error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL statement_timeout = %d", timeout.Milliseconds())); err != nil {
		return nil, 0, err
	}
	if drop != "" {
		if _, err := tx.Exec(ctx, drop); err != nil {
			return nil, 0, err
		}
	}
	var doc []byte
	err = tx.QueryRow(ctx, "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) "+text, pgx.QueryExecModeSimpleProtocol).Scan(&doc)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "57014" { // query_canceled
		return nil, 0, errTimeout
	}
	if err != nil {
		return nil, 0, err
	}
	var out []struct {
		ExecutionTime float64 `json:"Execution Time"`
	}
	if err := json.Unmarshal(doc, &out); err != nil || len(out) != 1 {
		return nil, 0, fmt.Errorf("reading the plan: %v", err)
	}
	return doc, out[0].ExecutionTime, nil
}

// readExecPlan fills the cost, the compact plan and the worst misestimate
// of an EXPLAIN ANALYZE JSON document.
func readExecPlan(doc []byte, run *execRun) error {
	var out []struct {
		Plan map[string]any `json:"Plan"`
	}
	if err := json.Unmarshal(doc, &out); err != nil || len(out) != 1 {
		return fmt.Errorf("reading the plan: %v", err)
	}
	run.Cost, _ = out[0].Plan["Total Cost"].(float64)
	var parts []string
	worst, worstNode := 1.0, ""
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		typ, _ := n["Node Type"].(string)
		rel, _ := n["Relation Name"].(string)
		idx, _ := n["Index Name"].(string)
		switch typ {
		case "Seq Scan":
			parts = append(parts, "Seq("+rel+")")
		case "Index Scan":
			parts = append(parts, "Idx("+rel+" "+idx+")")
		case "Index Only Scan":
			parts = append(parts, "IOS("+rel+" "+idx+")")
		case "Bitmap Index Scan":
			parts = append(parts, "Bmp("+idx+")")
		case "Nested Loop":
			parts = append(parts, "NL")
		case "Hash Join":
			parts = append(parts, "HJ")
		case "Merge Join":
			parts = append(parts, "MJ")
		case "Gather", "Gather Merge":
			parts = append(parts, "Par")
		}
		// Estimated vs actual rows per loop, on nodes that ran.
		est, _ := n["Plan Rows"].(float64)
		act, _ := n["Actual Rows"].(float64)
		loops, _ := n["Actual Loops"].(float64)
		if loops > 0 && typ != "Hash" {
			e, a := math.Max(est, 1), math.Max(act, 1)
			r := math.Max(e/a, a/e)
			if r > worst {
				worst = r
				dir := "over"
				if a > e {
					dir = "under"
				}
				worstNode = fmt.Sprintf("%s %s ×%.0f %s (est %.0f, actual %.0f × %.0f loops)", typ, strings.TrimSpace(rel+" "+idx), r, dir, est, act, loops)
			}
		}
		if kids, ok := n["Plans"].([]any); ok {
			for _, k := range kids {
				if m, ok := k.(map[string]any); ok {
					walk(m)
				}
			}
		}
	}
	walk(out[0].Plan)
	run.Plan = strings.Join(parts, " ")
	run.Misestimate = worstNode
	return nil
}

func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '_'
	}, s)
}

// writeExecMarkdown prints the execution benchmark: a summary line per set,
// then per query the medians, the ratios and the plans.
func writeExecMarkdown(w io.Writer, r *execReport) {
	fmt.Fprintf(w, "\n## Measured execution\n\n")
	fmt.Fprintf(w, "Each query run with EXPLAIN (ANALYZE, TIMING OFF) under each index set, interleaved (one warm-up round, then %d measured; medians), statement_timeout %v. A query more than 10%% slower with another plan is a regression when every one of its rounds ran slower than every baseline round (by chance: 1 in %.0f). ", r.Rounds, r.Timeout, binomial(2*r.Rounds, r.Rounds))
	fmt.Fprintf(w, "Building the sets' indexes took %s; the whole measure %s.\n\n", r.BuildTime.Round(100*time.Millisecond), r.Elapsed.Round(time.Second))
	fmt.Fprintln(w, "| set | indexes | Σ ms, 19 queries | Σ / none | geo. mean of ratios | planner cost / none | slower than none by > 10%, with another plan | of those, every round slower (regressions) | > 10% with the same plan (noise) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	for i, s := range r.Sets {
		sum := r.summary(i)
		slower := strings.Join(sum.Slower, ", ")
		if slower == "" {
			slower = "none"
		}
		miss := ""
		if sum.Missing > 0 {
			miss = fmt.Sprintf(" (%d not measured)", sum.Missing)
		}
		noise := strings.Join(sum.Noise, ", ")
		if noise == "" {
			noise = "none"
		}
		regressions := strings.Join(sum.Regressions, ", ")
		if regressions == "" {
			regressions = "none"
		}
		fmt.Fprintf(w, "| %s | %d | %.0f%s | **%.3f** | %.3f | %.3f | %s | %s | %s |\n", s.Name, len(s.Indexes), sum.SumMs, miss, sum.SumMs/sum.BaseMs, sum.Geo, sum.Cost, slower, regressions, noise)
	}
	for i := 1; i < len(r.Sets); i++ {
		fmt.Fprintf(w, "\n### Per query, none → %s\n\n", r.Sets[i].Name)
		fmt.Fprintln(w, "| query | ms none | ms with | ratio | planner cost ratio | plan none | plan with | worst misestimate with |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
		for _, q := range r.Queries {
			b, a := q.Runs[0], q.Runs[i]
			name := fmt.Sprintf("Q%d", q.N)
			if excludedFromHeadline[q.N] {
				name += " (not in the 19)"
			}
			ratio, cost := "–", "–"
			if bm, am := b.Median(), a.Median(); !math.IsNaN(bm) && !math.IsNaN(am) {
				ratio = fmt.Sprintf("%.2f", am/bm)
				if am/bm > slowerThreshold {
					ratio = "**" + ratio + "**"
				}
			}
			if b.Cost > 0 && a.Cost > 0 {
				cost = fmt.Sprintf("%.2f", a.Cost/b.Cost)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", name, msText(b, r.Timeout), msText(a, r.Timeout), ratio, cost,
				orDash(b.Plan), samePlan(b.Plan, a.Plan), orDash(a.Misestimate))
		}
	}
}

func msText(r *execRun, timeout time.Duration) string {
	if r.TimedOut {
		return "> " + timeout.String()
	}
	m := r.Median()
	if math.IsNaN(m) {
		return "–"
	}
	return fmt.Sprintf("%.0f", m)
}

func samePlan(before, after string) string {
	if before == after && after != "" {
		return "same"
	}
	return orDash(after)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
