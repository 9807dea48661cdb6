package advisor

// Summary tables: for hot aggregate shapes (GROUP BY, count/sum/avg/min/max,
// often over joins), a materialized view pre-aggregated at a grain that can
// answer every shape of the group by re-aggregating.
//
// The grain is the GROUP BY keys plus every column the shapes filter on, so
// that a filter on the summary keeps exactly the groups the filter on the
// base rows would have formed: the rewritten query is equivalent. A range
// filter on a timestamp column would make the grain as fine as the data, so
// the column is bucketed by day (or by the query's own date_trunc unit); the
// rewritten filter is then exact when its bounds fall on bucket boundaries,
// which the recommendation says. Averages are stored as sums and counts.

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/catalog"
)

// Assumptions of the summary-table model.
const (
	// summaryMinCalls is the fewest calls a summary must serve.
	summaryMinCalls = 10
)

// aggShape is one aggregate shape, analysed for summarizing.
type aggShape struct {
	shape  *analyzer.QueryShape
	query  *analyzer.AggregateQuery
	from   string // FROM clause (with structural join conditions)
	tables []*tableModel
	grain  []grainKey
	meas   []measure
	// why is set when the shape cannot be served, saying why.
	why string
	// unnamed is the shape rewritten against a summary of its own grain
	// (analyzeAggregate), and lookups the summary columns that rewrite
	// asked for: a candidate that answers them alike rewrites it the same
	// but for the summary's name (render).
	unnamed analyzer.UnnamedRewrite
	lookups []columnLookup
}

// columnLookup is one question a rewrite asked of its summary's columns
// (analyzer.SummaryColumns.Column), with the answer.
type columnLookup struct {
	sql, name    string
	column, have bool
}

// grainKey is a grouping key of the summary.
type grainKey struct {
	name   string // column name in the summary
	sql    string // expression over the base tables (qualified)
	key    string // normalized form, to match expressions
	bucket string // for a bucketed timestamp: the unit; the column it buckets is col
	col    string // the base column (qualified text), when the key is a column or bucket
}

// measure is a stored aggregate.
type measure struct {
	name string // column name in the summary
	sql  string // aggregate over the base tables
}

// summaryCandidate is a group of aggregate shapes over the same FROM.
type summaryCandidate struct {
	from   string
	tables []*tableModel
	shapes []*aggShape
	grain  []grainKey
	meas   []measure
	// deparsed is the model's: rewrites name the same columns again.
	deparsed *analyzer.DeparseCache
}

// summaryPass makes the summary_table recommendations, against the cost of
// each access with the chosen indexes.
var summaryPass = &pass{run: func(r *run) (recs, rejected []Recommendation) {
	return summaries(r.m, r.w, r.after, r.minBenefit)
}}

