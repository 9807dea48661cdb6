package advisor

import (
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/catalog"
)

// indexKey is one key of an index under the model: a column, or an
// expression in normalized form.
type indexKey struct {
	key    string // column name, or normalizeExpr(expression)
	column string // set for a plain column
	expr   string // the expression as SQL, for DDL
	desc   bool
}

// indexModel is an existing or candidate index.
type indexModel struct {
	t         *tableModel
	name      string
	method    string
	keys      []indexKey
	include   []string
	predicate []analyzer.Predicate // a partial index's conditions (ANDed)
	predText  string               // its WHERE clause as SQL
	opclass   string               // on the first key: text_pattern_ops, jsonb_path_ops
	existing  *catalog.Index       // nil for a candidate
	// The columns an index-only scan can return are those of its plain
	// keys and its INCLUDE list (stores): nStored counts them. An UPDATE
	// of any of them, or of the columns the expressions of its keys and
	// its predicate read (listed in its table's exprColumns when
	// hasExprColumns), cannot be HOT (touches). No set is kept per index:
	// the pool holds hundreds of thousands at scale, and the fields are
	// packed for the same reason.
	nStored        int32
	unique         bool
	hasBits        bool // storedBits is set
	hasExprColumns bool
	correlation    float64
	predSel        float64 // share of rows in a partial index
	sizeBytes      float64 // size(), once worked out
	// storedBits is stored as its table's colBit mask, when hasBits.
	storedBits uint64
	// votes is a candidate's pre-score (candidatesFor): the cost, over
	// the workload, of the accesses that proposed it or the candidates
	// merged into it. It ranks a table's candidates when they are more
	// than maxTableCandidates.
	votes float64
	// sig and predKey hold signature() and predicateKey(predicate), once
	// worked out: an index does not change once built.
	sig, predKey string
}

// inHeapOrder reports whether a scan of the index returns rows about in
// the order of the heap: its leading column is correlated with it.
func (ix *indexModel) inHeapOrder() bool { return math.Abs(ix.correlation) >= clusteredCorrelation }

// clusteredCorrelation is the correlation from which a column is taken to
// follow the heap's order.
const clusteredCorrelation = 0.9

func (ix *indexModel) finish() {
	ix.nStored = 0
	ix.forStored(func(string) { ix.nStored++ })
	var exprColumns []string
	for _, k := range ix.keys {
		if k.column == "" {
			exprColumns = appendNew(exprColumns, ix.t.columnsIn(k.key))
		}
	}
	ix.predSel = 1
	for _, p := range ix.predicate {
		exprColumns = appendNew(exprColumns, ix.t.columnsIn(p.Target.Key()))
		ix.predSel *= ix.t.selectivity(p)
	}
	// Indexes are finished by the goroutine that makes their table's
	// candidates, or by the selection: never two at once on one table.
	ix.hasExprColumns = len(exprColumns) > 0
	if ix.hasExprColumns {
		if ix.t.exprColumns == nil {
			ix.t.exprColumns = map[*indexModel][]string{}
		}
		ix.t.exprColumns[ix] = exprColumns
	} else {
		delete(ix.t.exprColumns, ix)
	}
	if ix.t.bits {
		ix.storedBits, ix.hasBits = ix.t.storedMask(ix), true
	}
	if len(ix.keys) > 0 && ix.keys[0].column != "" {
		if c, ok := ix.t.correlation(ix.keys[0].column); ok {
			ix.correlation = c
		} else if ix.method == "brin" {
			ix.correlation = 0.95 // only proposed on insertion-ordered columns
		}
	}
}

// stores reports whether an index-only scan of ix can return column c: a
// plain key or an INCLUDE column.
func (ix *indexModel) stores(c string) bool {
	for _, k := range ix.keys {
		if k.column == c && c != "" {
			return true
		}
	}
	return slices.Contains(ix.include, c)
}

