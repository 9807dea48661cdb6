// Package report renders what pgadvise found: as terminal tables for people,
// and as a stable, versioned JSON document for programs.
//
// Both renderings come from one Document, built once, so that they never
// disagree.
package report

import (
	"math"
	"sort"
	"strings"
	"time"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
)

// Version is the version of the JSON document's format. It changes only when
// a field changes meaning or goes away; new fields may appear within a version.
const Version = 1

// Document is the report of one run, and the JSON output's schema.
type Document struct {
	Version         int              `json:"version"`
	Input           Input            `json:"input"`
	Queries         []Query          `json:"queries"`
	Tables          []Table          `json:"tables"`
	Advice          Advice           `json:"advice"`
	Recommendations []Recommendation `json:"recommendations"`
	// Rejected lists candidates that were considered and not recommended,
	// with why.
	Rejected []Recommendation `json:"rejected"`
	// Baseline, when the run was compared with an earlier report, says what
	// was filtered out (see FilterBaseline).
	Baseline *Baseline `json:"baseline,omitempty"`
}

// Advice summarizes the advisor's run.
type Advice struct {
	// Assumptions are the defaults the cost model used where the catalog
	// had no figures.
	Assumptions []string `json:"assumptions"`
	// WorkloadCost and WorkloadCostAfter are the workload's estimated read
	// cost (planner units, summed over calls) before and after the
	// recommended indexes.
	WorkloadCost      float64 `json:"workload_cost"`
	WorkloadCostAfter float64 `json:"workload_cost_after"`
	MinBenefit        float64 `json:"min_benefit"`
	BudgetBytes       float64 `json:"budget_bytes,omitempty"`
	Evaluations       int     `json:"cost_evaluations"`
	// Verification summarizes the planner check (--verify), when it ran.
	Verification *VerificationSummary `json:"verification,omitempty"`
	// Execution summarizes measured execution (--verify=execute), when it
	// ran (execution.go).
	Execution *ExecutionSummary `json:"execution,omitempty"`
}

// VerificationSummary is what the planner said of the advice as a whole:
// HypoPG hypothetical indexes, EXPLAIN before and after.
type VerificationSummary struct {
	// Status is "done"; "partial" when some queries could not be
	// explained (Unmeasured lists them); or "unavailable" with Note saying
	// why (HypoPG missing, the connection lost): the advice is then the
	// model's alone.
	Status string `json:"status"`
	Note   string `json:"note,omitempty"`
	// PlannerCost and PlannerCostAfter sum calls × the planner's total
	// cost of the measured queries (explained both without and with every
	// verified index) without and with those indexes; Measured counts
	// them, and LeftOut the queries left out of both sums because they
	// could not be explained on one side or both.
	PlannerCost      float64 `json:"planner_cost"`
	PlannerCostAfter float64 `json:"planner_cost_after"`
	Measured         int     `json:"measured,omitempty"`
	LeftOut          int     `json:"left_out,omitempty"`
	// Unmeasured says, per query left out, what happened.
	Unmeasured   []UnmeasuredQuery `json:"unmeasured,omitempty"`
	Verified     int               `json:"verified"`
	NotUsed      int               `json:"not_used"`
	Unverifiable int               `json:"unverifiable"`
	WhatIfCalls  int               `json:"what_if_calls"`
	Pruned       []string          `json:"pruned,omitempty"`
}

// UnmeasuredQuery is a query the planner check could not measure.
type UnmeasuredQuery struct {
	Fingerprint string `json:"fingerprint"`
	Calls       int64  `json:"calls"`
	// Status is not_explained (no plan without the indexes) or
	// not_explained_with_indexes (no plan with them).
	Status string `json:"status"`
	// Reason is the server's error, its quoted values hidden unless
	// --show-values.
	Reason string `json:"reason"`
}

// Input says what was read.
type Input struct {
	Files []File `json:"files"`
	// Schema is the schema file given, or "" when the schema was inferred
	// from the queries.
	Schema       string `json:"schema,omitempty"`
	SchemaTables int    `json:"schema_tables,omitempty"`
	// Statements counts executions (a pg_stat_statements row of 40 calls is
	// 40), Records the records they came in, Shapes the distinct fingerprints.
	Statements int64 `json:"statements"`
	Records    int64 `json:"records"`
	Shapes     int   `json:"shapes"`
	// Skipped counts skipped records and lines over all reasons.
	Skipped         int64            `json:"skipped"`
	SkippedByReason map[string]int64 `json:"skipped_by_reason"`
	// SkippedWhere holds, per reason, "input:line" of the first few.
	SkippedWhere map[string][]string `json:"skipped_where,omitempty"`
	// Span is the time the workload covers, when the input says.
	Span *Span `json:"span,omitempty"`
}

// Span is a period of time.
type Span struct {
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Seconds float64   `json:"seconds"`
}