// summaries proposes summary tables for the model's hot aggregate shapes.
func summaries(m *model, w *analyzer.Workload, cur map[*accessModel]float64, minBenefit float64) (recs, rejected []Recommendation) {
	byFrom := map[string]*summaryCandidate{}
	var order []string
	var selects []*analyzer.QueryShape
	for _, s := range w.Shapes {
		if s.Kind == analyzer.KindSelect && s.Calls >= 1 {
			selects = append(selects, s)
		}
	}
	// Each shape is analysed on its own (parse, deparse, rewrite; the
	// model is only read): the cores share them.
	analyses := make([]*aggShape, len(selects))
	inParallel(len(selects), func(i int, _ *priceScratch) { analyses[i] = analyzeAggregate(m, selects[i]) })
	for i, s := range selects {
		as := analyses[i]
		if as == nil {
			continue
		}
		if as.why != "" {
			if s.Calls >= summaryMinCalls && len(as.tables) > 0 {
				rejected = append(rejected, Recommendation{
					Kind: KindSummaryTable, Table: as.tables[0].name,
					Summary: &SummaryDetail{Name: nameWord(strings.Join(tableNames(as.tables), "_")) + "_summary"},
					Queries: []string{s.Fingerprint}, Confidence: "high",
					Reason: fmt.Sprintf("Cannot serve from a summary (%s): %s calls of an aggregate query left to indexes.", as.why, groupThousands(s.Calls)),
				})
			}
			continue
		}
		c := byFrom[as.from]
		if c == nil {
			c = &summaryCandidate{from: as.from, tables: as.tables, deparsed: &m.deparsed}
			byFrom[as.from] = c
			order = append(order, as.from)
		}
		c.shapes = append(c.shapes, as)
	}
	sort.Strings(order)
	// Each candidate is priced and rendered on its own (recommend reads
	// the model, and writes only to its candidate): the cores share them,
	// and their outcomes are taken in order.
	type outcome struct {
		rec Recommendation
		ok  bool
	}
	outcomes := make([]outcome, len(order))
	inParallel(len(order), func(i int, _ *priceScratch) {
		c := byFrom[order[i]]
		c.merge()
		outcomes[i].rec, outcomes[i].ok = c.recommend(m, cur, minBenefit)
	})
	for _, o := range outcomes {
		if o.ok {
			recs = append(recs, o.rec)
		} else if o.rec.Reason != "" {
			rejected = append(rejected, o.rec)
		}
	}
	return recs, rejected
}

// analyzeAggregate returns the aggregate analysis of a shape, nil when it is
// not an aggregate query at all, or one with why set when it cannot be served.
func analyzeAggregate(m *model, s *analyzer.QueryShape) *aggShape {
	if s.Aggregate == nil {
		return nil
	}
	as := &aggShape{shape: s, query: s.Aggregate}
	if as.why = s.Aggregate.Blocked; as.why != "" {
		return as
	}
	for _, a := range s.Access {
		if t := m.tables[a.Table]; t != nil {
			as.tables = appendTable(as.tables, t)
		}
	}
	as.build(m)
	if as.why == "" {
		// Serve only a query that reads from the summary alone. One may
		// output a column it neither groups by nor aggregates (PostgreSQL
		// allows it when the GROUP BY holds the primary key), which the
		// summary does not keep. Merging shapes only adds keys, so a shape
		// that rewrites alone rewrites in any merged candidate.
		alone := &summaryCandidate{from: as.from, tables: as.tables, shapes: []*aggShape{as}, deparsed: &m.deparsed}
		alone.merge()
		column := alone.columns()
		var lookups []columnLookup
		rw, err := as.query.RewriteUnnamed(analyzer.SummaryColumns{
			Column: func(sql string, isColumn bool) (string, bool) {
				name, ok := column(sql, isColumn)
				lookups = append(lookups, columnLookup{sql: sql, name: name, column: isColumn, have: ok})
				return name, ok
			},
			Aggregate: reaggregate,
			Deparsed:  alone.deparsed,
		})
		if err != nil {
			as.why = err.Error()
		} else {
			as.unnamed, as.lookups = rw, lookups
		}
	}
	return as
}

func appendTable(list []*tableModel, t *tableModel) []*tableModel {
	for _, x := range list {
		if x == t {
			return list
		}
	}
	return append(list, t)
}

// build works out the shape's FROM (with the join conditions of its WHERE),
// grain and measures.
func (as *aggShape) build(m *model) {
	q := as.query
	if q.From == "" {
		as.why = "a FROM clause pgadvise cannot render"
		return
	}
	as.from = q.From

	// Grain: the GROUP BY keys, then every column a filter reads.
	for _, g := range q.Groups {
		if g.GroupingSet {
			as.why = "GROUPING SETS"
			return
		}
		as.addGrain(g.Expr, g.Alias, "")
	}
	units := map[string]string{} // column → the date_trunc unit the query groups it by
	for _, g := range as.grain {
		if g.bucket != "" {
			units[g.col] = g.bucket
		}
	}
	for _, f := range q.Filters {
		switch {
		case f.Ranged && as.isTimestamp(m, f.Name):
			unit := units[f.SQL]
			if unit == "" {
				unit = "day"
			}
			as.addGrain(f.Bucket(unit), "", unit)
		case as.unsummarizable(m, f.Name):
			as.why = "a filter on " + f.SQL + ", which a summary cannot keep as a key"
		default:
			as.addGrain(f.Expr, "", "")
		}
	}
	for _, a := range q.Aggregates {
		as.addMeasures(a)
	}
}