// forStored calls f for each column stores reports, once each.
func (ix *indexModel) forStored(f func(c string)) {
	for i, k := range ix.keys {
		if k.column == "" || slices.ContainsFunc(ix.keys[:i], func(o indexKey) bool { return o.column == k.column }) {
			continue
		}
		f(k.column)
	}
	for i, c := range ix.include {
		if slices.Contains(ix.include[:i], c) || slices.ContainsFunc(ix.keys, func(o indexKey) bool { return o.column == c }) {
			continue
		}
		f(c)
	}
}

// appendNew appends to list the columns of cols it lacks.
func appendNew(list, cols []string) []string {
	for _, c := range cols {
		list = appendUnique(list, c)
	}
	return list
}

// keyWidth is the summed width of the keys and INCLUDE columns.
func (ix *indexModel) keyWidth() float64 {
	// The columns are laid out one after the other, each at its type's
	// alignment (a 4-byte integer after a short numeric starts at the next
	// multiple of 4), and the tuple is padded to 8 bytes. Summing the
	// widths alone put TPC-H's lineitem (l_partkey) INCLUDE (l_discount,
	// l_extendedprice, l_orderkey, l_quantity, l_suppkey) at 282 MiB
	// where CREATE INDEX built 323 MiB, and the budget then held a set
	// that did not fit.
	w := 0.0
	place := func(key string) {
		width, a := ix.t.keyLayout(key)
		w = math.Ceil(w/a)*a + width
	}
	for _, k := range ix.keys {
		place(k.key)
	}
	for _, c := range ix.include {
		place(c)
	}
	return math.Ceil(w/8) * 8
}

// size estimates the index's size in bytes. Its inputs (the table's rows,
// the columns' widths and distinct counts) are fixed once the model is
// built, and the search asks for it at every pricing: it is kept.
func (ix *indexModel) size() float64 {
	if ix.sizeBytes == 0 {
		ix.sizeBytes = ix.estimateSize()
	}
	return ix.sizeBytes
}

func (ix *indexModel) estimateSize() float64 {
	if ix.existing != nil && ix.existing.Stats != nil && ix.existing.Stats.SizeBytes > 0 {
		return float64(ix.existing.Stats.SizeBytes)
	}
	rows := ix.t.rows * ix.predSel
	switch ix.method {
	case "brin":
		// One summary per 128 pages: a few pages whatever the table.
		return math.Max(3, math.Ceil(ix.t.pages/128/400)+2) * pageSize
	case "gin":
		// Several entries per row (keys of a document, array elements,
		// lexemes), compressed posting lists: about half the column's size.
		return math.Max(2*pageSize, rows*ix.keyWidth()*0.5)
	}
	if nd := ix.distinctKeys(); nd > 0 && nd*2 <= rows && !ix.unique && len(ix.include) == 0 {
		return btreeDedupSize(rows, nd, ix.keyWidth())
	}
	return btreeSize(rows, ix.keyWidth())
}

// distinctKeys estimates the number of distinct keys of a plain-column
// btree from its columns' statistics (their product, capped by the rows),
// or 0 when a column's count is unknown.
func (ix *indexModel) distinctKeys() float64 {
	nd := 1.0
	for _, k := range ix.keys {
		if k.column == "" || !ix.t.stats {
			return 0
		}
		d := ix.t.distinct(k.column)
		if d <= 0 {
			return 0
		}
		nd *= d
	}
	return math.Min(nd, ix.t.rows*ix.predSel)
}

func (ix *indexModel) pages(t *tableModel) float64 { return ix.size() / pageSize }

// columnsIn lists the table's columns that an expression mentions.
func (t *tableModel) columnsIn(expr string) []string {
	if t.table == nil {
		if identRE.MatchString(expr) && identRE.FindString(expr) == expr {
			return []string{expr}
		}
		return nil
	}
	var out []string
	for _, w := range identRE.FindAllString(expr, -1) {
		if t.table.Column(w) != nil {
			out = appendUnique(out, w)
		}
	}
	return out
}

var identRE = regexp.MustCompile(`[a-z_][a-z0-9_]*`)

