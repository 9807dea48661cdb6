package advisor

// Partition keys: for large tables, declarative partitioning when the
// workload supports it — RANGE on a time column that most reads filter by and
// that retention deletes target (the DELETEs become DROP/DETACH PARTITION),
// or HASH on a tenant-like key that most queries pin to one value — and, for
// multi-tenant workloads, a Citus distribution column.

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/catalog"
)

// Thresholds of the partitioning advice.
const (
	// partitionMinRows is the table size below which partitioning is not
	// proposed: its planning and maintenance overhead outweighs pruning.
	partitionMinRows = 10_000_000
	// partitionMinShare is the share of read calls that must prune.
	partitionMinShare = 0.5
	// tenantMinShare is the share of calls that must pin a tenant-like key.
	tenantMinShare = 0.8
	// hashPartitions is the modulus proposed for HASH partitioning.
	hashPartitions = 16
	// prunedScanShare is the share of a table a read that prunes is taken
	// to scan when no statistics tell what its window covers.
	prunedScanShare = 0.1
	// partitionMinGainShare is the least share of a table's read cost
	// (after the recommended indexes) that partitioning must save, besides
	// the minimum benefit: it moves every row of the table, a bigger step
	// than an index, and is not worth it for a few percent.
	partitionMinGainShare = 0.1
	// defaultRangePartitions is the number of RANGE partitions assumed to
	// hold data when no retention window says (a year of months).
	defaultRangePartitions = 12
)

// partitionEvidence gathers what the workload does with one candidate key.
type partitionEvidence struct {
	column                 string
	prunedCalls, readCalls float64
	prunedMS, readMS       float64
	retention              []*writeModel // DELETEs bounded by the column
	unpruned               []string      // fingerprints of reads that scan every partition
	windows                []time.Duration
}

// partitionPass makes the partition recommendations (and Citus
// distribution), against the cost of each access with the chosen indexes.
var partitionPass = &pass{run: func(r *run) (recs, rejected []Recommendation) {
	return partitionAdvice(r.m, r.after, r.minBenefit, r.now)
}}

// partitionAdvice proposes partitioning for each table of the model. Its
// gains are priced against cur, the access costs with the chosen indexes:
// pruning saves only what those indexes leave to scan. A partitioning that
// gains less than minBenefit, or than partitionMinGainShare of what reading
// the table costs, is rejected, unless retention DELETEs make the case.
func partitionAdvice(m *model, cur map[*accessModel]float64, minBenefit float64, now time.Time) (recs, rejected []Recommendation) {
	for _, t := range m.sortedTables() {
		if t.table == nil || t.table.PartitionBy != nil || t.table.PartitionOf != nil || t.table.Kind != catalog.KindTable {
			continue
		}
		if len(t.accesses) == 0 {
			continue
		}
		timeKey := bestTimeKey(t)
		tenantKey := bestTenantKey(t)
		if timeKey == nil && tenantKey == nil {
			continue
		}
		if !t.stats || t.rows < partitionMinRows {
			// Say so where a time key would otherwise make the case.
			if key := timeKey; key != nil && (key.prunedCalls/math.Max(key.readCalls, 1) >= partitionMinShare || len(key.retention) > 0) {
				size := "no statistics"
				if t.stats {
					size = groupThousands(int64(t.rows)) + " rows"
				}
				rejected = append(rejected, Recommendation{
					Kind: KindPartition, Table: t.name, Partition: &PartitionDetail{Parent: t.name.Name + "_partitioned", Key: key.column, Strategy: "range"}, Confidence: "high",
					Reason: fmt.Sprintf("Too small to partition (%s; the threshold is %s rows): its filters on %s are served as well by an index, without the overhead of many partitions.", size, groupThousands(partitionMinRows), key.column),
				})
			}
			continue
		}
		var rec Recommendation
		switch {
		case timeKey != nil && (len(timeKey.retention) > 0 || timeKey.prunedCalls/math.Max(timeKey.readCalls, 1) >= partitionMinShare):
			rec = rangePartition(m, t, timeKey, cur, now)
		case tenantKey != nil:
			rec = hashPartition(m, t, tenantKey, cur)
		default:
			continue
		}
		readCost := 0.0
		for _, a := range t.accesses {
			if !a.readless && a.acc.Write == "" {
				readCost += a.calls * cur[a]
			}
		}
		least := math.Max(minBenefit, partitionMinGainShare*readCost)
		// Retention DELETEs make the case on their own: the rows they
		// remove are bloat and VACUUM work that a partition drop avoids,
		// whatever the reads gain.
		if rec.Benefit <= least && (timeKey == nil || rec.Partition.Strategy != "range" || len(timeKey.retention) == 0) {
			rec.Reason = fmt.Sprintf("Not worth it: with the recommended indexes, pruning by %s would save %s over the workload, less than %s (a tenth of what reading %s costs, or the minimum benefit): the indexes already keep most reads from scanning the table.", rec.Partition.Key, units(rec.Benefit), units(least), t.name.Name)
			rejected = append(rejected, rec)
			continue
		}
		recs = append(recs, rec)
	}
	if r, ok := citusAdvice(m); ok {
		recs = append(recs, r)
	}
	return recs, rejected
}