// addGrain adds a grouping key (an expression of the base tables).
func (as *aggShape) addGrain(e analyzer.Expr, alias, unit string) {
	if e.SQL == "" {
		as.why = "an expression pgadvise cannot render"
		return
	}
	key := normalizeExpr(e.SQL)
	for _, g := range as.grain {
		if g.key == key {
			return
		}
	}
	g := grainKey{sql: e.SQL, key: key}
	if e.Truncated {
		g.bucket = e.Unit
		if unit != "" {
			g.bucket = unit
		}
		g.col = e.Column
		g.name = e.Name + "_" + g.bucket
	} else if e.Column != "" {
		g.col = e.Column
		g.name = e.Name
	}
	if alias != "" {
		g.name = alias
	}
	if g.name == "" {
		g.name = "key_" + nameWord(key)
	}
	as.grain = append(as.grain, g)
}

// addMeasures stores what re-aggregating f needs: avg as sum and count.
func (as *aggShape) addMeasures(f analyzer.AggregateCall) {
	name := f.Func
	if f.Distinct {
		as.why = "count(DISTINCT …), which cannot be re-aggregated"
		return
	}
	arg, argName := "", "all"
	if !f.Star && f.Args == 1 {
		arg = f.Arg
		argName = nameWord(arg)
	} else if !f.Star {
		as.why = "an aggregate of several arguments"
		return
	}
	add := func(fn string) {
		m := measure{name: fn + "_" + argName, sql: fn + "(" + arg + ")"}
		if arg == "" {
			m.sql = "count(*)"
		}
		for _, x := range as.meas {
			if x.name == m.name {
				return
			}
		}
		as.meas = append(as.meas, m)
	}
	switch name {
	case "avg":
		add("sum")
		add("count")
	default:
		add(name)
	}
}

// merge unions the grains and measures of the candidate's shapes.
func (c *summaryCandidate) merge() {
	seen := map[string]bool{}
	used := map[string]bool{}
	for _, s := range c.shapes {
		for _, g := range s.grain {
			if seen[g.key] {
				continue
			}
			seen[g.key] = true
			for base, i := g.name, 2; used[g.name]; i++ {
				g.name = fmt.Sprintf("%s_%d", base, i)
			}
			used[g.name] = true
			c.grain = append(c.grain, g)
		}
	}
	for _, s := range c.shapes {
		for _, m := range s.meas {
			if !seen["m:"+m.name] {
				seen["m:"+m.name] = true
				c.meas = append(c.meas, m)
			}
		}
	}
}