// outerSide is the other side of one join column of an access.
type outerSide struct {
	// rows is the estimated rows of the other side: how many probes a
	// nested loop runs.
	rows float64
	// loopBase is the count PostgreSQL spreads a nested-loop probe's page
	// reads over (get_loop_count): the partner's rows after its own
	// filters, not narrowed by its other joins as rows.
	loopBase float64
	// run is the outer rows the run cost of probes is priced at: rows, or
	// more where the partner's rows rest on a selectivity the statistics
	// cannot give (guessFactor).
	run float64
}

// predInfo is one predicate an index could use, with its selectivity.
type predInfo struct {
	key string
	// p is the analyzer's predicate, not a copy: an access has a few, and
	// a workload at scale hundreds of thousands of accesses.
	p   *analyzer.Predicate
	sel float64
}

// accessModel is one table access of one query shape.
type accessModel struct {
	shape *analyzer.QueryShape
	acc   *analyzer.TableAccess
	t     *tableModel
	calls float64
	// preds are the ANDed predicates (not under OR or NOT), which an index
	// can use; quals counts all conditions, for CPU cost.
	preds  []predInfo
	quals  int
	allSel float64
	// needed holds the columns the access reads; needsAll is set by "*".
	needed   map[string]bool
	needsAll bool
	order    []analyzer.SortKey
	limit    float64
	// group holds the GROUP BY keys when the grouping runs over this
	// access's rows alone (no join in its block, or the IN subquery it
	// forms): an index that returns them in order spares the grouping's
	// hash table or sort. groupedSemi marks the IN subquery, whose join
	// applies to the groups and cannot run as probes into the table.
	group       []string
	groupedSemi bool
	// copies is how many processes run the access (run cost): a grouped
	// IN subquery joined to a table large enough for a parallel scan
	// feeds a hash that is not shared, so each process (the leader and
	// its workers) builds it, grouping the whole table again.
	copies float64
	// probeCopies holds, per join column, how many processes run the
	// nested loop that probes by it: a loop driven by a small table, in a
	// query that also joins a table large enough for a parallel scan,
	// becomes the build side of a hash join under Gather, and each process
	// builds that hash (TPC-H Q21's lineitem probed by l_suppkey for 400
	// suppliers ran three times, 16% slower than the parallel scan it
	// replaced).
	probeCopies map[string]float64
	joins       []string
	// outer holds, per join column, the other side of that join (nil
	// when the access has no partner).
	outer map[string]outerSide
	// guessed is set when a condition of the access has a selectivity
	// PostgreSQL guesses even with statistics (LIKE '%green%', a range on
	// an expression): its row estimate may be off by an order of magnitude.
	guessed bool
	// outOfOrder is the run cost each row of this access adds to its
	// partners' nested-loop probes when it comes out of heap order
	// (locality).
	outOfOrder float64
	// probeInOrder marks the join columns whose probes come in the
	// column's order: a partner that follows its join column's order
	// (clusteredOn) drives them (joinSizes).
	probeInOrder map[string]bool
	// probeHot marks the join columns probed from the same table scanned
	// in heap order (TPC-H Q21's EXISTS on l_orderkey beside the scan of
	// lineitem l1): a probe through an index in heap order finds its heap
	// pages just read by that scan, in shared buffers.
	probeHot map[string]bool
	base     float64 // per-execution cost with the existing indexes
	// seq is seqCost(), when seqKnown: the inputs are fixed once the
	// model is built.
	seq      float64
	seqKnown bool
	readless bool // an INSERT or COPY: nothing to find
	// siblings are the accesses of the same shape, this one included.
	siblings []*accessModel
	// pos is the access's place in its table's accesses; usable lists
	// the keys an index must lead with to serve it (tableModel.indexAccesses).
	pos    int
	usable []string
	// neededBits is needed as its table's colBit mask, when the table
	// has bits.
	neededBits uint64
}

// shapeBase is the estimated cost of the access's whole shape with the
// existing indexes.
func (a *accessModel) shapeBase() float64 {
	total := 0.0
	for _, s := range a.siblings {
		total += s.base
	}
	return total
}

