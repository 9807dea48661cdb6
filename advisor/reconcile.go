package advisor

import (
	"math"

	"github.com/pgadvise/pgadvise/analyzer"
)

// reconcile checks the chosen indexes by the rules hygiene applies to
// existing ones, so that the next run, with them built, has nothing to take
// back:
//
//   - an ORDER BY … LIMIT that a chosen btree could end (its keys all pinned
//     by equality, the order's columns not among them) gets those columns
//     appended: the scan then stops after LIMIT rows instead of sorting them
//     all, whatever the row counts say (endOrders);
//   - a chosen btree whose keys lead a longer existing index's, or are those
//     of a primary key or unique index, is withdrawn: the existing index
//     serves its lookups (order_items (order_id) beside the primary key
//     (order_id, line_no); events (id) INCLUDE (created_at) beside
//     events_pkey), unless its INCLUDE columns make index-only scans of
//     accesses that read many rows (coversScans);
//   - a chosen btree another chosen one supersedes is withdrawn: the next run
//     would call it a redundant prefix.
func reconcile(s *selection) {
	endOrders(s)
	for _, c := range append([]*candidate{}, s.chosen...) {
		if c.ix.method != "btree" {
			continue
		}
		for _, e := range c.ix.t.existing {
			// A longer existing index serves the lookup; so does one with
			// the same keys that cannot be dropped for this one (a
			// primary key, a unique index). Unless the chosen one INCLUDEs
			// columns the existing one lacks for an access that reads
			// many rows: an index-only scan of those is what it was chosen
			// for (TPC-H Q18 groups all of lineitem by l_orderkey: (l_orderkey)
			// INCLUDE (l_quantity) beside lineitem_pkey (l_orderkey,
			// l_linenumber) halved its time).
			if keysLead(c.ix, e) && (len(c.ix.keys) < len(e.keys) || !droppable(e)) && !coversScans(c.ix, e) {
				s.withdraw(c)
				c.servedBy = e
				break
			}
		}
	}
	for _, c := range append([]*candidate{}, s.chosen...) {
		for _, o := range s.chosen {
			if o != c && o.ix.t == c.ix.t && supersedes(o.ix, c.ix) {
				s.withdraw(c)
				break
			}
		}
	}
}

// endOrders appends to each chosen btree the ORDER BY columns of the most
// called access with a LIMIT that pins all of its keys by equality and
// sorts: (tenant_id, status) becomes (tenant_id, status, created_at) for
// WHERE tenant_id = $1 AND status = $2 ORDER BY created_at DESC LIMIT 20.
func endOrders(s *selection) {
	for _, c := range append([]*candidate{}, s.chosen...) {
		if c.ix.method != "btree" {
			continue
		}
		var best *accessModel
		for _, a := range c.ix.t.accesses {
			if a.readless || a.limit <= 0 || len(a.order) == 0 || len(c.ix.keys)+len(a.order) > maxKeyColumns ||
				!a.implies(c.ix.predicate) || !pinsAll(a, c.ix.keys) {
				continue
			}
			if best == nil || a.calls > best.calls {
				best = a
			}
		}
		if best == nil {
			continue
		}
		keys := append([]indexKey{}, c.ix.keys...)
		ok := true
		for _, o := range best.order {
			k := refKey(o.Target)
			if containsKey(keys, k) {
				ok = false
				break
			}
			// A btree scans backwards as well as forwards: only mixed
			// directions need DESC keys.
			keys = append(keys, indexKey{key: k, column: o.Target.Column, expr: o.Target.Expr, desc: o.Desc && !allDesc(best.order)})
		}
		if !ok {
			continue
		}
		var inc []string
		for _, col := range c.ix.include {
			if !containsKey(keys, col) {
				inc = append(inc, col)
			}
		}
		ix := &indexModel{t: c.ix.t, method: "btree", keys: keys, include: inc,
			predicate: c.ix.predicate, predText: c.ix.predText, opclass: c.ix.opclass}
		ix.finish()
		if e := served(ix, c.ix.t.existing); e != nil {
			// An existing index already ends the order.
			s.withdraw(c)
			c.servedBy = e
			continue
		}
		s.replace(c, ix)
	}
}

// pinsAll reports whether the access fixes every one of keys by an
// equality (or IS NULL): within them, the index's rows come in the order of
// the keys that follow.
func pinsAll(a *accessModel, keys []indexKey) bool {
	for _, k := range keys {
		pinned := false
		for _, p := range a.preds {
			if p.key == k.key && (p.p.Op == analyzer.OpEq || p.p.Op == analyzer.OpIsNull) {
				pinned = true
				break
			}
		}
		if !pinned {
			return false
		}
	}
	return true
}

// withdraw takes a chosen index out of the configuration.
func (s *selection) withdraw(c *candidate) {
	t := c.ix.t
	c.chosen = false
	s.chosen = dropFrom(s.chosen, c)
	s.config[t] = dropFrom(s.config[t], c.ix)
	s.spent -= c.ix.size()
	s.refresh(t, c.ix)
}

// replace puts ix (the pooled candidate with its signature, or a new one)
// in the place of the chosen c.
func (s *selection) replace(c *candidate, ix *indexModel) {
	t := ix.t
	if s.bannedIndex(ix) {
		return
	}
	nc := s.bySig(ix.signature())
	if nc == nil {
		nc = &candidate{ix: ix}
	}
	if nc.chosen {
		s.withdraw(c)
		return
	}
	for i, x := range s.chosen {
		if x == c {
			s.chosen[i] = nc
		}
	}
	c.chosen, nc.chosen = false, true
	s.config[t] = append(dropFrom(s.config[t], c.ix), nc.ix)
	s.spent += nc.ix.size() - c.ix.size()
	s.refresh(t, c.ix, nc.ix)
}

// coveringScanRows is the rows an access must read per execution for a
// covering twin of an existing index to be kept: below it, the heap pages
// an index-only scan spares are a handful per lookup, and the existing
// index serves the lookup.
const coveringScanRows = 10_000

// coversScans reports whether ix answers by an index-only scan an access
// that scans the table (rather than being probed by a join) and, by the
// statistics, returns at least coveringScanRows rows (its LIMIT, if it
// has one) and that e, whose keys ix's
// lead, cannot answer so.
func coversScans(ix, e *indexModel) bool {
	for _, a := range ix.t.accesses {
		rows := a.rowsOut()
		if a.limit > 0 {
			rows = math.Min(rows, a.limit)
		}
		scanned := len(a.joins) == 0 || a.groupedSemi // not the probed side of a join
		if !a.readless && a.t.stats && scanned && rows >= coveringScanRows && a.coveredBy(ix) && !a.coveredBy(e) {
			return true
		}
	}
	return false
}
