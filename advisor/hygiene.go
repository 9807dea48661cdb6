package advisor

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/pgadvise/pgadvise/analyzer"
)

// hygienePass makes the drop_index and unused_index recommendations, from
// the indexes the create_index pass chose.
var hygienePass = &pass{run: func(r *run) (recs, rejected []Recommendation) {
	return hygiene(r.m, r.sel, countersWindow(r.opt, r.now)), nil
}}

// hygiene finds existing indexes to drop: exact duplicates, btrees whose
// keys are a leading prefix of another's (same method and predicate), those
// a recommended index supersedes or makes useless, and those no access of the
// workload uses. It never drops an index that backs a primary key, unique or
// exclusion constraint, nor a unique index (it enforces something). An index
// counts as used when a plain or bitmap scan of it, alone or ANDed with
// others, is part of an access's cheapest path. Indexes no access uses are
// reported with low confidence unless live statistics show no scan over a
// known window of at least a week. Last, the drops of each table are checked
// as a whole (checkPlan): after all of them, every access must still find
// the path it relies on.
func hygiene(m *model, sel *selection, win statsWindow) []Recommendation {
	var out []Recommendation
	for _, t := range m.sortedTables() {
		if t.table != nil && t.table.PartitionOf != nil {
			continue // a partition's indexes come from its parent's
		}
		var drops []Recommendation
		dropped := map[*indexModel]bool{}
		created := createdOn(sel, t)
		// An index a recommended one supersedes (its keys a prefix of the
		// new one's, or the same keys now with INCLUDE columns).
		for _, ix := range t.existing {
			if !droppable(ix) {
				continue
			}
			for _, c := range created {
				if !supersedes(c, ix) {
					continue
				}
				dropped[ix] = true
				drops = append(drops, Recommendation{
					Kind: KindDropIndex, Table: t.name, Index: &IndexDetail{Name: ix.name, SupersededBy: c.indexName()}, DDL: dropDDL(t.name, ix.name), DownDDL: recreateDDL(ix),
					Benefit: round(writeCost(ix, t, sel.config[t])), SizeBytes: int64(ix.size()), Confidence: "high",
					Reason: fmt.Sprintf("Superseded by the recommended %s (%s), which serves every lookup this one does: drop it once that one is built. %s",
						c.indexName(), keyList(c), scansText(ix, win)),
				})
				break
			}
		}
		idx := append([]*indexModel{}, t.existing...)
		sort.SliceStable(idx, func(i, j int) bool { return keepFirst(idx[i], idx[j]) })
		for i, ix := range idx {
			if !droppable(ix) || dropped[ix] {
				continue
			}
			for j, other := range idx {
				if i == j || dropped[other] {
					continue
				}
				dup := sameIndex(ix, other)
				// Of two duplicates, drop the one keepFirst ranks later.
				if dup && j > i {
					continue
				}
				if !dup && !prefixOf(ix, other) {
					continue
				}
				dropped[ix] = true
				r := Recommendation{
					Kind: KindDropIndex, Table: t.name, Index: &IndexDetail{Name: ix.name}, DDL: dropDDL(t.name, ix.name), DownDDL: recreateDDL(ix),
					Benefit:   round(writeCost(ix, t, t.existing)),
					SizeBytes: int64(ix.size()), Confidence: "high",
				}
				if dup {
					r.Reason = fmt.Sprintf("Duplicate of %s (same definition): it doubles the write cost and serves nothing the other does not.", other.name)
				} else {
					r.Reason = fmt.Sprintf("Redundant: its keys (%s) are a leading prefix of %s (%s), which serves the same lookups.", keyList(ix), other.name, keyList(other))
				}
				r.Reason += " " + scansText(ix, win)
				drops = append(drops, r)
				break
			}
		}
		today := remaining(t.existing, dropped)
		for _, ix := range t.existing {
			if dropped[ix] || !droppable(ix) {
				continue
			}
			after := append(remaining(today, map[*indexModel]bool{ix: true}), created...)
			if usedBy(ix, t, after) {
				continue
			}
			if users := usedBy(ix, t, remaining(today, map[*indexModel]bool{ix: true})); users {
				// Used today, but not once the recommended indexes exist.
				dropped[ix] = true
				by := replacement(ix, t, today, created)
				r := Recommendation{
					Kind: KindDropIndex, Table: t.name, Index: &IndexDetail{Name: ix.name, SupersededBy: by.indexName()}, DDL: dropDDL(t.name, ix.name), DownDDL: recreateDDL(ix),
					Benefit: round(writeCost(ix, t, sel.config[t])), SizeBytes: int64(ix.size()), Confidence: "high",
					Reason: fmt.Sprintf("Made useless by the recommended %s (%s): the captured queries that use this index today are cheaper through that one. Drop it once that one is built. %s",
						by.indexName(), keyList(by), scansText(ix, win)),
				}
				if st := ix.existing.Stats; st != nil && st.Scans > 0 {
					r.Confidence = "low" // its scans may come from queries the capture missed
				}
				drops = append(drops, r)
				continue
			}
			if st := ix.existing.Stats; st != nil {
				// Live statistics settle it: scanned since the reset means
				// something outside the capture uses it.
				if st.Scans > 0 {
					continue
				}
				dropped[ix] = true
				drops = append(drops, unscannedDrop(t, ix, sel, win))
				continue
			}
			r := Recommendation{
				Kind: KindUnusedIndex, Table: t.name, Index: &IndexDetail{Name: ix.name}, DDL: dropDDL(t.name, ix.name), DownDDL: recreateDDL(ix),
				Benefit:   round(writeCost(ix, t, t.existing)),
				SizeBytes: int64(ix.size()), Confidence: "low",
			}
			reads := 0
			for _, a := range t.accesses {
				if !a.readless {
					reads++
				}
			}
			if reads == 0 {
				r.Reason = "Unused by this workload: no captured query reads the table."
			} else {
				r.Reason = fmt.Sprintf("Unused by this workload: none of the %d captured %s on this table would use it.", reads, plural(reads, "query", "queries"))
			}
			r.Reason += " No index statistics were given: check pg_stat_user_indexes.idx_scan over a full business cycle before dropping."
			dropped[ix] = true
			drops = append(drops, r)
		}
		out = append(out, checkPlan(t, drops, created)...)
	}
	return out
}