// recommend prices the candidate and, if it pays, renders it.
func (c *summaryCandidate) recommend(m *model, cur map[*accessModel]float64, minBenefit float64) (Recommendation, bool) {
	var calls, baseCost, totalMS float64
	var fps []string
	for _, s := range c.shapes {
		calls += float64(s.shape.Calls)
		totalMS += s.shape.TotalMS
		fps = append(fps, s.shape.Fingerprint)
		baseCost += float64(s.shape.Calls) * shapeCost(m, cur, s.shape)
	}
	if len(c.tables) == 0 {
		return Recommendation{}, false
	}
	main := c.tables[0]
	name := nameWord(strings.Join(tableNames(c.tables), "_")) + "_by"
	for _, g := range c.grain {
		name += "_" + nameWord(g.name)
	}
	if len(name) > maxIdentifier-4 {
		name = name[:maxIdentifier-4]
	}
	name = strings.TrimRight(name, "_")
	rec := Recommendation{Kind: KindSummaryTable, Table: main.name, Summary: &SummaryDetail{Name: name}, Queries: fps, Confidence: "high"}

	// The summary's size: the product of the grain's distinct counts,
	// capped by the base rows; without statistics, 1% of them.
	baseRows := 0.0
	for _, t := range c.tables {
		baseRows = math.Max(baseRows, t.rows)
	}
	summaryRows := 1.0
	known := true
	for _, g := range c.grain {
		nd := 0.0
		if g.bucket != "" {
			nd = bucketsPerYear(g.bucket)
		} else {
			for _, t := range c.tables {
				if d := t.distinct(columnOf(g.col)); d > 0 {
					nd = d
					break
				}
			}
		}
		if nd == 0 {
			known = false
			break
		}
		summaryRows *= nd
	}
	switch {
	case !known:
		summaryRows = math.Min(math.Max(baseRows/100, 1), baseRows)
	case summaryRows > baseRows:
		summaryRows = baseRows
	}
	summaryPages := math.Max(1, summaryRows*float64(24+8*len(c.grain)+8*len(c.meas))/pageSize)
	summary := &tableModel{rows: summaryRows, pages: summaryPages}
	readCost := 0.0
	for _, s := range c.shapes {
		// A lookup through the summary's unique index on its grain, or a
		// scan of it: bounded by the summary's size.
		readCost += float64(s.shape.Calls) * math.Min(seqScanCost(summary, 1), randomPageCost*4+summaryRows*0.01*cpuTupleCost)
	}
	gain := baseCost - readCost

	// Refresh: a full re-aggregation every m.staleness over the workload's
	// span.
	fullCost := 0.0
	for _, t := range c.tables {
		fullCost += seqScanCost(t, 0)
	}
	fullCost += baseRows * cpuOperatorCost * float64(len(c.meas)+len(c.grain))
	refreshes := math.Max(1, math.Floor(float64(m.span)/float64(m.staleness)))
	every := formatPeriod(m.staleness)
	refreshCost := refreshes * fullCost

	// Incremental maintenance: an upsert of the summary row per written
	// base row.
	var writtenRows, changedRows float64
	for _, t := range c.tables {
		for _, w := range t.writes {
			switch w.kind {
			case analyzer.KindInsert, analyzer.KindCopy:
				writtenRows += w.calls * w.rows
			default:
				changedRows += w.calls * w.rows
			}
		}
	}
	incrementalCost := (writtenRows + changedRows) * 2 * indexInsertCost(summary)
	// Sums and counts follow inserts and updates; min and max only
	// inserts (an update or delete may remove the extreme).
	incremental := len(c.tables) == 1 && ((changedRows <= writtenRows/10 && onlySumsAndCounts(c.meas)) || changedRows == 0)

	rec.Benefit = round(gain)
	rec.SizeBytes = int64(summaryPages * pageSize * 1.3)
	// A materialized view needs no change to the application: prefer it
	// while its refreshes cost at most half of what it saves; otherwise an
	// incrementally maintained summary table, where the writes allow one.
	strategy := "periodic"
	rec.WriteCost = round(refreshCost)
	if incremental && refreshCost > gain/2 && incrementalCost < refreshCost {
		strategy = "incremental"
		rec.WriteCost = round(incrementalCost)
	}
	// A grain that holds a key of the data (an order id) aggregates
	// nothing: the summary would be a copy to keep fresh.
	asFine := known && summaryRows*2 >= baseRows
	if asFine || calls < summaryMinCalls || gain-rec.WriteCost <= minBenefit || gain <= 0 {
		writes := writtenRows + changedRows
		switch {
		case asFine:
			rec.Reason = fmt.Sprintf("Not worth it: its grain (%s) is nearly as fine as the data, about %s summary rows for %s base rows.", strings.Join(grainNames(c), ", "), groupThousands(int64(summaryRows)), groupThousands(int64(baseRows)))
		case gain <= 0:
			rec.Reason = fmt.Sprintf("Not worth it: these %d %s already read little (estimated %s), a summary would not be cheaper.", len(c.shapes), plural(len(c.shapes), "query", "queries"), units(baseCost))
		case rec.WriteCost >= gain && strategy == "periodic" && !incremental && writes*10 < baseRows:
			rec.Reason = fmt.Sprintf("Not worth it: a concurrent refresh every %s re-aggregates %s rows (%s) against a read gain of %s, and the writes (%s rows) do not allow incremental upkeep of these aggregates.", every, groupThousands(int64(baseRows)), units(refreshCost), units(gain), groupThousands(int64(writes)))
		case rec.WriteCost >= gain:
			rec.Reason = fmt.Sprintf("Not worth it: writes dominate. Keeping a summary fresh costs %s (%s; a refresh every %s costs %s) against a read gain of %s.", units(rec.WriteCost), m.rate(writes, "written rows"), every, units(refreshCost), units(gain))
		default:
			rec.Reason = fmt.Sprintf("Gain too small: %s net for %s calls.", units(gain-rec.WriteCost), groupThousands(int64(calls)))
		}
		why := rec.Reason
		c.render(&rec, name, strategy, every)
		rec.Reason = why
		return rec, false
	}
	c.render(&rec, name, strategy, every)
	return rec, true
}

