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
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/pgtest"
	"github.com/pgadvise/pgadvise/pipeline"
	pgreport "github.com/pgadvise/pgadvise/report"
	"github.com/pgadvise/pgadvise/whatif"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// config is what a run does.
type config struct {
	SF  float64
	DSN string // "": a throwaway cluster
	// Load creates and fills the TPC-H tables (with DSN: in that database,
	// which must not have them yet); false uses the tables already there.
	Load    bool
	Budgets []float64 // shares of the heap size
	// MinBenefit is the advisor's minimum benefit, as a share of the
	// workload's estimated cost (the CLI's default: 0.005).
	MinBenefit float64
	// Variants is how many parameter sets of each query the analyzer sees
	// (1: the validation values only; 2: also a second set, so that it
	// knows which constants are parameters).
	Variants int
	Log      io.Writer
	Verbose  bool // time each load statement
	// Reference also measures referenceSet; Build builds every measured
	// index for real (in a rolled-back transaction) for its true size,
	// when the run loaded the data itself.
	Reference, Build bool
	// AdviceDir, if set, receives pgadvise's text report at each budget.
	AdviceDir string
	// Execute, if set, also runs the queries for real under the index sets
	// of ExecuteBudgets (and no index), interleaved (execute.go). It builds
	// indexes in the database and drops them afterwards.
	Execute        *execOptions
	ExecuteBudgets []float64
	// ExecuteSets are index sets executed beside those of ExecuteBudgets
	// (-compare, readSets).
	ExecuteSets []execSet
}

// queryCost is one query's planner cost without and with an index set.
type queryCost struct {
	N             int
	Before, After float64
	// Uses names the hypothetical indexes its plan scans.
	Uses []string
}

func (q queryCost) ratio() float64 { return q.After / q.Before }

// indexDef is a CREATE INDEX statement taken apart.
type indexDef struct {
	Table   string
	Method  string
	Keys    []string // column names; expressions deparsed in parentheses
	Include []string
	Where   string
	// Hypothetical is the statement for hypopg_create_index: no
	// CONCURRENTLY, IF NOT EXISTS or name. Named is the same with the name
	// probeIndex, to build it for its real size.
	Hypothetical, Named string
}

// indexResult is one recommended index and what came of it.
type indexResult struct {
	Name     string
	Rec      advisor.Recommendation // zero for the reference set
	Def      indexDef
	HypoSize int64 // hypopg_relation_size, 0 if not created
	// BuiltSize is pg_relation_size of the index built for real (0: not built).
	BuiltSize int64
	Status    string // whatif's verdict: verified, not_used, unverifiable
	UsedBy    []int  // queries whose plan with the whole set scans it
}

// budgetResult is one budget's outcome.
type budgetResult struct {
	Share       float64
	BudgetBytes float64
	Indexes     []indexResult
	// Other counts recommendations that are not create_index (drops,
	// summary tables, partitioning): not evaluated here.
	Other       map[advisor.Kind]int
	AdvisorSize int64 // Σ the advisor's own size estimates
	HypoSize    int64 // Σ hypopg_relation_size (overestimates: no deduplication)
	BuiltSize   int64 // Σ pg_relation_size of the indexes built for real (0: not built)
	// Reference marks the textbook set (referenceSet), not advice.
	Reference bool
	// Shapes counts the workload's query shapes (one per query).
	Shapes int
	// Rel19 and Rel22 are Σ cost with ÷ Σ cost without, over the 19
	// headline queries and over all 22; Geo22 the geometric mean of the 22
	// per-query ratios.
	Rel19, Rel22, Geo22 float64
	Queries             []queryCost
	AdvisorTime         time.Duration
	ModelEvaluations    int
	// EvalCalls counts this evaluation's HypoPG calls (index creations +
	// EXPLAINs), the baseline EXPLAINs excluded.
	EvalCalls int
	// Verify is whatif.Verify's report; VerifyRel19 its combined measure
	// (all verified indexes at once) over the 19 queries.
	Verify      *whatif.Report
	VerifyRel19 float64
	// Unsupported lists indexes HypoPG cannot simulate (GIN, GiST), left
	// out of the measure.
	Unsupported []string
	// PKCopies lists recommended indexes that an existing primary key
	// already serves (the "copies flatter" pitfall): there must be none.
	PKCopies []string
}