// bestTimeKey finds the timestamp column most read calls filter by range.
func bestTimeKey(t *tableModel) *partitionEvidence {
	byCol := map[string]*partitionEvidence{}
	var reads float64
	var readMS float64
	for _, a := range t.accesses {
		if a.readless || a.acc.Write != "" {
			continue
		}
		reads += a.calls
		readMS += a.shape.TotalMS
	}
	for i := range t.table.Columns {
		c := &t.table.Columns[i]
		if !strings.HasPrefix(c.Type, "timestamp") && c.Type != "date" {
			continue
		}
		ev := &partitionEvidence{column: c.Name, readCalls: reads, readMS: readMS}
		for _, a := range t.accesses {
			if a.readless {
				continue
			}
			bounded := false
			for _, p := range a.preds {
				if p.key == c.Name {
					switch p.p.Op {
					case analyzer.OpRange, analyzer.OpBetween, analyzer.OpEq:
						bounded = true
					}
				}
			}
			switch {
			case a.acc.Write == analyzer.KindDelete && bounded:
				for _, w := range t.writes {
					if w.shape == a.shape {
						ev.retention = append(ev.retention, w)
					}
				}
				ev.windows = append(ev.windows, intervalsIn(a.shape.SampleQuery)...)
			case a.acc.Write != "":
			case bounded:
				ev.prunedCalls += a.calls
				ev.prunedMS += a.shape.TotalMS
				ev.windows = append(ev.windows, intervalsIn(a.shape.SampleQuery)...)
			default:
				ev.unpruned = appendUnique(ev.unpruned, a.shape.Fingerprint)
			}
		}
		if ev.prunedCalls > 0 || len(ev.retention) > 0 {
			byCol[c.Name] = ev
		}
	}
	var best *partitionEvidence
	for _, col := range sortedKeysOf(byCol) {
		ev := byCol[col]
		if best == nil || ev.prunedCalls+float64(len(ev.retention))*1e9 > best.prunedCalls+float64(len(best.retention))*1e9 {
			best = ev
		}
	}
	return best
}

// bestTenantKey finds a non-unique column most calls pin with equality.
func bestTenantKey(t *tableModel) *partitionEvidence {
	counts := map[string]float64{}
	var reads float64
	for _, a := range t.accesses {
		if a.readless {
			continue
		}
		reads += a.calls
		for _, p := range a.preds {
			if p.p.Op == analyzer.OpEq && p.p.Target.Column != "" && !t.unique[p.key] {
				counts[p.key] += a.calls
			}
		}
	}
	var best *partitionEvidence
	for _, col := range sortedKeysOf(counts) {
		if counts[col]/math.Max(reads, 1) < tenantMinShare {
			continue
		}
		if c := t.column(col); c != nil && (strings.HasPrefix(c.Type, "timestamp") || c.Type == "boolean") {
			continue
		}
		if !tenantLike(t, col) {
			continue
		}
		if best == nil || counts[col] > best.prunedCalls {
			best = &partitionEvidence{column: col, prunedCalls: counts[col], readCalls: reads}
		}
	}
	if best != nil {
		for _, a := range t.accesses {
			pinned := false
			for _, p := range a.preds {
				pinned = pinned || (p.key == best.column && p.p.Op == analyzer.OpEq)
			}
			if !pinned && !a.readless {
				best.unpruned = appendUnique(best.unpruned, a.shape.Fingerprint)
			}
		}
	}
	return best
}