// createdOn lists the indexes the selection recommends creating on t.
func createdOn(sel *selection, t *tableModel) []*indexModel {
	var out []*indexModel
	for _, c := range sel.chosen {
		if c.ix.t == t {
			out = append(out, c.ix)
		}
	}
	return out
}

// remaining returns the indexes of list that are not in gone.
func remaining(list []*indexModel, gone map[*indexModel]bool) []*indexModel {
	var out []*indexModel
	for _, ix := range list {
		if !gone[ix] {
			out = append(out, ix)
		}
	}
	return out
}

// replacement names the recommended index that takes over the accesses ix
// serves today: the one those accesses gain most from.
func replacement(ix *indexModel, t *tableModel, today, created []*indexModel) *indexModel {
	without := remaining(today, map[*indexModel]bool{ix: true})
	var best *indexModel
	bestGain := -1.0
	for _, c := range created {
		gain := 0.0
		for _, a := range t.accesses {
			if a.readless || plannedCost(a, without) <= plannedCost(a, today)*(1+1e-9) {
				continue // ix does not serve it today
			}
			gain += a.calls * (plannedCost(a, without) - plannedCost(a, append(without, c)))
		}
		if gain > bestGain {
			best, bestGain = c, gain
		}
	}
	return best
}

// planSlack is how much dearer an access may become, through the drops of a
// plan, and still count as served by the path it relied on: the longer
// index that replaces a dropped prefix reads a few more pages; losing the
// index it relied on costs a sequential scan, orders of magnitude more.
const planSlack = 1.5

// checkPlan checks a table's drops as a whole and keeps, at each failure,
// the dropped index the hurt access would be cheapest through, until none
// fails. Two plans are checked: the drops that stand alone (no recommended
// index replaces them), against the existing indexes; and all of them with
// the recommended indexes built, against the existing indexes plus those.
// Each access must cost at most planSlack times what it did.
func checkPlan(t *tableModel, drops []Recommendation, created []*indexModel) []Recommendation {
	byName := map[string]*indexModel{}
	for _, ix := range t.existing {
		byName[ix.name] = ix
	}
	for {
		alone, all := map[*indexModel]bool{}, map[*indexModel]bool{}
		for _, d := range drops {
			ix := byName[d.Index.Name]
			all[ix] = true
			if d.Index.SupersededBy == "" {
				alone[ix] = true
			}
		}
		keep := failedAccessPath(t, alone, nil)
		if keep == nil {
			keep = failedAccessPath(t, all, created)
		}
		if keep == nil {
			return drops
		}
		var rest []Recommendation
		for _, d := range drops {
			if d.Index.Name != keep.name {
				rest = append(rest, d)
			}
		}
		drops = rest
	}
}