func onlySumsAndCounts(ms []measure) bool {
	for _, m := range ms {
		if !strings.HasPrefix(m.name, "sum_") && !strings.HasPrefix(m.name, "count_") {
			return false
		}
	}
	return true
}

// render writes the DDL, the steps and the rewritten queries.
func (c *summaryCandidate) render(rec *Recommendation, name, strategy, every string) {
	schema := c.tables[0].name.Schema
	q := catalog.QualifiedName{Schema: schema, Name: name}
	var cols, groups, keyCols []string
	for _, g := range c.grain {
		cols = append(cols, g.sql+" AS "+catalog.QuoteIdent(g.name))
		groups = append(groups, g.sql)
		keyCols = append(keyCols, catalog.QuoteIdent(g.name))
	}
	for _, m := range c.meas {
		cols = append(cols, m.sql+" AS "+catalog.QuoteIdent(m.name))
	}
	query := "SELECT " + strings.Join(cols, ", ") + " FROM " + c.from
	if len(groups) > 0 {
		query += " GROUP BY " + strings.Join(groups, ", ")
	}
	if strategy == "periodic" {
		rec.DDL = fmt.Sprintf("CREATE MATERIALIZED VIEW %s AS %s;", q, query)
		rec.Steps = []string{
			rec.DDL,
			fmt.Sprintf("CREATE UNIQUE INDEX %s ON %s (%s);", catalog.QuoteIdent(name+"_key"), q, strings.Join(keyCols, ", ")),
			fmt.Sprintf("-- refresh every %s (the unique index lets readers go on during it):", every),
			fmt.Sprintf("REFRESH MATERIALIZED VIEW CONCURRENTLY %s;", q),
		}
		rec.DownDDL = fmt.Sprintf("DROP MATERIALIZED VIEW IF EXISTS %s;", q)
		rec.Reason = fmt.Sprintf("Serves %d aggregate %s (%s calls) from a materialized view at the grain (%s): estimated read cost −%s against %s for a concurrent refresh every %s (queries see data up to %s old).",
			len(c.shapes), plural(len(c.shapes), "query", "queries"), groupThousands(int64(totalCalls(c))), strings.Join(grainNames(c), ", "),
			units(rec.Benefit), units(rec.WriteCost), every, every)
	} else {
		rec.DDL = fmt.Sprintf("CREATE TABLE %s AS %s;", q, query)
		rec.Steps = []string{
			rec.DDL,
			fmt.Sprintf("ALTER TABLE %s ADD PRIMARY KEY (%s);", q, strings.Join(keyCols, ", ")),
			"-- keep it current in the write path (or a trigger): for each inserted base row,",
			fmt.Sprintf("--   INSERT INTO %s (…grain…, …measures…) VALUES (…) ON CONFLICT (%s) DO UPDATE SET <measure> = %s.<measure> + EXCLUDED.<measure>;", q, strings.Join(keyCols, ", "), name),
		}
		rec.DownDDL = fmt.Sprintf("DROP TABLE IF EXISTS %s;", q)
		rec.Reason = fmt.Sprintf("Serves %d aggregate %s (%s calls) from a summary table at the grain (%s), kept current by an upsert per inserted row: estimated read cost −%s against %s of maintenance.",
			len(c.shapes), plural(len(c.shapes), "query", "queries"), groupThousands(int64(totalCalls(c))), strings.Join(grainNames(c), ", "),
			units(rec.Benefit), units(rec.WriteCost))
	}
	for _, g := range c.grain {
		if g.bucket != "" && g.col != "" {
			rec.Reason += fmt.Sprintf(" Filters on %s are answered per %s: exact when their bounds fall on %s boundaries.", g.col, g.bucket, g.bucket)
			break
		}
	}
	column := c.columns()
	for _, s := range c.shapes {
		// The rewrite analyzeAggregate made, when this summary's columns
		// answer its questions alike: the rewrite is deterministic given
		// those answers, so it would come out the same.
		rw, ok := "", s.sameLookups(column)
		if ok {
			rw, ok = s.unnamed.Named(q)
		}
		var err error
		if !ok {
			rw, err = c.rewrite(s, q)
		}
		raw := rw
		if err == nil {
			// The sample's filter values become $n again, as in the
			// shape's own text: reports never show logged values.
			rw, err = analyzer.Normalize(rw)
		}
		if err != nil {
			rw = "-- cannot rewrite: " + err.Error()
		}
		rec.Summary.RewrittenQueries = append(rec.Summary.RewrittenQueries, RewrittenQuery{Fingerprint: s.shape.Fingerprint, Original: s.shape.Query, Rewritten: rw, sample: raw})
	}
}