// tenantLike reports whether a column divides the table into a moderate
// number of groups (tenants, accounts, regions): by its statistics, or
// without them by its name.
func tenantLike(t *tableModel, col string) bool {
	if nd := t.distinct(col); nd > 0 {
		return nd >= 2 && nd <= 10_000
	}
	for _, w := range []string{"tenant", "account", "org", "workspace", "company", "region", "shard"} {
		if strings.Contains(col, w) {
			return true
		}
	}
	return false
}

// rangePartition renders RANGE partitioning on a time column.
func rangePartition(m *model, t *tableModel, ev *partitionEvidence, cur map[*accessModel]float64, now time.Time) Recommendation {
	unit := granularity(ev.windows)
	share := ev.prunedCalls / math.Max(ev.readCalls, 1)
	rec := Recommendation{Kind: KindPartition, Table: t.name, Partition: &PartitionDetail{Parent: t.name.Name + "_partitioned", Key: ev.column, Strategy: "range", PrunedShare: round(share)}, Confidence: "high"}
	// Reads that prune skip all but the partitions their window covers,
	// which saves what the recommended indexes leave them to scan. Reads
	// without the key probe each partition's index where they used one
	// index: one more descent per partition.
	parts := livePartitions(t, ev, unit)
	var probeCost float64
	for _, a := range t.accesses {
		if a.readless || a.acc.Write != "" {
			continue
		}
		pruned, keySel := false, 1.0
		for _, p := range a.preds {
			if p.key == ev.column && (p.p.Op == analyzer.OpRange || p.p.Op == analyzer.OpBetween || p.p.Op == analyzer.OpEq) {
				pruned = true
				keySel *= p.sel
			}
		}
		switch seq := a.seqCost(); {
		case pruned:
			// The partitions its window covers, and part of one more
			// at each edge; at most prunedScanShare without statistics.
			share := math.Min(1, keySel+1/parts)
			if !t.stats {
				share = math.Min(share, prunedScanShare)
			}
			rec.Benefit += a.calls * math.Max(0, cur[a]-seq*share)
			rec.Queries = appendUnique(rec.Queries, a.shape.Fingerprint)
		case cur[a] < seq*0.99:
			probeCost += a.calls * (parts - 1) * randomPageCost
		}
	}
	// Retention: each DELETE run (its scan and, per row, a heap page and
	// the index entries VACUUM removes) becomes a DROP of a partition.
	for _, w := range ev.retention {
		rec.Benefit += w.calls * (cur[w.acc] + w.rows*(randomPageCost+float64(len(t.existing))*vacuumCostPerRow))
	}
	rec.Benefit = round(rec.Benefit - probeCost)
	for _, w := range ev.retention {
		rec.Queries = appendUnique(rec.Queries, w.shape.Fingerprint)
	}
	parent := catalog.QualifiedName{Schema: t.name.Schema, Name: t.name.Name + "_partitioned"}
	col := catalog.QuoteIdent(ev.column)
	rec.DDL = fmt.Sprintf("CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING STORAGE) PARTITION BY RANGE (%s);", parent, t.name, col)
	rec.Steps = []string{rec.DDL}
	rec.Steps = append(rec.Steps, keySteps(t, parent, ev.column)...)
	rec.Steps = append(rec.Steps, fmt.Sprintf("-- 2. partitions per %s: the current one and the next three (create ahead, e.g. with pg_partman), and a default for stray rows", unit))
	start := truncate(now, unit)
	for i := 0; i < 4; i++ {
		from, to := step(start, unit, i), step(start, unit, i+1)
		rec.Steps = append(rec.Steps, fmt.Sprintf("CREATE TABLE %s PARTITION OF %s FOR VALUES FROM ('%s') TO ('%s');",
			catalog.QualifiedName{Schema: t.name.Schema, Name: t.name.Name + "_" + partitionSuffix(from, unit)}, parent, from.Format("2006-01-02"), to.Format("2006-01-02")))
	}
	rec.Steps = append(rec.Steps, fmt.Sprintf("CREATE TABLE %s PARTITION OF %s DEFAULT;", catalog.QualifiedName{Schema: t.name.Schema, Name: t.name.Name + "_default"}, parent))
	rec.Steps = append(rec.Steps, migrationSteps(t, parent)...)
	if len(ev.retention) > 0 {
		rec.Steps = append(rec.Steps, fmt.Sprintf("-- 5. retention: instead of DELETE … WHERE %s < …, detach and drop whole partitions:", ev.column),
			fmt.Sprintf("--    ALTER TABLE %s DETACH PARTITION %s.%s_<oldest> CONCURRENTLY; DROP TABLE %s.%s_<oldest>;", t.name, t.name.Schema, t.name.Name, t.name.Schema, t.name.Name))
	}
	rec.DownDDL = fmt.Sprintf("DROP TABLE IF EXISTS %s;", parent)
	var b strings.Builder
	fmt.Fprintf(&b, "Partition by RANGE (%s) per %s: %.0f%% of read calls filter on %s and would prune to the partitions their window covers", ev.column, unit, 100*share, ev.column)
	if len(ev.retention) > 0 {
		fmt.Fprintf(&b, "; %d retention %s (%s rows a run) become DROP PARTITION", len(ev.retention), plural(len(ev.retention), "DELETE", "DELETEs"), groupThousands(int64(ev.retention[0].rows)))
	}
	if len(ev.unpruned) > 0 {
		fmt.Fprintf(&b, "; %d %s without a filter on %s would read every partition", len(ev.unpruned), plural(len(ev.unpruned), "query", "queries"), ev.column)
		if probeCost > 0 {
			fmt.Fprintf(&b, " (about %.0f, an index descent each: +%s, counted)", parts, units(probeCost))
		}
	}
	b.WriteString(". ")
	b.WriteString(constraintsNote(m, t, ev.column))
	rec.Reason = b.String()
	return rec
}

