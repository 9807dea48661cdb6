// Package advisor turns a workload's access patterns into recommendations:
// indexes to create, indexes to drop, and the candidates it considered and
// rejected, each with the evidence behind it.
//
// The advisor generates index candidates from every table access
// (candidates.go), prices each query shape's access with and without them in
// one cost model (costmodel.go), and chooses a set greedily in the spirit of
// Extend (Schlosser et al., ICDE 2019): each step adds, or widens, the index
// with the best net benefit per byte given the indexes already chosen, until
// the storage budget is spent or nothing gains enough; a final pass drops
// choices later ones made useless (prune) and merges chosen near-duplicates
// (consolidate); the chosen indexes are then checked by the rules hygiene
// applies to existing ones (reconcile.go), and the search resumes until
// nothing changes. Index hygiene (hygiene.go), summary tables (summary.go)
// and partition keys (partition.go) are priced in the same model, after the
// chosen indexes. Selectivities come from the statistics where the catalog
// has them, histograms included (histogram.go).
package advisor

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/catalog"
)

// Kind is the kind of a recommendation.
type Kind string

// Recommendation kinds.
const (
	KindCreateIndex Kind = "create_index"
	KindDropIndex   Kind = "drop_index"
	// KindUnusedIndex flags an index no query of the workload uses: a
	// candidate for dropping only once live statistics confirm it.
	KindUnusedIndex Kind = "unused_index"
	// KindSummaryTable proposes a materialized view or summary table for a
	// hot aggregate shape.
	KindSummaryTable Kind = "summary_table"
	// KindPartition proposes declarative partitioning of a large table.
	KindPartition Kind = "partition"
)

// Recommendation is one piece of advice, with its evidence: a header every
// kind has (what, where, why, at what cost and for which queries) and the
// detail of its kind, exactly one of Index, Summary, Partition and
// Distribution.
type Recommendation struct {
	Kind  Kind
	Table catalog.QualifiedName
	// DDL is the statement to run.
	DDL string
	// DownDDL reverses DDL: DROP INDEX CONCURRENTLY for a create, the
	// index's definition for a drop.
	DownDDL string
	// Steps holds a multi-step plan (summary tables, partitioning): each a
	// statement or a comment line, in order; DDL holds the first step.
	Steps []string
	// Benefit is the estimated read cost saved over the workload, in planner
	// cost units (for a drop: the write cost saved).
	Benefit float64
	// WriteCost is the estimated write (index maintenance) cost over the
	// workload, in the same units.
	WriteCost float64
	// SizeBytes is the index's estimated size (for a drop, what is freed).
	SizeBytes int64
	// SavedMS estimates the observed execution time saved, where the input
	// had durations: Σ calls × mean time × the share of cost saved.
	SavedMS float64
	// Queries are the fingerprints of the shapes the recommendation serves
	// (or, for a rejected one, would have served), most gain first.
	Queries []string
	// Reason is one sentence a person can check.
	Reason string
	// Confidence is "high", or "low" for advice the workload alone cannot
	// settle (an index no captured query used).
	Confidence string
	// ContainsLiteral says that DDL holds a constant of the workload (a
	// partial index's WHERE status = '…'): a value of the data, which the
	// DDL needs but a reader of the report may not expect. The index name
	// and the reason never show it (unless Options.ShowValues).
	ContainsLiteral bool
	// Verification is the planner's verdict, when --verify ran.
	Verification *Verification

	// Index details an index to create or drop (create_index, drop_index,
	// unused_index).
	Index *IndexDetail
	// Summary details a summary table (summary_table).
	Summary *SummaryDetail
	// Partition details a declarative partitioning (partition).
	Partition *PartitionDetail
	// Distribution details a Citus distribution (partition, low confidence).
	Distribution *DistributionDetail
}

// IndexDetail is what an index recommendation creates or drops.
type IndexDetail struct {
	// Name is the index's name.
	Name string
	// SupersededBy names, for a drop, the recommended index that replaces
	// the dropped one: the drop stands or falls with that creation.
	SupersededBy string
}

// SummaryDetail is what a summary table recommendation builds.
type SummaryDetail struct {
	// Name is the materialized view's name.
	Name string
	// RewrittenQueries shows how each served query reads from it.
	RewrittenQueries []RewrittenQuery
}

// PartitionDetail is a declarative partitioning of the table.
type PartitionDetail struct {
	// Parent is the partitioned table the plan builds beside the table
	// ("orders_partitioned"), to take its place.
	Parent string
	// Key is the partition key column, and Strategy how it partitions:
	// range, list or hash.
	Key      string
	Strategy string
	// PrunedShare is the share of calls whose filters prune to one or a
	// few partitions.
	PrunedShare float64
}