// formatPeriod renders a refresh period as people say it: "15 minutes",
// "1 hour", "90 seconds".
func formatPeriod(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		n := int(d / time.Hour)
		return fmt.Sprintf("%d %s", n, plural(n, "hour", "hours"))
	case d >= time.Minute && d%time.Minute == 0:
		n := int(d / time.Minute)
		return fmt.Sprintf("%d %s", n, plural(n, "minute", "minutes"))
	case d%time.Second == 0:
		n := int(d / time.Second)
		return fmt.Sprintf("%d %s", n, plural(n, "second", "seconds"))
	}
	return d.String()
}

func totalCalls(c *summaryCandidate) float64 {
	n := 0.0
	for _, s := range c.shapes {
		n += float64(s.shape.Calls)
	}
	return n
}

func grainNames(c *summaryCandidate) []string {
	var out []string
	for _, g := range c.grain {
		out = append(out, g.name)
	}
	return out
}

// rewrite turns a shape's sample query into one that reads the summary:
// grain expressions become its columns, aggregates re-aggregate its
// measures. The result still holds the sample's values.
func (c *summaryCandidate) rewrite(s *aggShape, q catalog.QualifiedName) (string, error) {
	return s.query.Rewrite(q, analyzer.SummaryColumns{
		Column:    c.columns(),
		Aggregate: reaggregate,
		Deparsed:  c.deparsed,
	})
}