// report is a whole run.
type report struct {
	SF            float64
	Variants      int
	ServerVersion string
	HypoPG        string
	Throwaway     bool
	Load          *loadStats
	Loaded        bool
	DataBytes     int64 // Σ heap of the 8 tables
	Shapes        int
	Baseline      []queryCost
	Budgets       []*budgetResult
	Reference     *budgetResult // the textbook set, if measured
	Built         bool          // real sizes were measured
	BuildTime     time.Duration
	ReadLiveTime  time.Duration
	Elapsed       time.Duration
	LiveIssues    []catalog.LiveIssue
	StartedAt     time.Time
	BaselineCalls int
	// Exec is the measured-execution benchmark, if run.
	Exec *execReport
}

func (c config) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format+"\n", args...)
	}
}

// run is the whole benchmark.
func run(ctx context.Context, cfg config) (*report, error) {
	start := time.Now()
	rep := &report{SF: cfg.SF, Variants: cfg.Variants, StartedAt: start}
	dsn := cfg.DSN
	if dsn == "" {
		cfg.logf("starting a throwaway PostgreSQL cluster")
		c, err := pgtest.New(
			pgtest.WithSetting("shared_buffers", "256MB"),
			pgtest.WithSetting("max_wal_size", "4GB"),
			pgtest.WithSetting("checkpoint_timeout", "30min"))
		if err != nil {
			return nil, err
		}
		defer c.Close()
		if err := c.CreateDatabase(ctx, "tpch"); err != nil {
			return nil, err
		}
		dsn = c.DSN("tpch")
		rep.Throwaway = true
	}
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer admin.Close(context.WithoutCancel(ctx))
	if err := setup(ctx, cfg, admin, rep); err != nil {
		return nil, err
	}

	// pgadvise's own, read-only connection: the schema, its statistics and
	// the what-if checks.
	ro, err := catalog.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer ro.Close(context.WithoutCancel(ctx))
	t0 := time.Now()
	schema, live, err := catalog.ReadLive(ctx, ro)
	if err != nil {
		return nil, err
	}
	rep.ReadLiveTime = time.Since(t0)
	rep.ServerVersion, rep.LiveIssues = live.ServerVersion, live.Issues
	cfg.logf("read the schema and statistics (%d tables, %d indexes) in %v", live.Tables, live.Indexes, rep.ReadLiveTime.Round(time.Millisecond))

	ev, err := newEvaluator(ctx, ro)
	if err != nil {
		return nil, err
	}
	rep.HypoPG = ev.version
	fraction := 0.0001 / cfg.SF
	texts := make([]string, len(queries))
	for i, q := range queries {
		texts[i] = q.SQL(0, fraction)
	}
	rep.Baseline, err = ev.costs(ctx, texts, nil)
	if err != nil {
		return nil, err
	}
	rep.BaselineCalls = ev.calls

	for _, share := range cfg.Budgets {
		cfg.logf("budget %.2g × data size: advising", share)
		b, err := evaluateBudget(ctx, cfg, schema, ev, ro, texts, rep.Baseline, share)
		if err != nil {
			return nil, err
		}
		rep.Shapes = b.Shapes
		rep.Budgets = append(rep.Budgets, b)
	}
	if cfg.Reference {
		if rep.Reference, err = evaluateReference(ctx, ev, texts, rep.Baseline); err != nil {
			return nil, err
		}
	}
	// Real sizes: only on data this run loaded (it writes, then rolls back).
	if cfg.Build && rep.Loaded {
		cfg.logf("building the recommended indexes for their real sizes")
		t0 := time.Now()
		all := rep.Budgets
		if rep.Reference != nil {
			all = append(append([]*budgetResult{}, all...), rep.Reference)
		}
		if err := buildSizes(ctx, admin, all); err != nil {
			return nil, err
		}
		rep.Built, rep.BuildTime = true, time.Since(t0)
	}
	if cfg.Execute != nil {
		sets := []execSet{{Name: "none"}}
		for _, b := range rep.Budgets {
			for _, share := range cfg.ExecuteBudgets {
				if share == b.Share {
					s := execSet{Name: fmt.Sprintf("%.2g×", b.Share)}
					for _, ix := range b.Indexes {
						s.Indexes = append(s.Indexes, ix.Def)
					}
					sets = append(sets, s)
				}
			}
		}
		sets = append(sets, cfg.ExecuteSets...)
		cfg.logf("measured execution: %d sets, %d rounds after a warm-up", len(sets), cfg.Execute.Rounds)
		if rep.Exec, err = executeSets(ctx, cfg, admin, sets, *cfg.Execute); err != nil {
			return nil, err
		}
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// setup creates the hypopg extension and loads the data, on an admin
// connection of its own.
func setup(ctx context.Context, cfg config, admin *pgx.Conn, rep *report) error {
	if _, err := admin.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS hypopg"); err != nil {
		return fmt.Errorf("creating the hypopg extension (apt-get install postgresql-15-hypopg): %w", err)
	}
	if cfg.Load {
		cfg.logf("loading TPC-H at SF %g", cfg.SF)
		var trace func(string, time.Duration)
		if cfg.Verbose {
			trace = func(stmt string, d time.Duration) { cfg.logf("  %6.2fs  %s", d.Seconds(), stmt) }
		}
		st, err := load(ctx, admin, cfg.SF, trace)
		if err != nil {
			return fmt.Errorf("loading: %w", err)
		}
		rep.Load, rep.Loaded = st, true
		cfg.logf("loaded in %v: lineitem %d rows", st.Elapsed.Round(time.Millisecond), st.Rows["lineitem"])
	} else {
		st, err := tableSizes(ctx, admin)
		if err != nil {
			return err
		}
		rep.Load = st
	}
	for _, b := range rep.Load.HeapBytes {
		rep.DataBytes += b
	}
	return nil
}

// queriesSource hands the queries to the pipeline: each parameter set
// once, the validation values first (so that they are each shape's sample,
// the text whatif explains).
func queriesSource(cfg config) *pipeline.Source {
	fraction := 0.0001 / cfg.SF
	return &pipeline.Source{Name: "tpch", Read: func(emit func(*capture.Statement) error) (*capture.Stats, error) {
		st := &capture.Stats{Name: "tpch", Format: capture.FormatSQL}
		for v := 0; v < cfg.Variants; v++ {
			for _, q := range queries {
				st.Lines++
				st.Statements++
				if err := emit(&capture.Statement{Query: []byte(q.SQL(v, fraction)), Calls: 1, Line: st.Lines}); err != nil {
					return nil, err
				}
			}
		}
		return st, nil
	}}
}

// shapesOf checks that the analyzer read every query, one shape each, and
// returns the query number of each shape.
func shapesOf(w *analyzer.Workload, cfg config) (map[string]int, error) {
	for r, s := range w.Skipped {
		return nil, fmt.Errorf("the analyzer skipped %d statement(s): %s at %v", s.Count, r, s.Where)
	}
	fraction := 0.0001 / cfg.SF
	shapeOf := map[string]int{}
	for _, s := range w.Shapes {
		for _, q := range queries {
			if s.SampleQuery == q.SQL(0, fraction) {
				shapeOf[s.Fingerprint] = q.n
			}
		}
	}
	if len(w.Shapes) != len(queries) || len(shapeOf) != len(queries) {
		return nil, fmt.Errorf("the analyzer found %d shapes for %d queries", len(w.Shapes), len(queries))
	}
	return shapeOf, nil
}

// evaluateBudget advises at one budget, through pgadvise's pipeline with
// its planner check (what --verify does, for its verdicts, its call count
// and its combined measure over the verified indexes; the indexes it finds
// unused are kept, to be measured too), and measures the result.
func evaluateBudget(ctx context.Context, cfg config, schema *catalog.Schema,
	ev *evaluator, ro *pgx.Conn, texts []string, base []queryCost, share float64) (*budgetResult, error) {
	b := &budgetResult{Share: share, Other: map[advisor.Kind]int{}}
	out, err := pipeline.Run(ctx, pipeline.Config{
		Schema: schema, SchemaPath: "tpch", Conn: ro, Statements: queriesSource(cfg),
		Advisor: advisor.Options{BudgetShare: share, MinBenefit: cfg.MinBenefit, MinBenefitIsShare: true},
		Verify:  pipeline.VerifyPlanner, KeepNotUsed: true,
	})
	if err != nil {
		return nil, err
	}
	shapeOf, err := shapesOf(out.Workload, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.AdviceDir != "" {
		if err := writeAdvice(cfg.AdviceDir, share, out.Document); err != nil {
			return nil, err
		}
	}
	res, vrep := out.Advice, out.Verified
	if vrep == nil {
		return nil, fmt.Errorf("the planner check did not run: %s", out.Document.Advice.Verification.Note)
	}
	b.Shapes = len(out.Workload.Shapes)
	b.AdvisorTime = out.AdviseTime
	b.ModelEvaluations, b.BudgetBytes = res.WhatIfEvaluations, res.BudgetBytes

	for _, r := range res.Recommendations {
		if r.Kind != advisor.KindCreateIndex {
			b.Other[r.Kind]++
			continue
		}
		def, err := parseIndex(r.DDL)
		if err != nil {
			return nil, fmt.Errorf("reading the recommendation %s: %w", r.DDL, err)
		}
		b.AdvisorSize += r.SizeBytes
		if pkServes(schema, def) {
			b.PKCopies = append(b.PKCopies, r.Index.Name)
		}
		b.Indexes = append(b.Indexes, indexResult{Name: r.Index.Name, Rec: r, Def: def})
	}
	if err := measureSet(ctx, ev, b, texts, base); err != nil {
		return nil, err
	}

	b.Verify = vrep
	for i := range b.Indexes {
		for _, o := range vrep.Outcomes {
			if o.Index == b.Indexes[i].Rec.Index.Name && o.Verification != nil {
				b.Indexes[i].Status = string(o.Verification.Status)
			}
		}
	}
	var vq []queryCost
	for _, q := range vrep.Queries {
		if n, ok := shapeOf[q.Fingerprint]; ok && q.CostBefore > 0 {
			vq = append(vq, queryCost{N: n, Before: q.CostBefore, After: q.CostAfter})
		}
	}
	b.VerifyRel19, _, _ = measures(vq)
	return b, nil
}

// writeAdvice writes the report of one budget to dir/advice-SHARE.txt
// and, with every statement in full, dir/advice-SHARE.json.
func writeAdvice(dir string, share float64, doc *pgreport.Document) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("-advice: %w", err)
	}
	for _, ext := range []string{"txt", "json"} {
		path := filepath.Join(dir, fmt.Sprintf("advice-%g.%s", share, ext))
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("-advice: %w", err)
		}
		if ext == "txt" {
			err = pgreport.WriteText(f, doc, pgreport.TextOptions{TopQueries: 22})
		} else {
			err = pgreport.WriteJSON(f, doc)
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}

// measureSet measures the index set b.Indexes: all of them at once as
// hypothetical indexes, every query explained. It fills the sizes HypoPG
// gives, the queries' costs and the indexes each plan uses.
func measureSet(ctx context.Context, ev *evaluator, b *budgetResult, texts []string, base []queryCost) error {
	calls0 := ev.calls
	oids := make([]uint32, len(b.Indexes)) // 0: not created
	for i := range b.Indexes {
		ix := &b.Indexes[i]
		switch ix.Def.Method {
		case "btree", "brin", "hash", "bloom":
		default:
			b.Unsupported = append(b.Unsupported, ix.Name)
			continue
		}
		oid, size, err := ev.create(ctx, ix.Def.Hypothetical)
		if err != nil {
			return fmt.Errorf("hypopg_create_index(%s): %w", ix.Def.Hypothetical, err)
		}
		ix.HypoSize = size
		b.HypoSize += size
		oids[i] = oid
	}
	after, err := ev.costs(ctx, texts, oids)
	if err != nil {
		return err
	}
	if err := ev.reset(ctx); err != nil {
		return err
	}
	b.EvalCalls = ev.calls - calls0
	for i := range after {
		after[i].Before = base[i].Before
		var uses []string
		for _, u := range after[i].Uses {
			for j, oid := range oids {
				if oid != 0 && u == fmt.Sprint(oid) {
					b.Indexes[j].UsedBy = append(b.Indexes[j].UsedBy, after[i].N)
					uses = append(uses, b.Indexes[j].Name)
				}
			}
		}
		after[i].Uses = uses
	}
	b.Queries = after
	b.Rel19, b.Rel22, b.Geo22 = measures(after)
	return nil
}

// referenceSet is the textbook heuristic the advisor should beat: a plain
// btree on every foreign-key column that no primary key serves.
var referenceSet = []string{
	"CREATE INDEX ON lineitem (l_partkey)",
	"CREATE INDEX ON lineitem (l_suppkey)",
	"CREATE INDEX ON orders (o_custkey)",
	"CREATE INDEX ON partsupp (ps_suppkey)",
	"CREATE INDEX ON customer (c_nationkey)",
	"CREATE INDEX ON supplier (s_nationkey)",
	"CREATE INDEX ON nation (n_regionkey)",
}

// evaluateReference measures referenceSet.
func evaluateReference(ctx context.Context, ev *evaluator, texts []string, base []queryCost) (*budgetResult, error) {
	b := &budgetResult{Reference: true, Other: map[advisor.Kind]int{}}
	for _, ddl := range referenceSet {
		def, err := parseIndex(ddl)
		if err != nil {
			return nil, err
		}
		b.Indexes = append(b.Indexes, indexResult{Name: def.Table + "_" + strings.Join(def.Keys, "_") + "_idx", Def: def})
	}
	return b, measureSet(ctx, ev, b, texts, base)
}

// buildSizes creates each distinct index of the results for real, one at a
// time in a transaction that is rolled back, and records its size
// (pg_relation_size): the figure the advisor's estimate and HypoPG's are
// compared with. It writes, so it runs only on data the benchmark loaded.
func buildSizes(ctx context.Context, admin *pgx.Conn, results []*budgetResult) error {
	built := map[string]int64{}
	for _, b := range results {
		b.BuiltSize = 0
		for i := range b.Indexes {
			ix := &b.Indexes[i]
			size, ok := built[ix.Def.Hypothetical]
			if !ok {
				tx, err := admin.Begin(ctx)
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, "SET LOCAL maintenance_work_mem = '256MB'"); err != nil {
					tx.Rollback(ctx)
					return err
				}
				if _, err := tx.Exec(ctx, ix.Def.Named); err != nil {
					tx.Rollback(ctx)
					return fmt.Errorf("building %s: %w", ix.Def.Named, err)
				}
				if err := tx.QueryRow(ctx, "SELECT pg_relation_size('"+probeIndex+"')").Scan(&size); err != nil {
					tx.Rollback(ctx)
					return err
				}
				if err := tx.Rollback(ctx); err != nil {
					return err
				}
				built[ix.Def.Hypothetical] = size
			}
			ix.BuiltSize = size
			b.BuiltSize += size
		}
	}
	return nil
}