// DistributionDetail is a Citus distribution of the table and the tables
// it joins, by one column.
type DistributionDetail struct {
	// Column is the distribution column.
	Column string
	// PrunedShare is the share of calls that route to one shard.
	PrunedShare float64
}

// StrategyCitus is the strategy a Citus distribution reports beside the
// partitioning strategies (range, list, hash).
const StrategyCitus = "citus_distributed"

// Partitioning is how a partitioning or a Citus distribution splits the
// table: the column, the strategy (range, list, hash, or StrategyCitus) and
// the share of calls that prune to few partitions or shards; all empty for
// the other kinds.
func (r *Recommendation) Partitioning() (key, strategy string, prunedShare float64) {
	switch {
	case r.Partition != nil:
		return r.Partition.Key, r.Partition.Strategy, r.Partition.PrunedShare
	case r.Distribution != nil:
		return r.Distribution.Column, StrategyCitus, r.Distribution.PrunedShare
	}
	return "", "", 0
}

// Name is the name of what the recommendation creates or drops: the
// index, the summary table, the partitioned table; "" for a distribution,
// which creates nothing of its own.
func (r *Recommendation) Name() string {
	switch {
	case r.Index != nil:
		return r.Index.Name
	case r.Summary != nil:
		return r.Summary.Name
	case r.Partition != nil:
		return r.Partition.Parent
	}
	return ""
}

// RewrittenQuery is a served query as it reads from a summary table.
type RewrittenQuery struct {
	Fingerprint string
	Original    string
	Rewritten   string
	// sample is Rewritten with the sample's values in place, for the
	// equivalence test against a real server.
	sample string
}

// VerificationStatus is the outcome of checking a recommendation with the
// planner.
type VerificationStatus string

// Verification outcomes.
const (
	// Verified: with the index as a hypothetical index, the planner uses it
	// for at least one query and the summed cost of the queries drops.
	Verified VerificationStatus = "verified"
	// NotUsed: the planner did not use the index, or it cut no cost.
	NotUsed VerificationStatus = "not_used"
	// Unverifiable: the planner could not be asked (no HypoPG, an access
	// method HypoPG does not support such as GIN, or no query could be
	// explained).
	Unverifiable VerificationStatus = "unverifiable"
)

// Verification records what the planner said of one recommendation.
type Verification struct {
	Status VerificationStatus
	// Note says why, in a sentence (for not_used and unverifiable).
	Note string
	// CostBefore and CostAfter sum the planner's total cost of the
	// explained queries without and with the hypothetical index.
	CostBefore, CostAfter float64
	// Queries holds each explained query's costs.
	Queries []QueryVerification
}

// QueryVerification is one query's planner cost without and with an index.
type QueryVerification struct {
	Fingerprint           string
	CostBefore, CostAfter float64
	// UsesIndex reports whether the plan with the index scans it.
	UsesIndex bool
	// Error is set when the query could not be explained.
	Error string
}

// Options tune the selection. The zero value means no budget and no minimum.
type Options struct {
	// BudgetBytes caps the total size of created indexes; 0 means no cap.
	BudgetBytes float64
	// BudgetShare, when BudgetBytes is 0, caps it as a share of the data
	// size (the tables' estimated heap size); 0 means no cap.
	BudgetShare float64
	// MinBenefit is the net benefit (read gain minus write cost) an index
	// must bring, in cost units over the workload; with MinBenefitIsShare,
	// as a share of the workload's estimated read cost once the advice is
	// applied (0.005: 0.5%), so that a second run, with the advice built,
	// applies the same minimum and finds nothing new.
	MinBenefit        float64
	MinBenefitIsShare bool
	// MaxRejected caps the rejected list (0: 20).
	MaxRejected int
	// Now dates the first partitions of a partitioning plan (zero: the
	// current time).
	Now time.Time
	// WorkloadSpan is the time the captured workload covers (the log's first
	// to last timestamp, or pg_stat_statements since its reset); 0 when
	// unknown, when DefaultWorkloadSpan is assumed. It sets how many
	// summary refreshes the workload pays for, and turns counts into rates.
	WorkloadSpan time.Duration
	// StatsReset is when the database's activity counters were last reset
	// (pg_stat_database.stats_reset), when known: an index with no scans
	// since then is dropped with confidence only if that is long enough ago
	// to cover the periodic jobs. Nil with live statistics means never reset.
	StatsReset *time.Time
	// ServerStart is the server's start (pg_postmaster_start_time()) and
	// ServerVersionNum its server_version_num (150018), when the statistics
	// are live. With StatsReset nil they bound the counters' window from
	// below on PostgreSQL 15 and later, whose counters survive a clean
	// restart; otherwise the window of counters never reset is unknown, and
	// no unscanned index is dropped with confidence.
	ServerStart      *time.Time
	ServerVersionNum int
	// MaxStaleness is how old the data a summary table serves may be: a
	// materialized view is refreshed this often (0: DefaultMaxStaleness).
	MaxStaleness time.Duration
	// ShowValues lets reasons quote the constants of the workload (a
	// partial index's predicate); without it they read "status = …" and
	// only the DDL holds the value.
	ShowValues bool
	// Priced, when set, is called once for every candidate index priced
	// (the advisor's main work), from several goroutines at once: a
	// progress line counts them.
	Priced func()
}

