package advisor

// The cost model. Every number pgadvise puts on a recommendation comes from
// the formulas in this file, so that they can be read, checked and changed in
// one place.
//
// Units. Costs are in PostgreSQL planner cost units (seq_page_cost = 1: the
// cost of reading one 8 kB page sequentially), with the planner's own default
// constants, so that a figure can be compared with EXPLAIN's. A query's cost
// is per execution; benefits and write costs are summed over the workload
// (calls × per-execution cost), so a read gain and a write cost are directly
// comparable.
//
// Read side. For each table access of each query shape the model estimates
// the cheapest way to get the rows the access needs, given a set of indexes:
//   - a sequential scan: pages·seq_page_cost + rows·(cpu_tuple_cost + quals·cpu_operator_cost);
//   - an index scan: the index's usable key prefix (equality keys, then at
//     most one range key, as a btree can use them) gives a selectivity s;
//     cost = descent + s·index_pages·random_page_cost + heap fetches + CPU per
//     tuple; heap fetches interpolate, like PostgreSQL's cost_index, between
//     random reads of every row (uncorrelated column) and sequential reads of
//     s·pages (correlation ±1); an index-only scan (the index has every column
//     the access reads) skips all but the not-all-visible share of the heap;
//   - an explicit sort (rows·log2(rows)·2·cpu_operator_cost) when ORDER BY is
//     not delivered by the index; with ORDER BY … LIMIT k served in index
//     order, the scan stops after k matching rows;
//   - GROUP BY over the access's rows alone (no join in its block, or an IN
//     subquery): a hash aggregate when the groups fit in work_mem, a sort
//     when they do not, only comparisons when an index returns the rows in
//     group order; an index that holds every column the access reads is a
//     path even without a condition on its keys (a full index-only scan),
//     as the planner considers one;
//   - a join column is a parameterized lookup: the inner side of a nested
//     loop costs outer_rows × (one index probe), against one hash-join scan
//     of the table; the cheaper is taken. outer_rows is that column's
//     partner's rows (its own filters, those that reach it through its
//     other joins, and, through unique keys, those several joins away:
//     orders narrowed by the customers of one nation); a probe's page
//     reads are spread, as cost_index does with
//     get_loop_count, over the partner's rows after its own filters only.
// Run cost. The planner decides which path runs; what it costs to run is
// another matter, and measured execution on TPC-H SF 1 (bench/tpch
// -execute) showed where the two part. So every path is priced twice
// (pathCost): its plan cost, as above, decides whether the planner takes
// it; its run cost is what the workload pays, and what benefits are
// counted in. The run cost differs from the plan cost in three places:
//   - heap rows fetched through an index out of heap order each cost
//     randomFetchCost, however often their pages were counted before: the
//     planner amortizes a nested loop's page reads over its loop count and
//     its cache, and a probe that fetches a million rows that way ran up to
//     3.5 times slower than the hash join it replaced;
//   - an index scan's leaf pages after its first are read in order, as
//     CREATE INDEX laid them out: seq_page_cost each, not random_page_cost
//     (TPC-H Q18 grouped lineitem by a full index-only scan as fast over
//     a 284 MiB index as over a 180 MiB one); so do a nested loop's probes
//     when its outer rows follow the join column (orders in heap order
//     probing lineitem by l_orderkey): they visit the index's leaf pages in
//     order, each once, and an index-only probe by a covering index saves
//     the heap visits without paying random reads of its wider leaves (Q3
//     ran 0.66 of its time with one, priced at 0.9 before);
//   - a nested loop's probes are amortized over the probes that run (the
//     outer rows), not over the partner's whole row estimate;
//   - rows of a table that follows its join column's order, read through an
//     index on another column, turn a partner's key-ordered probes into
//     random ones (locality, outOfOrder): orders read by o_orderdate made
//     Q3 and Q4 30% slower through their lineitem_pkey probes;
//   - probes whose outer rows rest on a selectivity PostgreSQL guesses even
//     with statistics (LIKE '%green%') are priced at guessFactor times as
//     many outer rows;
//   - a grouped IN subquery joined to a table large enough for a parallel
//     scan runs in each of parallelProcesses processes (its hash is not
//     shared): TPC-H Q18 grouped all of lineitem three times.
// An index whose path the planner would prefer but that runs slower has a
// negative gain, and one that makes any query's run cost more than 10%
// higher is not recommended (maxSlowdown), whatever it saves elsewhere.
//
// Selectivities come from pg_stats when the catalog has them (n_distinct,
// null_frac, most common values, and for ranges the histogram against the
// query's constant or the sample execution's value: histogram.go) and
// otherwise from PostgreSQL's own
// defaults for an unknown column (DEFAULT_EQ_SEL 0.005, DEFAULT_INEQ_SEL
// 1/3, DEFAULT_RANGE_INEQ_SEL 0.005, DEFAULT_MATCH_SEL 0.005). A primary key
// or unique column matches one row. Table sizes come from pg_class; without
// statistics every table is assumed to hold DefaultRows rows.
//
// Write side. Every index costs each inserted row one index insertion
// (descent + a dirtied leaf page ≈ random_page_cost). A DELETE leaves the
// entry for VACUUM to remove (vacuumCostPerRow). An UPDATE that changes no
// indexed column can be HOT (heap-only: no index entries at all); adding an
// index on a column such an UPDATE changes makes it non-HOT, and a non-HOT
// update inserts into every index of the table plus a new heap tuple on
// another page. An UPDATE that is already non-HOT costs the new index one
// insertion per row. Rows per write come from pg_stat_statements' rows when
// known, else 1 per INSERT call (defaultCopyRows per COPY) and the filter's
// estimated rows per UPDATE/DELETE; a retention DELETE (created_at <
// now() - interval W), run every T over the workload's span, removes T/W
// of the table it keeps to W (boundDeleteRows).
//
// Storage: a btree holds rows·(key width + 8-byte tuple header + 4-byte line
// pointer) in pages filled to 90%, plus one page per 256 leaf pages for
// the inner levels; a partial index only its share of rows. Where statistics
// give the number of distinct keys, btree deduplication (PostgreSQL 13+) is
// counted: one tuple per distinct key plus a 6-byte heap pointer per row
// (not for unique indexes, nor with INCLUDE columns, which disable it).
// Without them the estimate is an upper bound for keys with many
// duplicates; HypoPG's estimate, which ignores deduplication, shares that bias.