// probeIndex names the indexes buildSizes creates.
const probeIndex = "pgadvise_tpch_size_probe"

// measures returns the 19-query and 22-query relative costs and the
// geometric mean of the per-query ratios.
func measures(qs []queryCost) (rel19, rel22, geo float64) {
	var b19, a19, b22, a22, logs float64
	n := 0
	for _, q := range qs {
		b22 += q.Before
		a22 += q.After
		if !excludedFromHeadline[q.N] {
			b19 += q.Before
			a19 += q.After
		}
		if q.Before > 0 {
			logs += math.Log(q.After / q.Before)
			n++
		}
	}
	if b19 == 0 || b22 == 0 || n == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	return a19 / b19, a22 / b22, math.Exp(logs / float64(n))
}

// pkServes reports whether a table's primary key already serves def: a
// plain btree whose keys are a leading prefix of the primary key's, with no
// INCLUDE and no predicate. HypoPG charges a hypothetical btree no descent
// cost, so such a copy would look cheaper than the real key.
func pkServes(schema *catalog.Schema, def indexDef) bool {
	t := schema.Lookup("", def.Table)
	if t == nil || len(t.PrimaryKey) == 0 || def.Method != "btree" || def.Where != "" || len(def.Include) > 0 {
		return false
	}
	if len(def.Keys) > len(t.PrimaryKey) {
		return false
	}
	for i, k := range def.Keys {
		if k != t.PrimaryKey[i] {
			return false
		}
	}
	return true
}