// DefaultMaxStaleness is the refresh period proposed for a materialized
// view unless told otherwise: the staleness dashboards usually bear.
const DefaultMaxStaleness = 15 * time.Minute

// DefaultWorkloadSpan is the span assumed for a workload without
// timestamps (a .sql file, a pg_stat_statements export).
const DefaultWorkloadSpan = 24 * time.Hour

// minUnusedWindow is how long an index must have gone unscanned to be
// dropped with confidence: a week covers most periodic jobs.
const minUnusedWindow = 7 * 24 * time.Hour

// maxMinBenefitRounds bounds the selections run to settle a minimum
// benefit given as a share of the workload's cost after the advice.
const maxMinBenefitRounds = 6

// settle runs the selection and reconciles its choices (reconcile), then
// runs it again from there until the chosen set no longer changes: prune,
// consolidate and reconcile change the configuration after the greedy
// search ended, and a candidate that pays against the final configuration
// must be chosen now, not by the next run.
func settle(s *selection) {
	key := func() string {
		var sigs []string
		for _, c := range s.chosen {
			sigs = append(sigs, c.ix.signature())
		}
		sort.Strings(sigs)
		return strings.Join(sigs, "\n")
	}
	for i := 0; i < maxMinBenefitRounds; i++ {
		before := key()
		s.run()
		reconcile(s)
		if key() == before {
			return
		}
	}
}

// workloadCost is the workload's read cost under the selection's
// configuration: Σ calls × per-execution cost.
func (s *selection) workloadCost() float64 {
	total := 0.0
	for _, t := range s.m.sortedTables() {
		for _, a := range t.accesses {
			total += a.calls * s.cur[a].run
		}
	}
	return total
}

// DefaultMinBenefitShare is the minimum benefit pgadvise uses unless told
// otherwise, as a share of the workload's estimated cost: an index that
// saves less than 0.5% is not worth a migration.
const DefaultMinBenefitShare = 0.005