import (
	"math"
)

// Planner cost constants: PostgreSQL's defaults.
const (
	seqPageCost       = 1.0
	randomPageCost    = 4.0
	cpuTupleCost      = 0.01
	cpuIndexTupleCost = 0.005
	cpuOperatorCost   = 0.0025
)

// randomFetchCost is the run cost of fetching one heap row through an
// index in an order unrelated to the heap's: a buffer look-up, often a
// miss served from the operating system's cache, and the tuple's
// visibility check. Measured on TPC-H SF 1 (bench/tpch -execute, 2 cores,
// shared_buffers 256MB, data in the OS cache): nested loops that fetched
// 0.76M to 1.5M rows this way ran 2.2 to 3.5 times slower than the hash
// joins over sequential scans they replaced, about 2–8 µs a row against
// 0.26 µs a sequentially scanned one (about 0.03 cost units): about 0.5
// units a row. A probe below a parallel plan's (non-shared) hash build
// runs in every process: Q21's lineitem probes by l_suppkey ran three
// times, once in each of 2 workers and the leader, where the model counts
// them once. Hence three times 0.5. The planner charges such rows nothing
// once their pages were counted, when its loop count amortizes page reads
// over more probes than run (cost_index with get_loop_count, and
// effective_cache_size).
const randomFetchCost = 1.5

// PostgreSQL's default selectivities for a column without statistics
// (src/include/utils/selfuncs.h).
const (
	defaultEqSel        = 0.005
	defaultIneqSel      = 1.0 / 3
	defaultRangeIneqSel = 0.005
	defaultMatchSel     = 0.005
	defaultNotNullSel   = 0.995
)

// Model defaults where neither statistics nor the workload tell.
const (
	// DefaultRows is the row count assumed for a table without statistics.
	DefaultRows = 1_000_000
	// defaultRowWidth is the heap width, in bytes, of a row whose columns'
	// widths are unknown.
	defaultRowWidth = 100
	// defaultInListLength is the number of values assumed in IN ($1) / =
	// ANY($1) when the query does not say.
	defaultInListLength = 3
	// defaultCopyRows is the rows assumed per COPY … FROM.
	defaultCopyRows = 1000
	// allVisibleFraction is the share of heap pages assumed all-visible, for
	// index-only scans.
	allVisibleFraction = 0.9
	// vacuumCostPerRow is the cost charged to each index per deleted row.
	vacuumCostPerRow = 0.1
	// pageSize and the btree fill factor.
	pageSize      = 8192
	btreeFill     = 0.9
	pageHeader    = 24
	heapTupleHead = 23 + 4 // heap tuple header + line pointer
	indexTupleHdr = 8 + 4  // index tuple header + line pointer
	// workMem is PostgreSQL's default work_mem (4 MB), and hashEntryBytes
	// what a hash aggregate keeps per group in it (the entry, the key and
	// the transition state): more groups than fit, and it spills.
	workMem        = 4 << 20
	hashEntryBytes = 64
	// minParallelTableScanSize is PostgreSQL's default
	// min_parallel_table_scan_size: a table from this size is scanned by
	// parallel workers; parallelProcesses is the leader and the default
	// max_parallel_workers_per_gather (2) workers.
	minParallelTableScanSize = 8 << 20
	parallelProcesses        = 3
	// guessFactor is how many more rows than estimated the run cost of a
	// nested loop's probes is priced at when the outer side's estimate
	// rests on a guessed selectivity: PostgreSQL takes 0.5% for p_name
	// LIKE '%green%', which keeps 5.4% of TPC-H's parts, and the probes of
	// lineitem that estimate chose made Q9 1.7 times slower.
	guessFactor = 10
)