// columns is the candidate's answer to a rewrite's questions
// (analyzer.SummaryColumns.Column): the summary column that holds an
// expression of the base tables.
func (c *summaryCandidate) columns() func(sql string, column bool) (string, bool) {
	byKey := map[string]string{}
	bucketOf := map[string]grainKey{}
	for _, g := range c.grain {
		byKey[g.key] = g.name
		if g.bucket != "" {
			bucketOf[normalizeExpr(g.col)] = g
		}
	}
	return func(sql string, column bool) (string, bool) {
		key := normalizeExpr(sql)
		if name, ok := byKey[key]; ok {
			return name, true
		}
		if g, ok := bucketOf[key]; ok && column {
			// A bucketed timestamp: filters compare the bucket.
			return g.name, true
		}
		return "", false
	}
}

// sameLookups reports whether column answers the questions of the
// shape's first rewrite (analyzeAggregate) as that rewrite's summary did.
func (s *aggShape) sameLookups(column func(sql string, column bool) (string, bool)) bool {
	for _, l := range s.lookups {
		if name, ok := column(l.sql, l.column); name != l.name || ok != l.have {
			return false
		}
	}
	return true
}

// reaggregate returns the SQL over the summary's measures that computes an
// aggregate over base rows again.
func reaggregate(f analyzer.AggregateCall) (string, error) {
	arg := "all"
	if !f.Star && f.Args == 1 {
		arg = nameWord(f.Arg)
	}
	switch f.Func {
	case "count":
		return fmt.Sprintf("sum(%s)::bigint", catalog.QuoteIdent("count_"+arg)), nil
	case "sum":
		return fmt.Sprintf("sum(%s)", catalog.QuoteIdent("sum_"+arg)), nil
	case "avg":
		// No NULLIF needed: the sum is NULL exactly when the count is 0,
		// and NULL / 0 is NULL. (And no constant that normalizing the
		// rewritten query would turn into a parameter.)
		return fmt.Sprintf("(sum(%s) / sum(%s))", catalog.QuoteIdent("sum_"+arg), catalog.QuoteIdent("count_"+arg)), nil
	case "min", "max":
		return fmt.Sprintf("%s(%s)", f.Func, catalog.QuoteIdent(f.Func+"_"+arg)), nil
	}
	return "", fmt.Errorf("aggregate %s", f.Func)
}

// shapeCost is the estimated per-call cost of a shape with the recommended
// indexes in place, plus aggregating the rows it reads.
func shapeCost(m *model, cur map[*accessModel]float64, s *analyzer.QueryShape) float64 {
	total := 0.0
	for _, a := range m.shapeAccesses[s] {
		total += cur[a] + a.rowsOut()*cpuOperatorCost*2
	}
	return total
}

func bucketsPerYear(unit string) float64 {
	switch unit {
	case "hour":
		return 24 * 365
	case "day":
		return 365
	case "week":
		return 52
	case "month":
		return 12
	case "quarter":
		return 4
	case "year":
		return 1
	}
	return 365
}

func columnOf(qualified string) string {
	if i := strings.LastIndexByte(qualified, '.'); i >= 0 {
		return qualified[i+1:]
	}
	return qualified
}

// unsummarizable reports whether a filtered column is no grouping key:
// documents, arrays, full-text vectors, or as many values as rows.
func (as *aggShape) unsummarizable(m *model, col string) bool {
	for _, t := range as.tables {
		if c := t.column(col); c != nil {
			switch {
			case c.Type == "jsonb", c.Type == "json", c.Type == "tsvector", strings.HasSuffix(c.Type, "[]"):
				return true
			}
			if nd := t.distinct(col); nd > t.rows/10 {
				return true
			}
			return false
		}
	}
	return false
}

// isTimestamp reports whether a column reference is a timestamp or date
// column (by the schema, or by its name when there is none).
func (as *aggShape) isTimestamp(m *model, col string) bool {
	for _, t := range as.tables {
		if c := t.column(col); c != nil {
			return strings.HasPrefix(c.Type, "timestamp") || c.Type == "date"
		}
	}
	return strings.HasSuffix(col, "_at") || strings.HasSuffix(col, "_time") || strings.HasSuffix(col, "_date")
}

func tableNames(ts []*tableModel) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.name.Name)
	}
	return out
}