// hashPartition renders HASH partitioning on a tenant-like key.
func hashPartition(m *model, t *tableModel, ev *partitionEvidence, cur map[*accessModel]float64) Recommendation {
	share := ev.prunedCalls / math.Max(ev.readCalls, 1)
	rec := Recommendation{Kind: KindPartition, Table: t.name, Partition: &PartitionDetail{Parent: t.name.Name + "_partitioned", Key: ev.column, Strategy: "hash", PrunedShare: round(share)}, Confidence: "high"}
	for _, a := range t.accesses {
		for _, p := range a.preds {
			if p.key == ev.column && p.p.Op == analyzer.OpEq && cur[a] >= a.seqCost()*0.99 {
				rec.Benefit += a.calls * cur[a] * (1 - 1.0/hashPartitions)
				rec.Queries = appendUnique(rec.Queries, a.shape.Fingerprint)
				break
			}
		}
	}
	rec.Benefit = round(rec.Benefit)
	parent := catalog.QualifiedName{Schema: t.name.Schema, Name: t.name.Name + "_partitioned"}
	rec.DDL = fmt.Sprintf("CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING STORAGE) PARTITION BY HASH (%s);", parent, t.name, catalog.QuoteIdent(ev.column))
	rec.Steps = []string{rec.DDL}
	rec.Steps = append(rec.Steps, keySteps(t, parent, ev.column)...)
	rec.Steps = append(rec.Steps, fmt.Sprintf("-- 2. %d hash partitions", hashPartitions))
	for i := 0; i < hashPartitions; i++ {
		rec.Steps = append(rec.Steps, fmt.Sprintf("CREATE TABLE %s PARTITION OF %s FOR VALUES WITH (MODULUS %d, REMAINDER %d);",
			catalog.QualifiedName{Schema: t.name.Schema, Name: fmt.Sprintf("%s_h%02d", t.name.Name, i)}, parent, hashPartitions, i))
	}
	rec.Steps = append(rec.Steps, migrationSteps(t, parent)...)
	rec.DownDDL = fmt.Sprintf("DROP TABLE IF EXISTS %s;", parent)
	rec.Reason = fmt.Sprintf("Partition by HASH (%s) into %d: %.0f%% of calls pin %s to one value and would read one partition. %s",
		ev.column, hashPartitions, 100*share, ev.column, constraintsNote(m, t, ev.column))
	return rec
}

// keySteps adds the primary key and unique constraints, which must include
// the partition key.
func keySteps(t *tableModel, parent catalog.QualifiedName, key string) []string {
	out := []string{"-- 1. keys: a primary key or unique constraint of a partitioned table must include the partition key"}
	if pk := t.table.PrimaryKey; len(pk) > 0 {
		cols := withColumn(pk, key)
		out = append(out, fmt.Sprintf("ALTER TABLE %s ADD PRIMARY KEY (%s);", parent, quoteList(cols)))
	}
	for _, u := range t.table.Uniques {
		out = append(out, fmt.Sprintf("ALTER TABLE %s ADD UNIQUE (%s);", parent, quoteList(withColumn(u, key))))
	}
	for _, ix := range t.table.Indexes {
		if ix.Constraint != "" || ix.Definition == "" || ix.Unique {
			continue
		}
		out = append(out, "-- recreate on the parent (partitions inherit it): "+strings.Replace(ix.Definition, " ON "+t.name.String()+" ", " ON "+parent.String()+" ", 1))
	}
	return out
}