// defaultLimitParam is the LIMIT assumed when the query's is a parameter.
const defaultLimitParam = 50

func newAccessModel(s *analyzer.QueryShape, a *analyzer.TableAccess, t *tableModel) *accessModel {
	m := &accessModel{shape: s, acc: a, t: t, calls: float64(s.Calls), allSel: 1, needed: map[string]bool{}}
	m.readless = a.Write == analyzer.KindInsert || a.Write == analyzer.KindCopy
	for i := range a.Predicates {
		p := &a.Predicates[i]
		m.quals++
		for _, c := range columnsOfRef(p.Target) {
			m.needed[c] = true
		}
		if p.InOr || p.Negated {
			continue
		}
		key := refKey(p.Target)
		m.preds = append(m.preds, predInfo{key: key, p: p, sel: t.selectivity(*p)})
		m.guessed = m.guessed || t.guessedSel(*p)
	}
	pairRanges(m.preds)
	for _, p := range m.preds {
		m.allSel *= p.sel
	}
	// Two columns compared (l_commitdate < l_receiptdate): no index finds
	// the rows, but the planner keeps a third of them, which sets a join's
	// row counts and an EXISTS probe's matches.
	for i := 0; i < a.Inequalities; i++ {
		m.allSel *= defaultIneqSel
		m.quals++
	}
	for _, c := range a.Projected {
		if c == "*" {
			m.needsAll = true
		}
		m.needed[c] = true
	}
	for _, c := range a.Compared {
		m.needed[c] = true
	}
	for _, g := range a.GroupBy {
		for _, c := range columnsOfRef(g) {
			m.needed[c] = true
		}
	}
	for _, ag := range a.Aggregates {
		for _, c := range columnsOfRef(ag.Target) {
			m.needed[c] = true
		}
	}
	for _, o := range a.OrderBy {
		for _, c := range columnsOfRef(o.Target) {
			m.needed[c] = true
		}
	}
	m.order = a.OrderBy
	if len(a.GroupBy) > 0 && (len(a.Joins) == 0 || a.Semi) {
		for _, g := range a.GroupBy {
			m.group = append(m.group, refKey(g))
		}
		m.groupedSemi = len(a.Joins) > 0
	}
	switch {
	case a.Limit > 0:
		m.limit = float64(a.Limit)
	case a.Limit < 0:
		m.limit = defaultLimitParam
	}
	for _, j := range a.Joins {
		m.joins = appendUnique(m.joins, j.Column)
		m.needed[j.Column] = true
	}
	if a.Write == analyzer.KindUpdate || a.Write == analyzer.KindDelete || a.Write == analyzer.KindMerge {
		m.needsAll = true // the heap tuple is rewritten or removed
	}
	return m
}

// pairRanges estimates a lower and an upper bound on one column together,
// as PostgreSQL's clauselist_selectivity does: x >= a AND x < b keeps
// P(x >= a) + P(x < b) - 1 of the rows, not their product (a year of
// seven is a seventh, where the product of the two halves would say more).
// When either bound is the planner's default, so is the pair's estimate.
// The lower bound carries the pair's selectivity, the upper one 1.
func pairRanges(preds []predInfo) {
	for i := range preds {
		lo := &preds[i]
		if lo.p.Op != analyzer.OpRange || (lo.p.Operator != ">" && lo.p.Operator != ">=") {
			continue
		}
		for j := range preds {
			hi := &preds[j]
			if hi.key != lo.key || hi.p.Op != analyzer.OpRange || (hi.p.Operator != "<" && hi.p.Operator != "<=") || hi.sel == 1 {
				continue
			}
			pair := lo.sel + hi.sel - 1
			if lo.sel == defaultIneqSel || hi.sel == defaultIneqSel {
				pair = defaultRangeIneqSel
			}
			lo.sel, hi.sel = math.Max(pair, 1e-6), 1
			break
		}
	}
}