// parseIndex takes a CREATE INDEX statement apart with PostgreSQL's parser.
func parseIndex(ddl string) (indexDef, error) {
	tree, err := pg_query.Parse(ddl)
	if err != nil {
		return indexDef{}, err
	}
	if len(tree.Stmts) != 1 || tree.Stmts[0].Stmt.GetIndexStmt() == nil {
		return indexDef{}, errors.New("not one CREATE INDEX statement")
	}
	st := tree.Stmts[0].Stmt.GetIndexStmt()
	def := indexDef{Table: st.GetRelation().GetRelname(), Method: st.GetAccessMethod()}
	if def.Method == "" {
		def.Method = "btree"
	}
	elem := func(n *pg_query.Node) string {
		e := n.GetIndexElem()
		if e == nil {
			return "?"
		}
		if e.Name != "" {
			return e.Name
		}
		return "(expression)"
	}
	for _, n := range st.GetIndexParams() {
		def.Keys = append(def.Keys, elem(n))
	}
	for _, n := range st.GetIndexIncludingParams() {
		def.Include = append(def.Include, elem(n))
	}
	if st.WhereClause != nil {
		def.Where = "where"
	}
	st.Concurrent, st.IfNotExists, st.Idxname = false, false, ""
	if def.Hypothetical, err = pg_query.Deparse(tree); err != nil {
		return indexDef{}, err
	}
	st.Idxname = probeIndex
	if def.Named, err = pg_query.Deparse(tree); err != nil {
		return indexDef{}, err
	}
	return def, nil
}