// migrationSteps are the copy-and-swap plan, as comments: they must be run
// with care, outside pgadvise.
func migrationSteps(t *tableModel, parent catalog.QualifiedName) []string {
	return []string{
		"-- 3. copy the rows, in batches to keep transactions short:",
		fmt.Sprintf("--    INSERT INTO %s SELECT * FROM %s WHERE <key range>;", parent, t.name),
		"-- 4. swap in one short transaction (writes paused, or caught up by a trigger on the old table):",
		fmt.Sprintf("--    ALTER TABLE %s RENAME TO %s; ALTER TABLE %s RENAME TO %s;", t.name, t.name.Name+"_old", parent, t.name.Name),
	}
}

// constraintsNote states the costs and constraints of partitioning a table.
func constraintsNote(m *model, t *tableModel, key string) string {
	var notes []string
	if pk := t.table.PrimaryKey; len(pk) > 0 && !contains(pk, key) {
		notes = append(notes, fmt.Sprintf("the primary key (%s) must become (%s)", strings.Join(pk, ", "), strings.Join(withColumn(pk, key), ", ")))
	}
	for _, u := range t.table.Uniques {
		if !contains(u, key) {
			notes = append(notes, fmt.Sprintf("UNIQUE (%s) must include %s", strings.Join(u, ", "), key))
		}
	}
	var refs []string
	if m.schema != nil {
		for _, other := range m.schema.SortedTables() {
			for _, fk := range other.ForeignKeys {
				if fk.RefTable == t.name {
					refs = append(refs, other.Name.String()+"."+fk.Name)
				}
			}
		}
	}
	if len(refs) > 0 {
		notes = append(notes, fmt.Sprintf("foreign keys that reference it (%s) must reference the new key, which includes %s", strings.Join(refs, ", "), key))
	}
	notes = append(notes, "migration: create the partitioned table, copy in batches, swap names")
	return "Costs: " + strings.Join(notes, "; ") + "."
}

// citusAdvice proposes a Citus distribution column when most calls, on
// several tables that share a tenant-like column, pin it to one value.
func citusAdvice(m *model) (Recommendation, bool) {
	pinned := map[string]float64{}
	tablesWith := map[string][]*tableModel{}
	var total float64
	for _, t := range m.sortedTables() {
		for _, a := range t.accesses {
			if a.readless {
				continue
			}
			for _, p := range a.preds {
				if p.p.Op == analyzer.OpEq && p.p.Target.Column != "" && !t.unique[p.key] {
					pinned[p.key] += a.calls
				}
			}
		}
	}
	for _, s := range m.shapeAccessesSorted() {
		total += float64(s.shape.Calls)
	}
	var col string
	for _, c := range sortedKeysOf(pinned) {
		if col == "" || pinned[c] > pinned[col] {
			col = c
		}
	}
	if col == "" {
		return Recommendation{}, false
	}
	for _, t := range m.sortedTables() {
		if t.column(col) != nil && len(t.accesses) > 0 {
			tablesWith[col] = append(tablesWith[col], t)
		}
	}
	if len(tablesWith[col]) < 2 {
		return Recommendation{}, false
	}
	// A call routes to one node when every table it reads is pinned to one
	// value of the column (by a filter, or by a join on it).
	var routed float64
	for _, s := range m.shapeAccessesSorted() {
		ok := len(s.accs) > 0
		for _, a := range s.accs {
			if a.readless {
				continue
			}
			hit := false
			for _, p := range a.preds {
				hit = hit || (p.key == col && p.p.Op == analyzer.OpEq)
			}
			for _, j := range a.joins {
				hit = hit || j == col
			}
			ok = ok && hit
		}
		if ok {
			routed += float64(s.shape.Calls)
		}
	}
	share := routed / math.Max(total, 1)
	if share < 0.6 {
		return Recommendation{}, false
	}
	ts := tablesWith[col]
	rec := Recommendation{Kind: KindPartition, Table: ts[0].name, Distribution: &DistributionDetail{Column: col, PrunedShare: round(share)}, Confidence: "low"}
	var names []string
	for i, t := range ts {
		names = append(names, t.name.String())
		stmt := fmt.Sprintf("SELECT create_distributed_table('%s', '%s');", t.name, col)
		if i > 0 {
			stmt = fmt.Sprintf("SELECT create_distributed_table('%s', '%s', colocate_with => '%s');", t.name, col, ts[0].name)
		}
		rec.Steps = append(rec.Steps, stmt)
	}
	rec.DDL = rec.Steps[0]
	rec.Reason = fmt.Sprintf("If the database must scale out: distribute by %s with Citus, co-locating %s; %.0f%% of calls pin %s in every table they read and would route to a single node. Primary keys and unique constraints must include %s.",
		col, strings.Join(names, ", "), 100*share, col, col)
	return rec, true
}