// seqScanCost is a sequential scan of the whole table with quals conditions.
func seqScanCost(t *tableModel, quals int) float64 {
	return t.pages*seqPageCost + t.rows*(cpuTupleCost+float64(quals)*cpuOperatorCost)
}

// sortCost is an explicit sort of n rows; with limit > 0 a bounded top-N heap.
func sortCost(n float64, limit float64) float64 {
	if n < 2 {
		return 0
	}
	if limit > 0 && limit < n {
		return n * math.Log2(2*limit) * cpuOperatorCost
	}
	return n * math.Log2(n) * 2 * cpuOperatorCost
}

// indexScanCost is the cost of loops index scans (loops > 1: the inner side
// of a nested loop) that each match fraction s of the table's rows through
// the index, of which the access needs only `needed` rows (the LIMIT cut-off
// when the index delivers the order; all of them otherwise). As cost_index
// does with its loop count, pages read again by later loops are counted
// once: across all loops no more than the index's and the table's pages.
//
// inOrder says that the loops come in the order of the index's keys (a
// nested loop whose outer rows follow the join column: orders read in
// heap order probing lineitem by l_orderkey): they then read the index's
// leaf pages one after the other, once each, as a single scan would.
func indexScanCost(t *tableModel, ix *indexModel, s, needed float64, indexOnly bool, quals int, loops float64, inOrder bool) pathCost {
	loops = math.Max(loops, 1)
	matched := math.Max(1, s*t.rows)
	fetched := math.Min(matched, math.Max(1, needed))
	frac := fetched / matched
	indexPages := math.Max(1, ix.pages(t))
	descent := math.Ceil(math.Log2(math.Max(2, t.rows))) * cpuOperatorCost
	perScan := math.Max(1, math.Ceil(s*indexPages*frac))
	indexIO := math.Min(loops*perScan, indexPages) * randomPageCost
	// Run cost: one scan pays random_page_cost for each index page, as
	// the plan cost does. An index's width weighs on a long scan more than
	// seq_page_cost a page says: TPC-H Q18's full index-only scans ran
	// 0.70 and 0.69 of their baseline over (l_orderkey) INCLUDE
	// (l_quantity), 180 MiB, against 0.75–0.83 over the 271–336 MiB
	// covering indexes that served more queries (bench/tpch/README.md,
	// 2026-12-06); the run that had found 284 and 180 MiB alike was within
	// the noise of later ones. Repeated scans (the inner side of a nested
	// loop) read a few leaves each, the first at random_page_cost and the
	// next ones in order.
	indexRunIO := indexIO
	if loops > 1 {
		indexRunIO = math.Min(loops*(randomPageCost+(perScan-1)*seqPageCost), indexIO)
	}
	if inOrder {
		indexRunIO = math.Min(indexRunIO, randomPageCost+(math.Min(loops*perScan, indexPages)-1)*seqPageCost)
	}
	cpu := fetched * (cpuIndexTupleCost + cpuTupleCost + float64(quals)*cpuOperatorCost)

	// Heap I/O, as cost_index: uncorrelated rows are random page reads
	// (capped at the table's pages), correlated ones read s·pages in order.
	// The planner interpolates with its own correlation (planCorrelation),
	// the run with the heap's.
	maxIO := math.Min(loops*fetched, t.pages) * randomPageCost
	minIO := randomPageCost + math.Max(0, math.Min(loops*math.Ceil(s*t.pages*frac), t.pages)-1)*seqPageCost
	pc := ix.planCorrelation()
	c2 := ix.correlation * ix.correlation
	// The planner counts the pages of repeated scans as cost_index does:
	// the Mackert-Lohman estimate of distinct pages (pagesFetched), and
	// random_page_cost for the correlated case's pages too, each loop's
	// pages being elsewhere.
	planIndexIO, planMaxIO, planMinIO := indexIO, maxIO, minIO
	if loops > 1 {
		planIndexIO = pagesFetched(loops*perScan, indexPages) * randomPageCost
		planMaxIO = pagesFetched(loops*fetched, t.pages) * randomPageCost
		planMinIO = pagesFetched(loops*math.Ceil(s*t.pages), t.pages) * randomPageCost
	}
	planHeapIO := planMaxIO + pc*pc*(planMinIO-planMaxIO)
	heapIO := maxIO + c2*(minIO-maxIO)
	// Run cost: each row fetched out of heap order is a buffer access of
	// its own, however often its page was read before (randomFetchCost).
	fetches := loops * fetched * (1 - c2)
	if indexOnly {
		planHeapIO *= 1 - allVisibleFraction
		heapIO *= 1 - allVisibleFraction
		fetches *= 1 - allVisibleFraction
	}
	cpuAll := loops * (descent + cpu)
	return pathCost{
		plan:    cpuAll + planIndexIO + planHeapIO,
		run:     cpuAll + indexRunIO + math.Max(heapIO, fetches*randomFetchCost),
		heapIO:  heapIO,
		descent: loops * descent,
	}
}