func refKey(r analyzer.ColumnRef) string {
	if r.Expr != "" {
		return normalizeExpr(r.Expr)
	}
	return r.Column
}

func columnsOfRef(r analyzer.ColumnRef) []string {
	if r.Expr != "" {
		return r.Columns
	}
	if r.Column == "" {
		return nil
	}
	return []string{r.Column}
}

// rowsOut is the rows the access returns by its own filters.
func (a *accessModel) rowsOut() float64 {
	return math.Max(1, a.t.rows*a.allSel)
}

// seqCost is a sequential scan plus the sort and grouping the query needs:
// worked out once the model is built (seq), since pricing asks it of every
// candidate and access.
func (a *accessModel) seqCost() float64 {
	if a.seqKnown {
		return a.seq
	}
	return a.scanCost()
}

func (a *accessModel) scanCost() float64 {
	c := seqScanCost(a.t, a.quals)
	if len(a.order) > 0 {
		c += sortCost(a.rowsOut(), a.limit)
	}
	return c + a.groupCost(a.rowsOut(), false)
}

// groupCost is the cost of forming the access's groups from rows input
// rows: comparisons only when the input comes in group order, else a hash
// aggregate when the groups fit in work_mem, or a sort when they do not
// (PostgreSQL spills a hash aggregate that outgrows work_mem to disk, and
// prefers the sort then).
func (a *accessModel) groupCost(rows float64, inOrder bool) float64 {
	if len(a.group) == 0 {
		return 0
	}
	compare := rows * cpuOperatorCost * float64(len(a.group))
	if inOrder {
		return compare
	}
	groups := a.groupCount(rows)
	if groups*hashEntryBytes <= workMem {
		return compare + groups*cpuTupleCost
	}
	return compare + sortCost(rows, 0)
}

// groupCount estimates the access's number of groups among rows: the
// product of its keys' distinct counts, each unknown one taken as
// PostgreSQL's DEFAULT_NUM_DISTINCT (200).
func (a *accessModel) groupCount(rows float64) float64 {
	n := 1.0
	for _, g := range a.group {
		d := a.t.distinct(g)
		if d <= 0 {
			d = 200
		}
		n *= d
	}
	return math.Max(1, math.Min(n, rows))
}

// deliversGroup reports whether index keys (after the equality prefix)
// return rows in the GROUP BY's order, so that groups come one after
// another. PostgreSQL 15 keeps the GROUP BY's key order (only 17 reorders
// them to fit an index).
func deliversGroup(keys []indexKey, group []string) bool {
	if len(group) == 0 || len(keys) < len(group) {
		return false
	}
	for i, g := range group {
		if keys[i].key != g {
			return false
		}
	}
	return true
}

// pathCost is one way to run an access, priced twice: plan is what
// PostgreSQL's planner believes it costs, which decides whether the planner
// takes it; run is what it costs when it runs (costmodel.go, "Run cost"),
// which is what the path is worth to the workload. The two differ where the
// planner is known to be optimistic: nested-loop probes that fetch many
// heap rows in an order unrelated to the heap's.
type pathCost struct {
	plan, run float64
	// heapIO is the part of run spent reading heap pages, apart from the
	// buffer accesses of rows fetched out of order (indexScanCost sets it;
	// plus drops it).
	heapIO float64
	// descent is the part of plan spent descending the index, the
	// startup cost a nested loop pays in full on every rescan.
	descent float64
}

