package advisor

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// hygiene finds existing indexes to drop: exact duplicates, and btrees whose
// keys are a leading prefix of another's (same method and predicate). It
// never drops an index that backs a primary key, unique or exclusion
// constraint, nor a unique index (it enforces something). Indexes no access
// of the workload uses are reported with low confidence, not as drops: the
// capture may have missed the queries that need them.
func hygiene(m *model, sel *selection, statsReset *time.Time, now time.Time) []Recommendation {
	var out []Recommendation
	for _, t := range m.sortedTables() {
		if t.table != nil && t.table.PartitionOf != nil {
			continue // a partition's indexes come from its parent's
		}
		dropped := map[*indexModel]bool{}
		// An index a recommended one supersedes (its keys a prefix of the
		// new one's, or the same keys now with INCLUDE columns).
		for _, ix := range t.existing {
			if !droppable(ix) {
				continue
			}
			for _, c := range sel.chosen {
				if c.ix.t != t || !supersedes(c.ix, ix) {
					continue
				}
				dropped[ix] = true
				out = append(out, Recommendation{
					Kind: KindDropIndex, Table: t.name, Index: ix.name, DDL: dropDDL(t.name, ix.name), DownDDL: recreateDDL(ix),
					Benefit: round(writeCost(ix, t, sel.config[t])), SizeBytes: int64(ix.size()), Confidence: "high",
					SupersededBy: c.ix.indexName(),
					Reason:       fmt.Sprintf("Superseded by the recommended %s (%s), which serves every lookup this one does: drop it once that one is built.", c.ix.indexName(), keyList(c.ix)),
				})
				break
			}
		}
		idx := append([]*indexModel{}, t.existing...)
		sort.SliceStable(idx, func(i, j int) bool { return keepFirst(idx[i], idx[j]) })
		for i, ix := range idx {
			if !droppable(ix) {
				continue
			}
			if dropped[ix] {
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
					Kind: KindDropIndex, Table: t.name, Index: ix.name, DDL: dropDDL(t.name, ix.name), DownDDL: recreateDDL(ix),
					Benefit:   round(writeCost(ix, t, t.existing)),
					SizeBytes: int64(ix.size()), Confidence: "high",
				}
				if dup {
					r.Reason = fmt.Sprintf("Duplicate of %s (same definition): it doubles the write cost and serves nothing the other does not.", other.name)
				} else {
					r.Reason = fmt.Sprintf("Redundant: its keys (%s) are a leading prefix of %s (%s), which serves the same lookups.", keyList(ix), other.name, keyList(other))
				}
				out = append(out, r)
				break
			}
		}
		for _, ix := range t.existing {
			if dropped[ix] || !droppable(ix) || usedBy(ix, t, sel, dropped) {
				continue
			}
			if st := ix.existing.Stats; st != nil {
				// Live statistics settle it: scanned since the reset means
				// something outside the capture uses it.
				if st.Scans > 0 {
					continue
				}
				out = append(out, unscannedDrop(t, ix, sel, statsReset, now))
				continue
			}
			r := Recommendation{
				Kind: KindUnusedIndex, Table: t.name, Index: ix.name, DDL: dropDDL(t.name, ix.name), DownDDL: recreateDDL(ix),
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
				r.Reason = "Unused by this workload: no captured query reads the table. Check pg_stat_user_indexes.idx_scan over a full business cycle before dropping."
			} else {
				r.Reason = fmt.Sprintf("Unused by this workload: none of the %d captured %s on this table would use it. Check pg_stat_user_indexes.idx_scan over a full business cycle before dropping.", reads, plural(reads, "query", "queries"))
			}
			out = append(out, r)
		}
	}
	return out
}

// supersedes reports whether the new btree n does all that the existing
// index e does: e's keys lead n's (or are the same keys), and e's INCLUDE
// columns are stored in n.
func supersedes(n, e *indexModel) bool {
	if !keysLead(e, n) {
		return false
	}
	for _, c := range e.include {
		if !n.stored[c] {
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
	if predicateKey(a.predicate) != predicateKey(b.predicate) || a.opclass != b.opclass {
		return false
	}
	for i, k := range a.keys {
		if b.keys[i].key != k.key || b.keys[i].desc != k.desc {
			return false
		}
	}
	return true
}

// unscannedDrop recommends dropping an index that no scan used since the
// statistics reset and that no captured query would use.
func unscannedDrop(t *tableModel, ix *indexModel, sel *selection, statsReset *time.Time, now time.Time) Recommendation {
	r := Recommendation{
		Kind: KindDropIndex, Table: t.name, Index: ix.name, DDL: dropDDL(t.name, ix.name), DownDDL: recreateDDL(ix),
		Benefit: round(writeCost(ix, t, sel.config[t])), SizeBytes: int64(ix.size()), Confidence: "high",
	}
	var since, caveat string
	switch {
	case statsReset == nil:
		since = "since the statistics began (they were never reset)"
	default:
		since = "since the statistics reset at " + statsReset.UTC().Format("2006-01-02 15:04 UTC")
		if age := now.Sub(*statsReset); age < minUnusedWindow {
			r.Confidence = "low"
			caveat = fmt.Sprintf(" The statistics were reset only %.0f hours ago: wait until they cover every periodic job before dropping.", age.Hours())
		}
	}
	r.Reason = fmt.Sprintf("No index scan %s (pg_stat_user_indexes.idx_scan = 0), and no captured query would use it: it costs %s of index maintenance and %s for nothing. Check replicas' statistics too: their reads are not counted here.%s",
		since, units(r.Benefit), bytesText(float64(r.SizeBytes)), caveat)
	return r
}

// droppable reports whether an index may be dropped on its own.
func droppable(ix *indexModel) bool {
	return ix.existing != nil && ix.existing.Constraint == "" && !ix.unique
}

// keepFirst orders indexes by which to keep when they duplicate each other:
// constraint-backed and unique first, then by name.
func keepFirst(a, b *indexModel) bool {
	ca, cb := a.existing.Constraint != "" || a.unique, b.existing.Constraint != "" || b.unique
	if ca != cb {
		return ca
	}
	return a.name < b.name
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

// usedBy reports whether any access of the workload is cheapest through ix
// under the final configuration, or could not do as well without it.
func usedBy(ix *indexModel, t *tableModel, sel *selection, dropped map[*indexModel]bool) bool {
	var rest []*indexModel
	for _, x := range sel.config[t] {
		if x != ix && !dropped[x] {
			rest = append(rest, x)
		}
	}
	for _, a := range t.accesses {
		if a.readless {
			continue
		}
		if a.cost(rest) > a.cost(append(rest, ix))*(1+1e-9) {
			return true
		}
	}
	return false
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