// failedAccessPath returns, when dropping gone (with created built) leaves
// an access without the path it relied on, the dropped index it would be
// cheapest through; nil when every access is still served.
func failedAccessPath(t *tableModel, gone map[*indexModel]bool, created []*indexModel) *indexModel {
	if len(gone) == 0 {
		return nil
	}
	before := append(append([]*indexModel{}, t.existing...), created...)
	after := append(remaining(t.existing, gone), created...)
	for _, a := range t.accesses {
		if a.readless || plannedCost(a, after) <= plannedCost(a, before)*planSlack {
			continue
		}
		var best *indexModel
		bestCost := math.Inf(1)
		for _, ix := range t.existing {
			if !gone[ix] {
				continue
			}
			if c := plannedCost(a, append(after, ix)); c < bestCost || (c == bestCost && keepFirst(ix, best)) {
				best, bestCost = ix, c
			}
		}
		return best
	}
	return nil
}

// statsWindow is what the activity counters (pg_stat_user_indexes.idx_scan)
// cover: a lower bound of how long they have counted, when one is known,
// and a phrase that says since when and where that comes from.
type statsWindow struct {
	known bool
	age   time.Duration
	since string
}

// countersWindow works out the counters' window from the options: the
// statistics reset (pg_stat_database.stats_reset) when there was one; when
// there was none, the server's start, but only from PostgreSQL 15 on, whose
// counters survive a clean restart; otherwise unknown.
func countersWindow(opt Options, now time.Time) statsWindow {
	switch {
	case opt.StatsReset != nil:
		age := now.Sub(*opt.StatsReset)
		return statsWindow{known: true, age: age,
			since: fmt.Sprintf("since the statistics reset at %s (pg_stat_database.stats_reset, %s ago)", opt.StatsReset.UTC().Format("2006-01-02 15:04 UTC"), ageText(age))}
	case opt.ServerStart != nil && opt.ServerVersionNum >= 150000:
		age := now.Sub(*opt.ServerStart)
		return statsWindow{known: true, age: age,
			since: fmt.Sprintf("since at least the server's start at %s (pg_postmaster_start_time(), %s ago: the statistics were never reset, pg_stat_database.stats_reset is NULL, and from PostgreSQL 15 on they survive a clean restart; a crash since, or a database created since, would make the window shorter)",
				opt.ServerStart.UTC().Format("2006-01-02 15:04 UTC"), ageText(age))}
	case opt.ServerStart != nil:
		return statsWindow{since: fmt.Sprintf("over an unknown window (the statistics were never reset, pg_stat_database.stats_reset is NULL, and before PostgreSQL 15 the server's start at %s does not bound how long they have counted)",
			opt.ServerStart.UTC().Format("2006-01-02 15:04 UTC"))}
	}
	return statsWindow{since: "over an unknown window (the statistics were never reset, pg_stat_database.stats_reset is NULL, and the server's start is not known)"}
}