// choose is the path the planner takes for the access with the given
// indexes on its table: the cheapest by plan cost of a sequential scan,
// each index alone, and, for a join column, a nested-loop probe per outer
// row. Its run cost can be higher than another path's: an index the
// planner prefers can make a query slower.
func (a *accessModel) choose(indexes []*indexModel) pathCost {
	if a.readless {
		return pathCost{}
	}
	// The first path of the lowest plan cost, in the order: the
	// sequential scan, the indexes, their probes. Kept as it goes, since
	// pricing calls this for every candidate and access it may serve.
	seq := a.seqCost()
	best := pathCost{plan: seq, run: seq}
	take := func(p pathCost) {
		if p.plan < best.plan {
			best = p
		}
	}
	for _, ix := range indexes {
		c := a.indexCost(ix, "", 1)
		if math.IsInf(c.plan, 1) {
			continue
		}
		if a.outOfOrder > 0 && !ix.inHeapOrder() {
			c.run += a.rowsOut() * a.outOfOrder
		}
		take(c)
	}
	for _, j := range a.joins {
		side := a.outer[j]
		outer := side.rows
		if outer == 0 || a.groupedSemi {
			continue
		}
		// The planner prices outer probes as cost_index prices one of
		// loopBase loops: it amortizes page reads over the partner's own
		// row estimate, so its nested loop is as cheap as that, and it is
		// the planner's choice an index must win. What the probes cost
		// when they run is amortized over the probes that run: outer.
		loops := math.Max(outer, side.loopBase)
		for _, ix := range indexes {
			planned := a.indexCost(ix, j, loops)
			if math.IsInf(planned.plan, 1) {
				continue
			}
			run := a.indexCost(ix, j, math.Max(outer, side.run)).run
			if n := a.probeCopies[j]; n > 1 {
				run *= n
			}
			take(pathCost{plan: planned.plan * outer / loops, run: run})
		}
	}
	if a.copies > 1 {
		best.run *= a.copies
	}
	return best
}

// cost is the per-execution run cost of the access with the given indexes
// on its table: the run cost of the path the planner takes.
func (a *accessModel) cost(indexes []*indexModel) float64 { return a.choose(indexes).run }