// FormatCost writes a planner cost compactly: 812, 25k, 1.2M, 3.4G.
func FormatCost(x float64) string {
	switch ax := math.Abs(x); {
	case ax >= 1e9:
		return fmt.Sprintf("%.1fG", x/1e9)
	case ax >= 1e6:
		return fmt.Sprintf("%.1fM", x/1e6)
	case ax >= 1e4:
		return fmt.Sprintf("%.0fk", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}

// FormatBytes writes a size in binary units: 512 B, 24 KiB, 1.3 GiB.
func FormatBytes(b float64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.0f KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}

// Result is what the advisor found.
type Result struct {
	Recommendations []Recommendation
	Rejected        []Recommendation
	// Assumptions lists the defaults the model used where the catalog had
	// no figures, for the report to state.
	Assumptions []string
	// WorkloadCost and WorkloadCostAfter are the estimated read cost of the
	// whole workload before and after the recommended indexes.
	WorkloadCost, WorkloadCostAfter float64
	// WhatIfEvaluations counts cost evaluations of (access, index) pairs.
	WhatIfEvaluations int
	// MinBenefit and BudgetBytes are the thresholds applied (0: none).
	MinBenefit, BudgetBytes float64
}

// Advise recommends what the workload on the schema needs (nil allowed:
// tables are then modelled from the queries alone, with default sizes):
// the passes of every kind of Kinds in turn, indexes to create first, then
// indexes to drop, summary tables and partitioning.
func Advise(w *analyzer.Workload, schema *catalog.Schema, opt Options) *Result {
	m := buildModel(w, schema)
	m.span, m.spanKnown = opt.WorkloadSpan, opt.WorkloadSpan > 0
	if !m.spanKnown {
		m.span = DefaultWorkloadSpan
	}
	m.staleness = opt.MaxStaleness
	m.showValues = opt.ShowValues
	if opt.Priced != nil {
		m.priced = opt.Priced
	}
	if m.staleness <= 0 {
		m.staleness = DefaultMaxStaleness
	}
	m.boundDeleteRows()
	res := &Result{}
	res.Assumptions = m.assumptions()
	for _, t := range m.sortedTables() {
		for _, a := range t.accesses {
			res.WorkloadCost += a.calls * a.base
		}
	}
	minBenefit := opt.MinBenefit
	if opt.MinBenefitIsShare {
		minBenefit = opt.MinBenefit * res.WorkloadCost
	}
	budget := opt.BudgetBytes
	if budget == 0 && opt.BudgetShare > 0 {
		budget = opt.BudgetShare * m.dataBytes()
	}
	res.MinBenefit, res.BudgetBytes = minBenefit, budget
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	r := &run{m: m, w: w, opt: opt, res: res, minBenefit: minBenefit, budget: budget, now: now}
	done := map[*pass]bool{}
	for _, k := range kinds {
		if done[k.pass] {
			continue
		}
		done[k.pass] = true
		recs, rejected := k.pass.run(r)
		res.Recommendations = append(res.Recommendations, recs...)
		res.Rejected = append(res.Rejected, rejected...)
	}
	return res
}

// indexPass makes the create_index recommendations: selectIndexes.
var indexPass = &pass{run: (*run).selectIndexes}

// selectIndexes is the create_index pass: it chooses the indexes to create
// (and the existing ones they supersede), leaving the selection and the
// cost of each access after it in the run for the passes that follow.
func (r *run) selectIndexes() (recs, rejected []Recommendation) {
	m, opt, res := r.m, r.opt, r.res
	minBenefit := r.minBenefit
	sel := settleBudget(m, r.budget, minBenefit)
	if b := m.bound; b.tables > 0 {
		res.Assumptions = append(res.Assumptions, fmt.Sprintf("%d table(s) had more than %s index candidates: %s candidates with the fewest votes (the workload cost of the accesses that proposed them) were not priced, and the advice on those tables may leave out an index pricing them all would choose",
			b.tables, groupThousands(int64(cmp.Or(m.maxTableCandidates, maxTableCandidates))), groupThousands(int64(b.dropped))))
	}
	res.WhatIfEvaluations = sel.evaluations
	res.WorkloadCostAfter = sel.workloadCost()
	// A minimum that is a share of the workload's cost falls as the advice
	// makes the workload cheaper: chosen against the cost before, a second
	// run with the advice built would find candidates this one rejected as
	// too small. The selection is run again with the share of the cost
	// after, until that settles (each run lowers the minimum, so it ends).
	for i := 0; opt.MinBenefitIsShare && i < maxMinBenefitRounds; i++ {
		next := opt.MinBenefit * res.WorkloadCostAfter
		if next >= minBenefit*(1-1e-6) {
			break
		}
		minBenefit = next
		sel = settleBudget(m, r.budget, minBenefit)
		res.WhatIfEvaluations += sel.evaluations
		res.WorkloadCostAfter = sel.workloadCost()
	}
	res.MinBenefit = minBenefit
	r.minBenefit, r.sel = minBenefit, sel
	recs = sel.recommendations()
	r.after = map[*accessModel]float64{} // run cost per access after the advice
	for _, t := range m.sortedTables() {
		for _, a := range t.accesses {
			r.after[a] = sel.cur[a].run
		}
	}
	max := opt.MaxRejected
	if max == 0 {
		max = 20
	}
	rejected = sel.rejected(max)
	// The passes that follow read the chosen set and the configuration
	// alone: the pool (hundreds of thousands of priced candidates at
	// scale) can go before they allocate their own.
	pooled := len(m.pool)
	m.pool = nil
	sel.releasePool()
	if pooled >= collectAfterPool {
		// The collector would next run when the heap reaches twice what
		// was live at its last run, during pricing, pool and all: the
		// summary analyses that follow would fill the room the pool
		// left up to that mark, the run's peak (at 100k shapes: 645 MB
		// of heap here, the next collection due at 1,003 MB, reached at
		// 907 MB). Collected now, the mark is twice what is live
		// without the pool (303 MB). One collection that would have
		// run anyway, a little earlier.
		runtime.GC()
	}
	return recs, rejected
}

// collectAfterPool is the size of the priced pool from which the index
// pass has the collector run once it lets the pool go (selectIndexes):
// below it, the pool's memory is too small to be worth a collection.
const collectAfterPool = 50_000

// model is the workload laid over the tables.
type model struct {
	tables map[catalog.QualifiedName]*tableModel
	// shapeAccesses lists each shape's accesses.
	shapeAccesses map[*analyzer.QueryShape][]*accessModel
	schema        *catalog.Schema
	noStats       int
	assumedPK     int // tables given an assumed primary key on id
	// span is the time the workload covers (DefaultWorkloadSpan when
	// spanKnown is false).
	span      time.Duration
	spanKnown bool
	// staleness is the refresh period of a materialized view.
	staleness time.Duration
	// showValues: reasons may quote the workload's constants.
	showValues bool
	// priced is Options.Priced (a no-op without it).
	priced func()
	// pool is the priced candidates, once a selection made them
	// (selection.pricedPool).
	pool []*candidate
	// maxTableCandidates is the bound on a table's priced candidates (0:
	// the constant maxTableCandidates; tests set it lower), and bound what
	// it left out once the pool was made.
	maxTableCandidates int
	bound              tableBound
	// sorted is sortedTables(), once made.
	sorted []*tableModel
	// deparsed keeps the SQL of column references for the summaries'
	// query rewrites.
	deparsed analyzer.DeparseCache
}

// rate renders n events of the workload, and their rate where its span is
// known and at least an hour: "1,200 calls (~50/h)".
func (m *model) rate(n float64, noun string) string {
	s := groupThousands(int64(math.Round(n))) + " " + noun
	if !m.spanKnown || m.span < time.Hour {
		return s // a rate over less than an hour is an extrapolation
	}
	h := m.span.Hours()
	switch per := n / h; {
	case h <= 0:
	case per >= 10:
		s += fmt.Sprintf(" (~%s/h)", groupThousands(int64(math.Round(per))))
	default:
		s += fmt.Sprintf(" (~%.1f/h)", per)
	}
	return s
}

func buildModel(w *analyzer.Workload, schema *catalog.Schema) *model {
	m := &model{tables: map[catalog.QualifiedName]*tableModel{}, schema: schema, shapeAccesses: map[*analyzer.QueryShape][]*accessModel{},
		priced: func() {}}
	table := func(name catalog.QualifiedName) *tableModel {
		t := m.tables[name]
		if t == nil {
			t = newTableModel(name, schema.Lookup(name.Schema, name.Name))
			if !t.stats {
				m.noStats++
			}
			if t.table != nil {
				for i := range t.table.Indexes {
					t.existing = append(t.existing, existingIndex(t, &t.table.Indexes[i], schema))
				}
			} else {
				// A table the schema lacks (or no schema): assume what
				// nearly every application has, a primary key on id.
				pk := &catalog.Index{Name: name.Name + "_pkey", Table: name, Method: "btree", Unique: true,
					Constraint: catalog.ConstraintPrimaryKey, Keys: []catalog.IndexKey{{Column: "id"}}}
				t.existing = append(t.existing, existingIndex(t, pk, schema))
				t.unique["id"] = true
				m.assumedPK++
			}
			m.tables[name] = t
		}
		return t
	}
	if schema != nil {
		for _, t := range schema.SortedTables() {
			if t.Kind == catalog.KindTable || t.Kind == catalog.KindPartitionedTable || t.Kind == catalog.KindMaterializedView {
				table(t.Name)
			}
		}
	}
	for _, s := range w.Shapes {
		if s.Calls == 0 {
			continue
		}
		var accs []*accessModel
		for _, a := range s.Access {
			t := table(a.Table)
			am := newAccessModel(s, a, t)
			am.needed = t.sharedSet(am.needed) // shapes read the same few columns
			accs = append(accs, am)
			t.accesses = append(t.accesses, am)
			if a.Write != "" {
				t.writes = append(t.writes, newWriteModel(s, am))
			}
		}
		m.shapeAccesses[s] = accs
		for _, am := range accs {
			am.siblings = accs
		}
		joinSizes(accs)
	}
	for _, t := range m.tables {
		t.indexAccesses()
		for _, a := range t.accesses {
			a.seq, a.seqKnown = a.scanCost(), true
			a.base = a.cost(t.existing)
		}
	}
	return m
}

// maxNarrowingJoins is how many joins away a unique-key partner's filters
// still narrow a probe's outer side (TPC-H Q5: lineitem ← orders ←
// customer ← nation ← region).
const maxNarrowingJoins = 4

// joinSizes sets, for each join column of each access, its outer side: the
// rows of the smallest partner joined on that column, counting that
// partner's own filters and, one step further, the filters that reach it
// through its other joins (supplier narrowed by the nation it joins). A
// partner's narrowing that came through this access itself is not counted
// back. Each column has its own: lineitem probed by l_suppkey runs once per
// supplier row, by l_orderkey once per order.
func joinSizes(accs []*accessModel) {
	// Most shapes join nothing: their accesses keep nil maps (read as
	// empty), and none of the work below, which only concerns joins.
	joined := false
	for _, a := range accs {
		joined = joined || len(a.acc.Joins) > 0
	}
	if !joined {
		return
	}
	partnersOn := func(a *accessModel, j analyzer.Join) []*accessModel {
		var out []*accessModel
		for _, b := range accs {
			if b != a && b.acc.Table == j.Other {
				out = append(out, b)
			}
		}
		return out
	}
	partners := func(a *accessModel) []*accessModel {
		var out []*accessModel
		for _, j := range a.acc.Joins {
			out = append(out, partnersOn(a, j)...)
		}
		return out
	}
	own := func(b *accessModel) float64 { return b.rowsOut() / math.Max(b.t.rows, 1) }
	// One step: each access narrowed by its most selective partner.
	eff := map[*accessModel]float64{}
	via := map[*accessModel]*accessModel{}
	for _, a := range accs {
		eff[a] = a.rowsOut()
		for _, b := range partners(a) {
			if e := a.rowsOut() * own(b); e < eff[a] {
				eff[a], via[a] = math.Max(1, e), b
			}
		}
	}
	// Further steps, through unique keys only: a table joined on its
	// unique key passes its narrowing on whole to the table that joins it,
	// and the narrowings of several such partners multiply (orders, joined
	// to customer by c_custkey, narrowed by the nation customer joins, and
	// by the region that nation joins: TPC-H Q5 and Q7, where the planner
	// probes lineitem once per order of one region's customers, not once
	// per order of the date range).
	//
	// Join columns are equal in classes, as the planner's equivalence
	// classes make them: in Q5, customer joins supplier on c_nationkey =
	// s_nationkey and supplier joins nation, so customer is narrowed by
	// nation (and region) as if it joined it.
	type colRef struct {
		a   *accessModel
		col string
	}
	class := map[colRef]*[]colRef{}
	for _, a := range accs {
		for _, j := range a.acc.Joins {
			for _, b := range partnersOn(a, j) {
				x, y := colRef{a, j.Column}, colRef{b, j.OtherColumn}
				cx, cy := class[x], class[y]
				switch {
				case cx == nil && cy == nil:
					c := &[]colRef{x, y}
					class[x], class[y] = c, c
				case cx == nil:
					*cy = append(*cy, x)
					class[x] = cy
				case cy == nil:
					*cx = append(*cx, y)
					class[y] = cx
				case cx != cy:
					for _, r := range *cy {
						*cx = append(*cx, r)
						class[r] = cx
					}
				}
			}
		}
	}
	// narrowed is the share of b's rows left once the partners joined to
	// it on their unique keys have narrowed it, along paths of at most
	// depth joins that never come back to an access already on the path
	// (the probed access itself first: its own filters are not its
	// outer side).
	var narrowed func(b *accessModel, path []*accessModel, depth int) float64
	narrowed = func(b *accessModel, path []*accessModel, depth int) float64 {
		share := own(b)
		if depth == 0 {
			return share
		}
		path = append(path[:len(path):len(path)], b)
		seen := map[*[]colRef]bool{} // each class narrows once
		for _, k := range b.acc.Joins {
			same := class[colRef{b, k.Column}]
			if same == nil || seen[same] { // no partner read in the shape
				continue
			}
			seen[same] = true
			step := 1.0
			for _, r := range *same {
				// Joins name a table, not an alias, so a class cannot
				// tell Q7's two nations apart: no table narrows itself
				// (a self-join is left alone with them).
				if r.a.t != b.t && !slices.Contains(path, r.a) && r.a.t.unique[r.col] {
					step = math.Min(step, narrowed(r.a, path, depth-1))
				}
			}
			share *= step
		}
		return share
	}
	// Locality: rows of a table that follows its join column's order,
	// scanned in heap order, probe a partner that follows its own join
	// column's order page after page; the same rows in another order (an
	// index on another column) make each probe a random page read. The
	// planner does not see it: orders read by o_orderdate made TPC-H Q3 and
	// Q4 30% slower through their lineitem_pkey probes.
	for _, a := range accs {
		if len(a.acc.Joins) == 0 {
			continue // nil maps, read as empty
		}
		for _, j := range a.acc.Joins {
			for _, b := range partnersOn(a, j) {
				if b.t.clusteredOn(j.OtherColumn) {
					setTrue(&a.probeInOrder, j.Column)
					// Its own rows, read in heap order: the probe's rows are
					// on the page just read when a value's rows fit on one.
					if b.t == a.t && j.OtherColumn == j.Column && a.t.distinct(j.Column) >= a.t.pages {
						setTrue(&a.probeHot, j.Column)
					}
				}
			}
			if c, ok := a.t.correlation(j.Column); !ok || math.Abs(c) < clusteredCorrelation {
				continue
			}
			for _, b := range partnersOn(a, j) {
				if b.t.clusteredOn(j.OtherColumn) {
					a.outOfOrder += randomFetchCost
				}
			}
		}
	}
	// A grouped IN subquery under a parallel plan runs in every process.
	for _, a := range accs {
		if !a.groupedSemi {
			continue
		}
		for _, b := range partners(a) {
			if b.t.pages*pageSize >= minParallelTableScanSize {
				a.copies = parallelProcesses
			}
		}
	}
	// Probes driven by small tables, in a query with a large one.
	large := func(b *accessModel) bool { return b.t.pages*pageSize >= minParallelTableScanSize }
	for _, a := range accs {
		if len(a.acc.Joins) == 0 {
			continue
		}
		for _, j := range a.acc.Joins {
			small, other := len(partnersOn(a, j)) > 0, false
			for _, b := range partnersOn(a, j) {
				small = small && !large(b)
			}
			for _, k := range a.acc.Joins {
				for _, b := range partnersOn(a, k) {
					other = other || (k.Column != j.Column && large(b))
				}
			}
			if small && other {
				if a.probeCopies == nil {
					a.probeCopies = map[string]float64{}
				}
				a.probeCopies[j.Column] = parallelProcesses
			}
		}
	}
	// Per join column: the rows that drive its probes, and the partner's
	// own rows the planner amortizes them over.
	for _, a := range accs {
		if len(a.acc.Joins) == 0 {
			continue
		}
		for _, j := range a.acc.Joins {
			for _, b := range partnersOn(a, j) {
				rows := eff[b]
				if via[b] == a {
					rows = b.rowsOut()
				}
				rows = math.Min(rows, b.t.rows*narrowed(b, []*accessModel{a}, maxNarrowingJoins))
				if a.outer == nil {
					a.outer = map[string]outerSide{}
				}
				o := a.outer[j.Column]
				if o.rows == 0 || rows < o.rows {
					o.rows = math.Max(1, rows)
					o.run = math.Max(1, rows)
					if b.guessed {
						o.run = math.Min(math.Max(rows*guessFactor, 1), math.Max(b.t.rows, 1))
					}
				}
				if o.loopBase == 0 || b.rowsOut() < o.loopBase {
					o.loopBase = math.Max(1, b.rowsOut())
				}
				a.outer[j.Column] = o
			}
		}
	}
}

// setTrue sets (*m)[k], making the map if there is none: most accesses
// keep nil maps, read as empty.
func setTrue(m *map[string]bool, k string) {
	if *m == nil {
		*m = map[string]bool{}
	}
	(*m)[k] = true
}

func newWriteModel(s *analyzer.QueryShape, a *accessModel) *writeModel {
	w := &writeModel{shape: s, acc: a, kind: a.acc.Write, calls: float64(s.Calls), setCols: a.acc.SetColumns}
	switch {
	case s.Rows > 0 && s.Calls > 0:
		w.rows = float64(s.Rows) / float64(s.Calls)
	case w.kind == analyzer.KindCopy:
		w.rows = defaultCopyRows
	case w.kind == analyzer.KindInsert:
		w.rows = 1
	default:
		w.rows = math.Min(a.rowsOut(), a.t.rows)
	}
	return w
}

// boundDeleteRows bounds the rows of DELETEs whose rows the capture does
// not give, where the filter's selectivity alone (a third of the table for
// a range without statistics) would empty the table every few runs. A
// retention DELETE (WHERE created_at < now() - interval '30 days') run
// every T (the workload's span over its calls) keeps the table to W of data
// and removes T of it a run: T/W of its rows. A batched one removes at most
// its subquery's LIMIT.
func (m *model) boundDeleteRows() {
	for _, t := range m.tables {
		for _, w := range t.writes {
			if w.kind != analyzer.KindDelete || w.shape.Rows > 0 || w.calls <= 0 {
				continue
			}
			for _, p := range w.acc.preds {
				off := p.p.FromNow
				if off == nil || *off >= 0 || p.p.Op != analyzer.OpRange || (p.p.Operator != "<" && p.p.Operator != "<=") {
					continue
				}
				every := m.span.Seconds() / w.calls
				share := math.Min(1, every/(-off.Seconds()))
				w.rows = math.Max(1, math.Min(w.rows, t.rows*share))
				break
			}
			// A batched DELETE … WHERE id IN (SELECT id … LIMIT n) removes
			// at most n rows a run.
			for _, b := range w.acc.siblings {
				if b != w.acc && b.acc.Semi && b.limit > 0 && joinsTo(w.acc, b) {
					w.rows = math.Max(1, math.Min(w.rows, b.limit))
				}
			}
		}
	}
}

// joinsTo reports whether access a joins access b's table.
func joinsTo(a, b *accessModel) bool {
	for _, j := range a.acc.Joins {
		if j.Other == b.acc.Table {
			return true
		}
	}
	return false
}

// existingIndex models an index of the catalog.
func existingIndex(t *tableModel, ix *catalog.Index, schema *catalog.Schema) *indexModel {
	m := &indexModel{t: t, name: ix.Name, method: ix.Method, include: ix.Include, unique: ix.Unique, existing: ix, predText: ix.Predicate}
	if m.method == "" {
		m.method = "btree"
	}
	for i, k := range ix.Keys {
		key := indexKey{column: k.Column, desc: k.Desc}
		if k.Column != "" {
			key.key = k.Column
		} else {
			key.key, key.expr = normalizeExpr(k.Expression), k.Expression
		}
		if i == 0 {
			m.opclass = k.Opclass
		}
		m.keys = append(m.keys, key)
	}
	if ix.Predicate != "" {
		if ps, err := analyzer.ParsePredicates(schema, t.name, ix.Predicate); err == nil {
			m.predicate = ps
		} else {
			// An unreadable predicate: the model must not think it
			// serves queries it may not.
			m.predicate = []analyzer.Predicate{{Target: analyzer.ColumnRef{Expr: ix.Predicate}, Op: analyzer.OpOther}}
		}
	}
	m.finish()
	return m
}

// dataBytes is the estimated heap size of all tables.
func (m *model) dataBytes() float64 {
	total := 0.0
	for _, t := range m.tables {
		total += t.pages * pageSize
	}
	return total
}

// sortedTables lists the tables by name. The list is made once (the
// tables are all known once the model is built); callers must not change it.
func (m *model) sortedTables() []*tableModel {
	if len(m.sorted) == len(m.tables) {
		return m.sorted
	}
	m.sorted = m.makeSortedTables()
	return m.sorted
}

func (m *model) makeSortedTables() []*tableModel {
	out := make([]*tableModel, 0, len(m.tables))
	for _, t := range m.tables {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name.String() < out[j].name.String() })
	return out
}

func (m *model) assumptions() []string {
	var out []string
	if m.schema == nil {
		out = append(out, "no schema: tables, columns and existing indexes are unknown")
	}
	if !m.spanKnown {
		out = append(out, fmt.Sprintf("the workload has no timestamps: it is taken to cover %s (for summary refresh costs)", m.span))
	}
	if m.assumedPK > 0 {
		out = append(out, fmt.Sprintf("%d table(s) not in the schema: each assumed to have a primary key on id and no other index", m.assumedPK))
	}
	if m.noStats > 0 {
		out = append(out, fmt.Sprintf("no statistics for %d table(s): each assumed to hold %s rows, with PostgreSQL's default selectivities (equality 0.5%%, range 33%%)", m.noStats, groupThousands(DefaultRows)))
	}
	return out
}

// served reports whether an index in have already does what c would do: the
// same method, predicate and opclass, and c's keys a prefix of its keys
// (scanned forwards or backwards), with c's INCLUDE columns stored.
func served(c *indexModel, have []*indexModel) *indexModel {
	for _, e := range have {
		if e == c || e.method != c.method || e.predicateKey() != c.predicateKey() || e.opclass != c.opclass {
			continue
		}
		if len(c.keys) > len(e.keys) {
			continue
		}
		forward, backward := true, true
		for i, k := range c.keys {
			if e.keys[i].key != k.key {
				forward, backward = false, false
				break
			}
			if e.keys[i].desc != k.desc {
				forward = false
			} else {
				backward = false
			}
		}
		if !forward && !backward {
			continue
		}
		if c.method == "gin" || c.method == "brin" || c.method == "hash" {
			if len(c.keys) != len(e.keys) {
				continue
			}
		}
		ok := true
		for _, inc := range c.include {
			if !e.stores(inc) {
				ok = false
			}
		}
		if ok {
			return e
		}
	}
	return nil
}

func groupThousands(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