// ageText renders a window's length: "36 hours", "12.5 days".
func ageText(d time.Duration) string {
	if d < 48*time.Hour {
		return fmt.Sprintf("%.0f hours", math.Max(0, d.Hours()))
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

// scansText says where a drop's figures come from: the index's scans over
// the counters' window, or the schema alone.
func scansText(ix *indexModel, win statsWindow) string {
	if st := ix.existing.Stats; st != nil {
		return fmt.Sprintf("Its scans (pg_stat_user_indexes.idx_scan): %.0f %s.", st.Scans, win.since)
	}
	return "From the schema and the captured workload alone: no index statistics were given."
}

// supersedes reports whether the new btree n does all that the existing
// index e does: e's keys lead n's (or are the same keys), and e's INCLUDE
// columns are stored in n.
func supersedes(n, e *indexModel) bool {
	if !keysLead(e, n) {
		return false
	}
	for _, c := range e.include {
		if !n.stores(c) {
			return false
		}
	}
	return true
}

// keysLead reports whether btree a's keys are a leading part of btree b's
// (or all of them), with the same directions, predicate and opclass: b can
// then do any lookup a does.
func keysLead(a, b *indexModel) bool {
	if a.method != "btree" || b.method != "btree" || len(a.keys) > len(b.keys) {
		return false
	}
	if a.predicateKey() != b.predicateKey() || a.opclass != b.opclass {
		return false
	}
	for i, k := range a.keys {
		if b.keys[i].key != k.key || b.keys[i].desc != k.desc {
			return false
		}
	}
	return true
}

// unscannedDrop recommends dropping an index that no scan used over the
// counters' window and that no captured query would use. It is high
// confidence only when that window is known and at least a week long.
func unscannedDrop(t *tableModel, ix *indexModel, sel *selection, win statsWindow) Recommendation {
	r := Recommendation{
		Kind: KindDropIndex, Table: t.name, Index: &IndexDetail{Name: ix.name}, DDL: dropDDL(t.name, ix.name), DownDDL: recreateDDL(ix),
		Benefit: round(writeCost(ix, t, sel.config[t])), SizeBytes: int64(ix.size()), Confidence: "high",
	}
	var caveat string
	switch {
	case !win.known:
		r.Confidence = "low"
		caveat = " Nobody knows how long the counters have run: reset them (pg_stat_reset()) and look again after every periodic job has run."
	case win.age < minUnusedWindow:
		r.Confidence = "low"
		caveat = fmt.Sprintf(" The counters cover only %s: wait until they cover every periodic job before dropping.", ageText(win.age))
	}
	r.Reason = fmt.Sprintf("No index scan (pg_stat_user_indexes.idx_scan = 0) %s, and no captured query would use it: it costs %s of index maintenance and %s for nothing. Check replicas' statistics too: their reads are not counted here.%s",
		win.since, units(r.Benefit), bytesText(float64(r.SizeBytes)), caveat)
	return r
}

// droppable reports whether an index may be dropped on its own.
func droppable(ix *indexModel) bool {
	return ix.existing != nil && ix.existing.Constraint == "" && !ix.unique
}

// keepFirst orders indexes by which to keep when they duplicate each other:
// constraint-backed and unique first, then the one with more scans (the one
// the planner picks), then by name.
func keepFirst(a, b *indexModel) bool {
	if b == nil {
		return true
	}
	ca, cb := a.existing.Constraint != "" || a.unique, b.existing.Constraint != "" || b.unique
	if ca != cb {
		return ca
	}
	if sa, sb := scansOf(a), scansOf(b); sa != sb {
		return sa > sb
	}
	return a.name < b.name
}

// scansOf is an existing index's scans from live statistics (0 without).
func scansOf(ix *indexModel) float64 {
	if st := ix.existing.Stats; st != nil {
		return st.Scans
	}
	return 0
}

func sameIndex(a, b *indexModel) bool {
	return a.method == b.method && a.signatureNoTable() == b.signatureNoTable()
}

func (ix *indexModel) signatureNoTable() string {
	s := ix.signature()
	return s[strings.IndexByte(s, '|'):]
}

// prefixOf reports whether btree a's keys are a strict leading prefix of
// btree b's, with the same directions, predicate and opclass, and a's
// INCLUDE columns stored in b.
func prefixOf(a, b *indexModel) bool {
	return len(a.keys) < len(b.keys) && supersedes(b, a)
}

// usedBy reports whether any access of the workload is cheaper with ix
// beside the indexes rest than with rest alone, counting bitmap scans of
// several indexes ANDed.
func usedBy(ix *indexModel, t *tableModel, rest []*indexModel) bool {
	with := append(append([]*indexModel{}, rest...), ix)
	for _, a := range t.accesses {
		if a.readless {
			continue
		}
		if plannedCost(a, rest) > plannedCost(a, with)*(1+1e-9) {
			return true
		}
	}
	return false
}

// plannedCost is the plan cost of the access's cheapest path through
// indexes: the cost model's scans (accessModel.choose), or a bitmap heap
// scan over one or several of them ANDed (bitmapCost). Hygiene asks what
// the planner does, whether a plan uses an index, so it compares plan
// costs, not run costs.
func plannedCost(a *accessModel, indexes []*indexModel) float64 {
	return math.Min(a.choose(indexes).plan, a.bitmapCost(indexes))
}

// bitmapArm is one index's bitmap index scan for an access: the share of
// the table's rows it returns, the keys it matches and its cost.
type bitmapArm struct {
	ix   *indexModel
	sel  float64
	keys []string
	cost float64
}

// bitmapArm prices a bitmap index scan of ix for the access, as
// cost_bitmap_tree_node does: the index pages of the matching share and a
// CPU charge per index tuple. ok is false when ix cannot narrow the access.
func (a *accessModel) bitmapArm(ix *indexModel) (bitmapArm, bool) {
	if !a.implies(ix.predicate) {
		return bitmapArm{}, false
	}
	arm := bitmapArm{ix: ix, sel: 1}
	switch ix.method {
	case "btree", "":
	keys:
		for _, k := range ix.keys {
			for _, p := range a.preds {
				if p.key == k.key && (p.p.Op == analyzer.OpEq || p.p.Op == analyzer.OpIn || p.p.Op == analyzer.OpIsNull) {
					arm.sel *= p.sel
					arm.keys = append(arm.keys, k.key)
					continue keys
				}
			}
			for _, p := range a.preds {
				if p.key == k.key && (p.p.Op == analyzer.OpRange || p.p.Op == analyzer.OpBetween) {
					arm.sel *= p.sel
					arm.keys = appendUnique(arm.keys, k.key)
				}
			}
			break
		}
	case "gin":
		for _, p := range a.preds {
			if p.key == ix.keys[0].key && ginOp(p.p.Op, ix.opclass) {
				arm.sel *= p.sel
				arm.keys = appendUnique(arm.keys, p.key+" "+string(p.p.Op))
			}
		}
	default:
		return bitmapArm{}, false
	}
	if len(arm.keys) == 0 {
		return bitmapArm{}, false
	}
	t := a.t
	tuples := arm.sel * ix.predSel * t.rows
	arm.cost = math.Ceil(math.Log2(math.Max(2, t.rows)))*cpuOperatorCost +
		math.Max(1, math.Ceil(arm.sel*ix.pages(t)))*randomPageCost + tuples*cpuIndexTupleCost*1.1
	arm.sel *= ix.predSel
	return arm, true
}

// bitmapCost is the cheapest bitmap heap scan over indexes: the arms in
// order of selectivity, each ANDed in while it lowers the total (as
// choose_bitmap_and does), an arm that narrows no key not already narrowed
// left out; heap pages as cost_bitmap_heap_scan reads them (fewer than the
// rows, in physical order). +Inf when no index can narrow the access.
func (a *accessModel) bitmapCost(indexes []*indexModel) float64 {
	if a.readless {
		return 0
	}
	var arms []bitmapArm
	for _, ix := range indexes {
		if arm, ok := a.bitmapArm(ix); ok {
			arms = append(arms, arm)
		}
	}
	if len(arms) == 0 {
		return math.Inf(1)
	}
	sort.SliceStable(arms, func(i, j int) bool {
		if arms[i].sel != arms[j].sel {
			return arms[i].sel < arms[j].sel
		}
		return arms[i].cost < arms[j].cost
	})
	t := a.t
	heap := func(sel float64) float64 {
		tuples := math.Max(1, sel*t.rows)
		pages := math.Max(1, t.pages)
		fetched := math.Min(pages, 2*pages*tuples/(2*pages+tuples))
		perPage := randomPageCost - (randomPageCost-seqPageCost)*math.Sqrt(fetched/pages)
		return fetched*perPage + tuples*(cpuTupleCost+float64(a.quals)*cpuOperatorCost)
	}
	best := math.Inf(1)
	sel, parts := 1.0, 0.0
	covered := map[string]bool{}
	for _, arm := range arms {
		fresh := false
		for _, k := range arm.keys {
			if !covered[k] {
				fresh = true
			}
		}
		if !fresh {
			continue
		}
		if c := parts + arm.cost + heap(sel*arm.sel); c < best {
			best = c
			sel *= arm.sel
			parts += arm.cost
			for _, k := range arm.keys {
				covered[k] = true
			}
		}
	}
	return best + sortIf(a.order, a.rowsOut(), a.limit)
}

func keyList(ix *indexModel) string {
	var parts []string
	for _, k := range ix.keys {
		s := k.key
		if k.desc {
			s += " DESC"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// recreateDDL rebuilds a dropped index exactly, for a migration's down step.
func recreateDDL(ix *indexModel) string {
	def := ix.existing.Definition
	if def == "" {
		return ""
	}
	// CREATE [UNIQUE] INDEX name ON ... → CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS name ON ...
	if i := strings.Index(def, "INDEX "); i >= 0 && !strings.Contains(def, "CONCURRENTLY") {
		def = def[:i] + "INDEX CONCURRENTLY IF NOT EXISTS " + strings.TrimPrefix(def[i+len("INDEX "):], "IF NOT EXISTS ")
	}
	return strings.TrimSuffix(def, ";") + ";"
}