// indexCost is the cost of answering the access through ix alone, or +Inf
// when ix cannot help it. probe names a join column to treat as an equality
// (the inner side of a nested loop, run loops times); it drops ORDER BY and
// LIMIT, which apply to the join's result.
func (a *accessModel) indexCost(ix *indexModel, probe string, loops float64) pathCost {
	inf := pathCost{plan: math.Inf(1), run: math.Inf(1)}
	if !a.implies(ix.predicate) || (probe != "" && ix.method != "btree" && ix.method != "") {
		return inf
	}
	t := a.t
	allSel := a.allSel
	order, limit := a.order, a.limit
	var probeSel float64
	if probe != "" {
		probeSel = t.eqSel(probe, probe, "")
		allSel *= probeSel
		order, limit = nil, 0
	}
	rowsOut := math.Max(1, t.rows*allSel)
	switch ix.method {
	case "btree", "":
		sel, eqKeys, used, probeUsed := 1.0, 0, 0, false
	keys:
		for _, k := range ix.keys {
			if probe != "" && k.key == probe {
				sel *= probeSel
				eqKeys++
				used++
				probeUsed = true
				continue
			}
			for _, p := range a.preds {
				if p.key != k.key {
					continue
				}
				switch p.p.Op {
				case analyzer.OpEq, analyzer.OpIn, analyzer.OpIsNull:
					sel *= p.sel
					eqKeys++
					used++
					continue keys
				}
			}
			for _, p := range a.preds {
				if p.key != k.key {
					continue
				}
				switch p.p.Op {
				case analyzer.OpRange, analyzer.OpBetween, analyzer.OpIsNotNull:
					sel *= p.sel
					used++
				case analyzer.OpLikePrefix:
					if strings.HasSuffix(ix.opclass, "pattern_ops") || t.column(k.key) == nil {
						sel *= p.sel
						used++
					}
				}
			}
			break
		}
		ordered := deliversOrder(ix.keys[eqKeys:], order)
		grouped := probe == "" && deliversGroup(ix.keys[eqKeys:], a.group)
		covered := a.coveredBy(ix)
		// With no condition to search by, the planner still reads a whole
		// index when it delivers an order, or when it holds every column
		// the access reads and is narrower than the table (an index-only
		// scan: build_index_paths).
		if used == 0 && !ordered && !grouped && !covered {
			return inf
		}
		s := sel * ix.predSel
		needed := math.Inf(1)
		if ordered && limit > 0 {
			// Rows read in index order until limit rows pass the filters.
			needed = limit * s / math.Max(allSel, 1e-12)
		}
		inOrder := probe != "" && a.probeInOrder[probe] && ix.keys[0].key == probe
		c := indexScanCost(t, ix, s, needed, covered, a.quals, loops, inOrder)
		if probe != "" && a.acc.Semi && probeUsed {
			// An EXISTS probe stops once a row passes, through any index
			// that holds the join condition: a primary key (o_id,
			// line_no) stops as early as an index on o_id alone. The
			// planner prices the whole inner scan, then charges 2/(m+1)
			// of its run cost for the m rows that pass among a probe's
			// matches (final_cost_nestloop's inner_scan_frac), the descent
			// in full; the run reads rows until the first that passes.
			matched := math.Max(1, s*t.rows)
			c.plan = c.descent + (c.plan-c.descent)*math.Min(1, 2/(rowsOut+1))
			early := indexScanCost(t, ix, s, math.Max(1, matched/rowsOut), covered, a.quals, loops, inOrder)
			c.run, c.heapIO = early.run, early.heapIO
		}
		if probe != "" && a.probeHot[probe] && ix.keys[0].key == probe && ix.inHeapOrder() {
			// The heap pages are in shared buffers: an index-only probe
			// through a larger index saves nothing there and reads more
			// index pages (Q21's l2 probe through (l_orderkey) INCLUDE
			// (…) ran 1.09–1.23 times its time through lineitem_pkey).
			c.run -= c.heapIO
		}
		if !ordered && len(order) > 0 {
			c = c.plus(sortCost(rowsOut, limit))
		}
		if probe == "" {
			c = c.plus(a.groupCost(rowsOut, grouped))
		}
		return c
	case "gin":
		for _, p := range a.preds {
			if p.key != ix.keys[0].key || !ginOp(p.p.Op, ix.opclass) {
				continue
			}
			s := p.sel
			rows := t.rows * s
			c := 4*randomPageCost + rows*cpuIndexTupleCost +
				math.Min(rows, t.pages)*randomPageCost + rows*(cpuTupleCost+float64(a.quals)*cpuOperatorCost)
			if len(order) > 0 {
				c += sortCost(rowsOut, limit)
			}
			c += a.groupCost(rowsOut, false)
			return pathCost{plan: c, run: c}
		}
	case "brin":
		for _, p := range a.preds {
			if p.key != ix.keys[0].key {
				continue
			}
			switch p.p.Op {
			case analyzer.OpRange, analyzer.OpBetween, analyzer.OpEq:
			default:
				continue
			}
			// Whole 128-page ranges are read; an imperfect correlation
			// spreads the matching rows over more of them.
			spread := 1 / math.Max(math.Abs(ix.correlation), 0.01)
			pages := math.Min(t.pages, p.sel*t.pages*spread+128)
			rows := pages / t.pages * t.rows
			c := pages*seqPageCost + rows*(cpuTupleCost+float64(a.quals)*cpuOperatorCost) + randomPageCost
			if len(order) > 0 {
				c += sortCost(rowsOut, limit)
			}
			c += a.groupCost(rowsOut, false)
			return pathCost{plan: c, run: c}
		}
	case "hash":
		for _, p := range a.preds {
			if p.key == ix.keys[0].key && p.p.Op == analyzer.OpEq {
				return indexScanCost(t, ix, p.sel, math.Inf(1), false, a.quals, loops, false).plus(sortIf(order, rowsOut, limit) + a.groupCost(rowsOut, false))
			}
		}
	}
	return inf
}

func sortIf(order []analyzer.SortKey, rows, limit float64) float64 {
	if len(order) == 0 {
		return 0
	}
	return sortCost(rows, limit)
}