// evaluator runs HypoPG steps on one dedicated connection: hypothetical
// indexes live in the backend that created them.
type evaluator struct {
	conn    *pgx.Conn
	fn      string // HypoPG's schema, quoted, with a dot
	version string
	calls   int // index creations + EXPLAINs
}

func newEvaluator(ctx context.Context, conn *pgx.Conn) (*evaluator, error) {
	ev := &evaluator{conn: conn}
	var schema string
	err := conn.QueryRow(ctx, `SELECT n.nspname, e.extversion FROM pg_extension e
		JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hypopg'`).Scan(&schema, &ev.version)
	if err != nil {
		return nil, fmt.Errorf("looking for hypopg: %w", err)
	}
	ev.fn = pgx.Identifier{schema}.Sanitize() + "."
	return ev, ev.reset(ctx)
}

func (ev *evaluator) reset(ctx context.Context) error {
	_, err := ev.conn.Exec(ctx, "SELECT "+ev.fn+"hypopg_reset()")
	return err
}

func (ev *evaluator) create(ctx context.Context, ddl string) (oid uint32, size int64, err error) {
	ev.calls++
	if err = ev.conn.QueryRow(ctx, "SELECT indexrelid FROM "+ev.fn+"hypopg_create_index($1)", ddl).Scan(&oid); err != nil {
		return
	}
	err = ev.conn.QueryRow(ctx, "SELECT "+ev.fn+"hypopg_relation_size($1)", oid).Scan(&size)
	return
}