// NewSpan returns the span from..to, or nil when either end is unknown.
func NewSpan(from, to time.Time) *Span {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return nil
	}
	return &Span{From: from.UTC(), To: to.UTC(), Seconds: to.Sub(from).Seconds()}
}

// Duration is the span's length.
func (s *Span) Duration() time.Duration {
	if s == nil {
		return 0
	}
	return s.To.Sub(s.From)
}

// File is one input read.
type File struct {
	Name       string `json:"name"`
	Format     string `json:"format"`
	Bytes      int64  `json:"bytes"`
	Lines      int64  `json:"lines"`
	Statements int64  `json:"statements"`
	Skipped    int64  `json:"skipped"`
}

// Query is one query shape.
type Query struct {
	Fingerprint string   `json:"fingerprint"`
	Query       string   `json:"query"`
	Kind        string   `json:"kind"`
	Calls       int64    `json:"calls"`
	TotalMS     float64  `json:"total_ms"`
	MeanMS      float64  `json:"mean_ms"`
	MaxMS       float64  `json:"max_ms"`
	Timed       bool     `json:"timed"`
	Tables      []string `json:"tables"`
	// Sample is the text of one execution with its real values, and
	// SampleParams its bind parameters: customer data, so they are filled
	// only on request (IncludeSamples, --show-values).
	Sample       string   `json:"sample,omitempty"`
	SampleParams []string `json:"sample_params,omitempty"`
}

// Table is the access profile of one table.
type Table struct {
	Table      string      `json:"table"`
	Known      bool        `json:"known"`
	Reads      int64       `json:"reads"`
	Inserts    int64       `json:"inserts"`
	Updates    int64       `json:"updates"`
	Deletes    int64       `json:"deletes"`
	ReadMS     float64     `json:"read_ms"`
	WriteMS    float64     `json:"write_ms"`
	Columns    []Column    `json:"columns"`
	FilterSets []FilterSet `json:"filter_sets"`
	Queries    []string    `json:"queries"`
}

// Column is how the workload uses one column or expression.
type Column struct {
	Column     string           `json:"column"`
	Expression bool             `json:"expression,omitempty"`
	Filters    map[string]int64 `json:"filters,omitempty"`
	Joins      int64            `json:"joins,omitempty"`
	GroupBy    int64            `json:"group_by,omitempty"`
	OrderBy    int64            `json:"order_by,omitempty"`
	Projected  int64            `json:"projected,omitempty"`
	Updated    int64            `json:"updated,omitempty"`
}

// FilterSet is a combination of columns filtered on together.
type FilterSet struct {
	Columns []string `json:"columns"`
	Calls   int64    `json:"calls"`
	TotalMS float64  `json:"total_ms"`
	Queries []string `json:"queries"`
}

// markAssumed sets Assumed on the recommendations whose table has no
// statistics in schema (or that have no schema at all).
func markAssumed(recs []Recommendation, schema *catalog.Schema) {
	for i := range recs {
		r := &recs[i]
		var t *catalog.Table
		if schema != nil {
			t = schema.Lookup(r.Table.Schema, r.Table.Name)
		}
		r.Assumed = t == nil || t.Stats == nil
	}
}

// plannerCost rounds a planner cost to hundredths, as EXPLAIN prints them:
// a sum of EXPLAIN's costs (688.34) is not written as the float it became
// (688.3399999999999).
func plannerCost(x float64) float64 { return math.Round(x*100) / 100 }

// recommendationsOf puts the advisor's recommendations in the report, the
// planner's costs rounded as EXPLAIN prints them. The verifications are
// copied: the report's figures are its own.
func recommendationsOf(list []advisor.Recommendation) []Recommendation {
	out := make([]Recommendation, 0, len(list))
	for _, r := range list {
		if v := r.Verification; v != nil {
			rv := *v
			rv.CostBefore, rv.CostAfter = plannerCost(v.CostBefore), plannerCost(v.CostAfter)
			rv.Queries = make([]advisor.QueryVerification, len(v.Queries))
			for i, q := range v.Queries {
				q.CostBefore, q.CostAfter = plannerCost(q.CostBefore), plannerCost(q.CostAfter)
				rv.Queries[i] = q
			}
			if v.Queries == nil {
				rv.Queries = nil
			}
			r.Verification = &rv
		}
		out = append(out, Recommendation{Recommendation: r})
	}
	return out
}

// SchemaInfo describes the schema the run used, if any.
type SchemaInfo struct {
	Path   string
	Schema *catalog.Schema
}