// ginOp reports whether a GIN index with opclass can serve operator op.
func ginOp(op analyzer.Op, opclass string) bool {
	switch op {
	case analyzer.OpJSONContain:
		return true
	case analyzer.OpJSONExists:
		return opclass != "jsonb_path_ops"
	case analyzer.OpArrayOverlap, analyzer.OpArrayContain, analyzer.OpFullText:
		return opclass == ""
	}
	return false
}

// deliversOrder reports whether index keys (after the equality prefix)
// return rows in the ORDER BY's order, scanning forward or backward.
func deliversOrder(keys []indexKey, order []analyzer.SortKey) bool {
	if len(order) == 0 || len(keys) < len(order) {
		return false
	}
	forward, backward := true, true
	for i, o := range order {
		if keys[i].key != refKey(o.Target) {
			return false
		}
		if keys[i].desc != o.Desc {
			forward = false
		} else {
			backward = false
		}
	}
	return forward || backward
}

// coveredBy reports whether ix holds every column the access reads, so an
// index-only scan can answer it.
func (a *accessModel) coveredBy(ix *indexModel) bool {
	// More columns read than ix stores: not covered, told without a
	// lookup (pricing asks this of every candidate and access).
	if a.needsAll || ix.method != "btree" || len(a.needed) > int(ix.nStored) {
		return false
	}
	if a.t.bits && ix.hasBits && ix.t == a.t {
		return a.neededBits&^ix.storedBits == 0
	}
	for c := range a.needed {
		if !ix.stores(c) {
			return false
		}
	}
	return true
}

// implies reports whether the access's predicates include every condition of
// a partial index's predicate (so the planner can use the index).
func (a *accessModel) implies(conds []analyzer.Predicate) bool {
	for _, c := range conds {
		found := false
		for _, p := range a.preds {
			if p.key == refKey(c.Target) && p.p.Op == c.Op && p.p.Value == c.Value && !p.p.Param {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// writeModel is one write shape's effect on a table.
type writeModel struct {
	shape   *analyzer.QueryShape
	acc     *accessModel
	kind    analyzer.StatementKind
	calls   float64
	rows    float64 // per call
	setCols []string
}

// touches reports whether an UPDATE setting cols changes a column ix holds.
func (ix *indexModel) touches(cols []string) bool {
	for _, c := range cols {
		if ix.stores(c) || (ix.hasExprColumns && slices.Contains(ix.t.exprColumns[ix], c)) {
			return true
		}
	}
	return false
}

// writeCost is what ix would cost the table's writes over the workload,
// given the indexes the table has (which decide whether UPDATEs are HOT).
func writeCost(ix *indexModel, t *tableModel, config []*indexModel) float64 {
	per := indexInsertCost(t)
	switch ix.method {
	case "gin":
		per *= 4 // several entries per row; pending-list flushes
	case "brin":
		per *= 0.05 // a summary update only when a range is extended
	}
	total := 0.0
	for _, w := range t.writes {
		n := w.calls * w.rows
		switch w.kind {
		case analyzer.KindInsert, analyzer.KindCopy:
			total += n * per
			if len(w.setCols) > 0 { // ON CONFLICT DO UPDATE: some rows update
				total += n * 0.5 * updateCost(ix, t, config, w.setCols, per)
			}
		case analyzer.KindDelete:
			if ix.method != "brin" { // a BRIN summary needs no per-row cleanup
				total += n * vacuumCostPerRow
			}
		case analyzer.KindUpdate:
			total += n * updateCost(ix, t, config, w.setCols, per)
		case analyzer.KindMerge:
			total += n * (per + updateCost(ix, t, config, w.setCols, per))
		}
	}
	return total
}

// updateCost is the cost ix adds to one updated row.
func updateCost(ix *indexModel, t *tableModel, config []*indexModel, setCols []string, per float64) float64 {
	hot := true
	for _, other := range config {
		if other != ix && other.touches(setCols) {
			hot = false
			break
		}
	}
	switch {
	case !hot:
		return per // already non-HOT: one more index to insert into
	case ix.touches(setCols):
		return hotBreakCost(t, len(config)+1)
	}
	return 0
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