// pagesFetched is index_pages_fetched's estimate (Mackert and Lohman) of
// the distinct pages that n page reads spread over a relation of pages
// pages touch, when the data fits effective_cache_size (the default's
// 4 GB holds the tables the model prices).
func pagesFetched(n, pages float64) float64 {
	pages = math.Max(pages, 1)
	if math.IsInf(n, 1) {
		return pages
	}
	return math.Min(math.Ceil(2*pages*n/(2*pages+n)), pages)
}

// multiKeyCorrelation is what btcostestimate (selfuncs.c) multiplies the
// leading column's correlation by for a btree of more than one key column
// (INCLUDE columns do not count).
const multiKeyCorrelation = 0.75

// planCorrelation is the index correlation the planner prices heap reads
// with: the leading column's, times multiKeyCorrelation for a btree of
// several key columns. The heap is no less in order for it, so the run
// cost keeps the column's own; but the planner's choice follows this one,
// and it prefers a one-key index to a primary key on (l_orderkey,
// l_linenumber) for a probe by l_orderkey that neither covers, although
// the one-key index is larger (TPC-H Q4's EXISTS probe, per probe 6.15
// against 7.05 with a (l_orderkey) INCLUDE (…) index 2.2 times the size of
// the key, measured 1.05–1.11 times slower).
func (ix *indexModel) planCorrelation() float64 {
	switch {
	case ix.method != "btree" && ix.method != "":
		return 0 // genericcostestimate's, for hash indexes
	case len(ix.keys) > 1:
		return ix.correlation * multiKeyCorrelation
	}
	return ix.correlation
}

// plus adds a cost both sides pay alike.
func (c pathCost) plus(x float64) pathCost { return pathCost{plan: c.plan + x, run: c.run + x} }

// indexInsertCost is the cost one new row adds to one btree.
func indexInsertCost(t *tableModel) float64 {
	return randomPageCost + math.Ceil(math.Log2(math.Max(2, t.rows)))*cpuOperatorCost
}

// hotBreakCost is the extra cost of one row's UPDATE turning from HOT into
// non-HOT on a table that will have indexes indexes: an entry in each, and
// the new tuple on another heap page.
func hotBreakCost(t *tableModel, indexes int) float64 {
	return float64(indexes)*indexInsertCost(t) + randomPageCost
}

// btreeDedupSize estimates a deduplicated btree: distinct tuples of
// keyWidth bytes, each with a posting list of 6-byte heap pointers.
func btreeDedupSize(rows, distinct, keyWidth float64) float64 {
	bytes := distinct*(keyWidth+indexTupleHdr) + rows*6
	leaves := math.Ceil(bytes / ((pageSize - pageHeader) * btreeFill))
	return math.Min((leaves+math.Ceil(leaves/256)+1)*pageSize, btreeSize(rows, keyWidth))
}

// btreeSize estimates a btree's size in bytes for rows entries of keyWidth
// bytes each.
func btreeSize(rows, keyWidth float64) float64 {
	perPage := math.Floor((pageSize - pageHeader) * btreeFill / (keyWidth + indexTupleHdr))
	perPage = math.Max(perPage, 1)
	leaves := math.Ceil(math.Max(rows, 1) / perPage)
	return (leaves + math.Ceil(leaves/256) + 1) * pageSize
}