type shapeAccesses struct {
	shape *analyzer.QueryShape
	accs  []*accessModel
}

func (m *model) shapeAccessesSorted() []shapeAccesses {
	out := make([]shapeAccesses, 0, len(m.shapeAccesses))
	for s, accs := range m.shapeAccesses {
		out = append(out, shapeAccesses{s, accs})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].shape.Fingerprint < out[j].shape.Fingerprint })
	return out
}

var intervalRE = regexp.MustCompile(`(?i)interval\s*'\s*(\d+)\s*(hour|day|week|month|year)s?\s*'`)

// intervalsIn finds the interval literals of a query (now() - interval '30 days').
func intervalsIn(sql string) []time.Duration {
	var out []time.Duration
	for _, m := range intervalRE.FindAllStringSubmatch(sql, -1) {
		n, _ := strconv.Atoi(m[1])
		unit := map[string]time.Duration{"hour": time.Hour, "day": 24 * time.Hour, "week": 7 * 24 * time.Hour, "month": 30 * 24 * time.Hour, "year": 365 * 24 * time.Hour}[strings.ToLower(m[2])]
		out = append(out, time.Duration(n)*unit)
	}
	return out
}

// granularity picks partitions a day, a week or a month long: no longer
// than the shortest window the workload reads or keeps, so that a query
// reads few partitions and retention drops whole ones.
// livePartitions estimates how many RANGE partitions of unit hold data:
// the retention window where DELETEs keep one, else the time the column's
// histogram spans, else a year of months.
func livePartitions(t *tableModel, ev *partitionEvidence, unit string) float64 {
	var held time.Duration
	if len(ev.retention) > 0 {
		for _, w := range ev.windows {
			held = max(held, w)
		}
	}
	if c := t.column(ev.column); held == 0 && c != nil && c.Stats != nil && len(c.Stats.HistogramBounds) >= 2 {
		b := c.Stats.HistogramBounds
		first, ok1 := scalarOf(b[0])
		last, ok2 := scalarOf(b[len(b)-1])
		if ok1 && ok2 && last > first {
			held = time.Duration((last - first) * float64(time.Second))
		}
	}
	if held <= 0 {
		return defaultRangePartitions
	}
	per := map[string]time.Duration{"day": 24 * time.Hour, "week": 7 * 24 * time.Hour, "month": 30 * 24 * time.Hour}[unit]
	return math.Min(math.Max(math.Ceil(float64(held)/float64(per))+1, 2), 1000)
}

func granularity(windows []time.Duration) string {
	if len(windows) == 0 {
		return "month"
	}
	shortest := windows[0]
	for _, w := range windows {
		if w < shortest {
			shortest = w
		}
	}
	switch {
	case shortest <= 3*24*time.Hour:
		return "day"
	case shortest <= 45*24*time.Hour:
		return "week"
	}
	return "month"
}

func truncate(t time.Time, unit string) time.Time {
	t = t.UTC()
	switch unit {
	case "day":
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	case "week":
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7)) // Monday
	}
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func step(t time.Time, unit string, n int) time.Time {
	switch unit {
	case "day":
		return t.AddDate(0, 0, n)
	case "week":
		return t.AddDate(0, 0, 7*n)
	}
	return t.AddDate(0, n, 0)
}

func partitionSuffix(t time.Time, unit string) string {
	switch unit {
	case "day":
		return t.Format("p2006_01_02")
	case "week":
		y, w := t.ISOWeek()
		return fmt.Sprintf("p%d_w%02d", y, w)
	}
	return t.Format("p2006_01")
}

func withColumn(cols []string, key string) []string {
	if contains(cols, key) {
		return cols
	}
	return append(append([]string{}, cols...), key)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quoteList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = catalog.QuoteIdent(c)
	}
	return strings.Join(q, ", ")
}

func sortedKeysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