// Build assembles the document from what was read, what the analyzer made
// of it and what the advisor recommends (nil: no advice was asked for).
// Everything in it is sorted, so equal inputs give equal bytes.
func Build(files []*capture.Stats, schema SchemaInfo, w *analyzer.Workload, advice *advisor.Result) *Document {
	d := &Document{
		Version:         Version,
		Queries:         []Query{},
		Tables:          []Table{},
		Recommendations: []Recommendation{},
		Rejected:        []Recommendation{},
	}
	d.Advice.Assumptions = []string{}
	if advice != nil {
		d.Recommendations = recommendationsOf(advice.Recommendations)
		d.Rejected = recommendationsOf(advice.Rejected)
		markAssumed(d.Recommendations, schema.Schema)
		markAssumed(d.Rejected, schema.Schema)
		if advice.Assumptions != nil {
			d.Advice.Assumptions = advice.Assumptions
		}
		d.Advice.WorkloadCost = math.Round(advice.WorkloadCost)
		d.Advice.WorkloadCostAfter = math.Round(advice.WorkloadCostAfter)
		d.Advice.MinBenefit = math.Round(advice.MinBenefit)
		d.Advice.BudgetBytes = advice.BudgetBytes
		d.Advice.Evaluations = advice.WhatIfEvaluations
	}
	in := &d.Input
	in.Files = []File{}
	in.SkippedByReason = map[string]int64{}
	in.SkippedWhere = map[string][]string{}
	if schema.Schema != nil {
		in.Schema = schema.Path
		in.SchemaTables = len(schema.Schema.Tables)
	}
	for _, f := range files {
		in.Files = append(in.Files, File{
			Name: f.Name, Format: string(f.Format), Bytes: f.Bytes, Lines: f.Lines,
			Statements: f.Statements, Skipped: f.SkippedTotal(),
		})
		for reason, c := range f.Skipped {
			where := make([]string, 0, len(c.FirstLines))
			for _, l := range c.FirstLines {
				where = append(where, locate(f.Name, l))
			}
			addSkips(in, string(reason), c.Count, where)
		}
	}
	for reason, s := range w.Skipped {
		addSkips(in, string(reason), s.Count, s.Where)
	}
	in.Statements, in.Records, in.Shapes = w.Statements, w.Records, len(w.Shapes)

	for _, s := range w.Shapes {
		q := Query{
			Fingerprint: s.Fingerprint, Query: s.Query, Kind: string(s.Kind),
			Calls: s.Calls, TotalMS: round3(s.TotalMS), MeanMS: round3(s.MeanMS()), MaxMS: round3(s.MaxMS),
			Timed: s.TimedCalls > 0, Tables: []string{},
		}
		for _, t := range s.Tables() {
			q.Tables = append(q.Tables, t.String())
		}
		d.Queries = append(d.Queries, q)
	}
	for _, p := range w.Tables {
		d.Tables = append(d.Tables, tableOf(p))
	}
	return d
}

func addSkips(in *Input, reason string, n int64, where []string) {
	in.Skipped += n
	in.SkippedByReason[reason] += n
	for _, x := range where {
		if len(in.SkippedWhere[reason]) < capture.MaxExampleLines {
			in.SkippedWhere[reason] = append(in.SkippedWhere[reason], x)
		}
	}
}

func locate(name string, line int64) string {
	return name + ":" + itoa(line)
}

func tableOf(p *analyzer.TableProfile) Table {
	t := Table{
		Table: p.Table.String(), Known: p.Known,
		Reads: p.Reads, Inserts: p.Inserts, Updates: p.Updates, Deletes: p.Deletes,
		ReadMS: round3(p.ReadMS), WriteMS: round3(p.WriteMS),
		Columns: []Column{}, FilterSets: []FilterSet{}, Queries: p.Queries,
	}
	if t.Queries == nil {
		t.Queries = []string{}
	}
	for _, c := range p.Columns {
		col := Column{
			Column: c.Column, Expression: c.IsExpr,
			Joins: c.Joins, GroupBy: c.GroupBy, OrderBy: c.OrderBy, Projected: c.Projected, Updated: c.Updated,
		}
		if len(c.Filters) > 0 {
			col.Filters = map[string]int64{}
			for op, n := range c.Filters {
				col.Filters[string(op)] = n
			}
		}
		t.Columns = append(t.Columns, col)
	}
	for _, fs := range p.FilterSets {
		t.FilterSets = append(t.FilterSets, FilterSet{Columns: fs.Columns, Calls: fs.Calls, TotalMS: round3(fs.TotalMS), Queries: fs.Queries})
	}
	return t
}

// filterSummary renders a column's filter counts as "eq 120, range 30",
// most frequent first.
func filterSummary(f map[string]int64) string {
	type kv struct {
		op string
		n  int64
	}
	var list []kv
	for op, n := range f {
		list = append(list, kv{op, n})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].op < list[j].op
	})
	parts := make([]string, 0, len(list))
	for _, x := range list {
		parts = append(parts, x.op+" "+thousands(x.n))
	}
	return strings.Join(parts, ", ")
}