// costs EXPLAINs each query (never EXPLAIN ANALYZE) and returns its total
// cost and which of the hypothetical indexes oids its plan scans (as oid
// strings; 0 entries are skipped).
func (ev *evaluator) costs(ctx context.Context, texts []string, oids []uint32) ([]queryCost, error) {
	out := make([]queryCost, len(texts))
	for i, text := range texts {
		ev.calls++
		var doc []byte
		if err := ev.conn.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+text, pgx.QueryExecModeSimpleProtocol).Scan(&doc); err != nil {
			return nil, fmt.Errorf("explaining %s: %w", queries[i].Name(), err)
		}
		cost, idx, err := readPlan(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", queries[i].Name(), err)
		}
		out[i] = queryCost{N: queries[i].n, Before: cost, After: cost}
		for _, name := range idx {
			for _, oid := range oids {
				if oid != 0 && strings.HasPrefix(name, fmt.Sprintf("<%d>", oid)) {
					out[i].Uses = appendOnce(out[i].Uses, fmt.Sprint(oid))
				}
			}
		}
	}
	return out, nil
}

func appendOnce(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// readPlan returns the top node's total cost and every index name in an
// EXPLAIN (FORMAT JSON) document.
func readPlan(doc []byte) (float64, []string, error) {
	var out []struct {
		Plan map[string]any `json:"Plan"`
	}
	if err := json.Unmarshal(doc, &out); err != nil || len(out) != 1 {
		return 0, nil, fmt.Errorf("reading the plan: %v", err)
	}
	cost, _ := out[0].Plan["Total Cost"].(float64)
	var names []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "Index Name" {
					names = append(names, s)
				} else {
					walk(x)
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(out[0].Plan)
	sort.Strings(names)
	return cost, names, nil
}

func nproc() int { return runtime.GOMAXPROCS(0) }
