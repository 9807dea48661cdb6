package advisor

import (
	"slices"
	"sort"
	"strings"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/catalog"
)

// Candidate generation: from each table access, the indexes a PostgreSQL
// engineer would consider for it. The selection then weighs them against
// each other and against their write cost.

// Limits on what a candidate may hold.
const (
	maxKeyColumns     = 4  // wider btrees rarely pay for their size
	maxIncludeColumns = 3  // covering indexes stay narrow
	maxIncludeWidth   = 48 // bytes of INCLUDE columns
	// brinMinRows is the table size below which BRIN is never proposed: a
	// small table is scanned faster than its block ranges are checked.
	brinMinRows = 1_000_000
)

// candidatesFor adds the candidates one access suggests to pool, and
// adds the access's weight (its cost over the workload with the existing
// indexes) to the votes of each, once.
func candidatesFor(a *accessModel, pool map[string]*indexModel) {
	if a.readless {
		return
	}
	t := a.t
	var mine []*indexModel // the pooled candidates this access proposed
	// propose pools ix (addCandidate) and remembers it among this
	// access's proposals, which the deferred call gives its votes.
	propose := func(ix *indexModel) *indexModel {
		p := addCandidate(pool, ix)
		if !slices.Contains(mine, p) {
			mine = append(mine, p)
		}
		return p
	}
	defer func() {
		w := a.calls * a.base
		for _, p := range mine {
			p.votes += w
		}
	}()
	var eqs, ranges []predInfo
	for _, p := range a.preds {
		switch p.p.Op {
		case analyzer.OpEq, analyzer.OpIn, analyzer.OpIsNull:
			if !hasKey(eqs, p.key) {
				eqs = append(eqs, p)
			}
		case analyzer.OpRange, analyzer.OpBetween, analyzer.OpLikePrefix:
			if !hasKey(ranges, p.key) {
				ranges = append(ranges, p)
			}
		}
	}
	// Most selective equality first when statistics tell; otherwise (and
	// on ties) the column the table's queries filter on most often, so that
	// one index's leading columns serve many queries (tenant_id first);
	// then by name, for determinism.
	sort.SliceStable(eqs, func(i, j int) bool {
		if t.stats && eqs[i].sel != eqs[j].sel {
			return eqs[i].sel < eqs[j].sel
		}
		if fi, fj := t.eqFrequency(eqs[i].key), t.eqFrequency(eqs[j].key); fi != fj {
			return fi > fj
		}
		return eqs[i].key < eqs[j].key
	})
	if len(eqs) > maxKeyColumns-1 {
		eqs = eqs[:maxKeyColumns-1]
	}
	eqKeys := keysOf(eqs)

	add := func(keys []indexKey, opclass string, partial []analyzer.Predicate) *indexModel {
		if len(keys) == 0 {
			return nil
		}
		ix := &indexModel{t: t, method: "btree", keys: keys, opclass: opclass, predicate: partial}
		ix.predText = predicateSQL(partial)
		return propose(ix)
	}

	var bases [][]indexKey
	if len(eqKeys) > 0 {
		bases = append(bases, eqKeys)
	}
	for _, r := range ranges {
		keys := append(append([]indexKey{}, eqKeys...), keyOf(r))
		opclass := ""
		if r.p.Op == analyzer.OpLikePrefix && len(eqKeys) == 0 {
			if c := t.column(r.key); c == nil || isTextType(c.Type) {
				opclass = patternOps(c)
			}
		} else if r.p.Op == analyzer.OpLikePrefix {
			continue // a pattern opclass on a non-leading key: leave to the planner
		}
		add(keys, opclass, nil)
		bases = append(bases, keys)
	}
	if len(a.order) > 0 && len(a.order) <= maxKeyColumns {
		keys := append([]indexKey{}, eqKeys...)
		ok := true
		for _, o := range a.order {
			k := refKey(o.Target)
			if containsKey(keys, k) {
				ok = false
				break
			}
			keys = append(keys, indexKey{key: k, column: o.Target.Column, expr: o.Target.Expr, desc: o.Desc})
		}
		if ok && len(keys) <= maxKeyColumns {
			// A btree scans backwards as well as forwards: only mixed
			// directions need DESC keys.
			if allDesc(a.order) {
				for i := len(eqKeys); i < len(keys); i++ {
					keys[i].desc = false
				}
			}
			add(keys, "", nil)
			bases = append(bases, keys)
		}
	}
	if len(eqKeys) > 0 {
		add(eqKeys, "", nil)
	}
	// Join columns: the inner side of a nested loop probes by them. The
	// covering variant answers each probe from the index alone: many
	// probes that each fetch heap rows scattered over a big table are
	// what makes a nested loop slower than the hash join it replaced
	// (randomFetchCost), and an index-only probe fetches none.
	for _, j := range a.joins {
		if t.unique[j] {
			continue
		}
		keys := []indexKey{{key: j, column: j}}
		add(keys, "", nil)
		if !a.needsAll {
			// As wide as a merged covering index may be: a probe that
			// must visit the heap for one column loses all it gains.
			if inc := includeFor(a, keys, maxMergedInclude, maxMergedIncludeWidth); len(inc) > 0 {
				propose(&indexModel{t: t, method: "btree", keys: keys, include: inc})
			}
		}
	}
	// Covering variants: the same keys INCLUDE the few narrow columns the
	// access still needs, so that an index-only scan answers it.
	if !a.needsAll {
		for _, keys := range bases {
			if inc := includeFor(a, keys, maxIncludeColumns, maxIncludeWidth); len(inc) > 0 {
				ix := &indexModel{t: t, method: "btree", keys: keys, include: inc}
				propose(ix)
			}
		}
	}
	// Partial variants: a constant condition the query always carries
	// (status = 'pending', deleted_at IS NULL) moves into the index's WHERE.
	for _, p := range a.preds {
		if !isPartialCondition(p, t) {
			continue
		}
		for _, keys := range bases {
			switch rest := withoutKey(keys, p.key); {
			case len(rest) > 0:
				add(rest, "", []analyzer.Predicate{*p.p})
			case p.p.Op == analyzer.OpIsNotNull:
				// deleted_at IS NOT NULL AND deleted_at < … ORDER BY
				// deleted_at: the key stays, the index holds only the
				// rows asked for.
				add(keys, "", []analyzer.Predicate{*p.p})
			}
		}
	}
	// GIN for containment, existence, overlap and full-text operators.
	for _, p := range a.preds {
		switch p.p.Op {
		case analyzer.OpJSONContain, analyzer.OpJSONExists, analyzer.OpArrayOverlap, analyzer.OpArrayContain, analyzer.OpFullText:
			ix := &indexModel{t: t, method: "gin", keys: []indexKey{keyOf(p)}}
			if p.p.Op == analyzer.OpJSONContain && onlyContainment(t, p.key) {
				ix.opclass = "jsonb_path_ops"
			}
			propose(ix)
		}
	}
	// BRIN for range filters on a large, append-mostly table whose column
	// follows insertion order, as its statistics show (pg_stats.correlation):
	// without statistics nothing shows it, and no BRIN is proposed.
	if t.stats && t.rows >= brinMinRows && appendMostly(t) {
		for _, r := range ranges {
			if r.p.Op == analyzer.OpLikePrefix || r.p.Target.Column == "" {
				continue
			}
			if corr, ok := t.correlation(r.key); ok && corr*corr >= 0.81 {
				propose(&indexModel{t: t, method: "brin", keys: []indexKey{keyOf(r)}})
			}
		}
	}
}

// eqFrequency is how many calls filter the table by equality on key.
func (t *tableModel) eqFrequency(key string) float64 {
	if t.eqFreq == nil {
		t.eqFreq = map[string]float64{}
		for _, a := range t.accesses {
			for _, p := range a.preds {
				switch p.p.Op {
				case analyzer.OpEq, analyzer.OpIn, analyzer.OpIsNull:
					t.eqFreq[p.key] += a.calls
				}
			}
		}
	}
	return t.eqFreq[key]
}

// Limits of a merged covering index.
const (
	maxMergedInclude      = 6
	maxMergedIncludeWidth = 64
)

// mergeable reports whether an INCLUDE list stays within a merged covering
// index's limits.
func mergeable(t *tableModel, inc []string) bool {
	width := 0.0
	for _, c := range inc {
		width += t.keyWidth(c)
	}
	return len(inc) <= maxMergedInclude && width <= maxMergedIncludeWidth
}

// mergeCovering adds, for covering candidates that share their keys (and
// predicate) but INCLUDE different columns, one candidate that INCLUDEs
// them all: one index serving several queries by index-only scans instead
// of near-duplicates, when it stays narrow.
func mergeCovering(pool map[string]*indexModel) {
	var covering []*indexModel
	for _, sig := range sortedKeysOf(pool) {
		if ix := pool[sig]; ix.method == "btree" && len(ix.include) > 0 {
			covering = append(covering, ix)
		}
	}
	for _, g := range sameKeyGroups(covering) {
		if len(g) < 2 {
			continue
		}
		inc := includeUnion(g)
		if mergeable(g[0].t, inc) {
			addMerged(pool, g[0], inc, g...)
			continue
		}
		// Too wide for one index: from each member, the widest merge that
		// stays within the limits, taking the others in order. Q9 and Q20
		// probe lineitem by l_partkey for different columns, and Q19 for
		// wide ones: the union of all three is too wide, that of the
		// first two serves both.
		pairs := len(g) <= maxPairedGroup
		for i, seed := range g {
			merged, grew := append([]string(nil), seed.include...), false
			in := []*indexModel{seed}
			for j, other := range g {
				if j == i {
					continue
				}
				next := unionSorted(merged, other.include)
				if len(next) > len(merged) && mergeable(seed.t, next) {
					merged, grew = next, true
					in = append(in, other)
				}
			}
			if grew {
				addMerged(pool, seed, merged, in...)
			}
			// And each pair: the widest merge depends on the order the
			// others come in, and may leave out the one partner that
			// matters (TPC-H: Q18's (l_orderkey) INCLUDE (l_quantity)
			// with Q7's probe columns serves Q3, Q5, Q7 and Q18).
			if !pairs {
				continue
			}
			for _, other := range g[i+1:] {
				if pair := includeUnion([]*indexModel{seed, other}); mergeable(seed.t, pair) {
					addMerged(pool, seed, pair, seed, other)
				}
			}
		}
	}
	extendCovering(pool)
}

// addMerged pools ix with the INCLUDE list inc (addCandidate of
// ix.withInclude(inc)), making the index only when the pool has none equal,
// and gives it the votes of from (vote).
func addMerged(pool map[string]*indexModel, ix *indexModel, inc []string, from ...*indexModel) {
	merged := pool[ix.signatureWith(inc)]
	if merged == nil {
		merged = addCandidate(pool, ix.withInclude(inc))
	}
	vote(merged, from...)
}

// vote gives a merged candidate the votes of the candidates it merges,
// unless it holds more already (it was also proposed, or merged otherwise):
// it serves, by the same paths, the accesses that proposed them.
func vote(merged *indexModel, from ...*indexModel) {
	v := 0.0
	for _, ix := range from {
		v += ix.votes
	}
	merged.votes = max(merged.votes, v)
}

// maxPairedGroup bounds the covering candidates that share their keys
// and are merged pair by pair: the pairs grow with the square of the
// group, and a key that many queries read (an ORM's tenant_id) would fill
// the pool with them.
const maxPairedGroup = 16

// sameKeyGroups groups btrees that differ only in what they INCLUDE, in
// the order of each group's first member.
func sameKeyGroups(list []*indexModel) [][]*indexModel {
	at := map[string]int{}
	var groups [][]*indexModel
	for _, ix := range list {
		k := ix.withoutInclude()
		i, ok := at[k]
		if !ok {
			i = len(groups)
			at[k] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], ix)
	}
	return groups
}

// includeUnion lists, sorted, every column the indexes INCLUDE.
func includeUnion(list []*indexModel) []string {
	var inc []string
	for _, ix := range list {
		for _, c := range ix.include {
			if !contains(inc, c) {
				inc = append(inc, c)
			}
		}
	}
	sort.Strings(inc)
	return inc
}

// unionSorted lists, sorted, the columns of a and b: includeUnion of
// indexes that INCLUDE them.
func unionSorted(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	for _, list := range [2][]string{a, b} {
		for _, c := range list {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	sort.Strings(out)
	return out
}

// withInclude is a candidate with ix's keys, method and predicate and the
// INCLUDE list inc.
func (ix *indexModel) withInclude(inc []string) *indexModel {
	return &indexModel{t: ix.t, method: ix.method, keys: ix.keys, include: inc,
		predicate: ix.predicate, predText: ix.predText, opclass: ix.opclass}
}

// extendCovering adds, for a covering candidate whose keys lead another
// btree candidate's keys (user_id INCLUDE (id) and (user_id, created_at)),
// the longer one INCLUDing what the covering one stores: the longer index
// serves the covering one's lookups by the same index-only scans, so one
// index can do the work of two.
func extendCovering(pool map[string]*indexModel) {
	byTable := map[*tableModel][]*indexModel{}
	for _, sig := range sortedKeysOf(pool) {
		if ix := pool[sig]; ix.method == "btree" {
			byTable[ix.t] = append(byTable[ix.t], ix)
		}
	}
	for _, list := range byTable {
		// keysLead wants the same first key: only those are compared.
		type first struct {
			key  string
			desc bool
		}
		byFirst := map[first][]*indexModel{}
		for _, long := range list {
			if len(long.include) == 0 && len(long.keys) > 1 {
				f := first{long.keys[0].key, long.keys[0].desc}
				byFirst[f] = append(byFirst[f], long)
			}
		}
		for _, short := range list {
			if len(short.include) == 0 || len(short.keys) == 0 {
				continue
			}
			for _, long := range byFirst[first{short.keys[0].key, short.keys[0].desc}] {
				// Only into a plain longer candidate: its covering
				// variants are merged with their own kind already, and
				// every pair of covering ones would double the pool.
				if len(long.include) > 0 || len(long.keys) <= len(short.keys) || !keysLead(short, long) {
					continue
				}
				inc := append([]string(nil), long.include...)
				width, grew := 0.0, false
				for _, c := range short.include {
					if !long.stores(c) { // long's own INCLUDE is stored too
						inc = append(inc, c)
						grew = true
					}
				}
				for _, c := range inc {
					width += long.t.keyWidth(c)
				}
				if !grew || len(inc) > maxMergedInclude || width > maxMergedIncludeWidth {
					continue
				}
				sort.Strings(inc)
				addMerged(pool, long, inc, long, short)
			}
		}
	}
}

// withoutInclude is the signature of the index without its INCLUDE list.
func (ix *indexModel) withoutInclude() string { return ix.signatureWith(nil) }

// addCandidate puts ix in the pool unless an equal one is there, and
// returns the pooled one.
// The signature reads neither columns nor stored, so an index already
// pooled (most of them, at scale) is not finished for nothing.
func addCandidate(pool map[string]*indexModel, ix *indexModel) *indexModel {
	sig := ix.signature()
	if old, ok := pool[sig]; ok {
		return old
	}
	ix.finish()
	pool[sig] = ix
	return ix
}

// signature identifies an index by what it does, not its name. It is
// worked out once: the search compares signatures in sorts and lookups.
func (ix *indexModel) signature() string {
	if ix.sig == "" {
		ix.sig = ix.buildSignature()
	}
	return ix.sig
}

// signatureOnce is signature(), not kept unless it was.
func (ix *indexModel) signatureOnce() string {
	if ix.sig != "" {
		return ix.sig
	}
	return ix.buildSignature()
}

func (ix *indexModel) buildSignature() string { return ix.signatureWith(ix.include) }

// signatureWith is the signature of ix with the INCLUDE list inc: that of
// ix.withInclude(inc), without making it.
func (ix *indexModel) signatureWith(include []string) string {
	table := ix.t.nameText
	if table == "" {
		table = ix.t.name.String()
	}
	// Sized first: candidate generation makes a signature for every
	// candidate and merge it considers, hundreds of thousands at scale,
	// and a builder that grows leaves its smaller copies behind.
	n := len(table) + len(ix.method) + len(ix.opclass) + len(ix.predicateKey()) + 4
	for _, k := range ix.keys {
		n += len(k.key) + len("| desc")
	}
	for _, c := range include {
		n += len(c) + 1
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(table)
	b.WriteString("|")
	b.WriteString(ix.method)
	for _, k := range ix.keys {
		b.WriteString("|")
		b.WriteString(k.key)
		if k.desc {
			b.WriteString(" desc")
		}
	}
	b.WriteString("|" + ix.opclass)
	b.WriteString("|")
	for i, c := range include {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(c)
	}
	b.WriteString("|")
	b.WriteString(ix.predicateKey())
	return b.String()
}

// predicateKey is predicateKey(ix.predicate), worked out once.
func (ix *indexModel) predicateKey() string {
	if ix.predKey == "" && len(ix.predicate) > 0 {
		ix.predKey = predicateKey(ix.predicate)
	}
	return ix.predKey
}

func predicateKey(ps []analyzer.Predicate) string {
	var parts []string
	for _, p := range ps {
		parts = append(parts, refKey(p.Target)+" "+string(p.Op)+" "+p.Value)
	}
	sort.Strings(parts)
	return strings.Join(parts, " AND ")
}

// predicateSQL renders partial-index conditions as a WHERE clause.
func predicateSQL(ps []analyzer.Predicate) string {
	var parts []string
	for _, p := range ps {
		target := quoteKey(p.Target)
		switch p.Op {
		case analyzer.OpIsNull:
			parts = append(parts, target+" IS NULL")
		case analyzer.OpIsNotNull:
			parts = append(parts, target+" IS NOT NULL")
		case analyzer.OpEq:
			parts = append(parts, target+" = "+p.Value)
		case analyzer.OpIn:
			parts = append(parts, target+" IN "+p.Value)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, " AND ")
}

// isPartialCondition reports whether a predicate is worth moving into a
// partial index: a constant (not a parameter) equality on a column that
// divides the table into few groups, or an IS [NOT] NULL.
func isPartialCondition(p predInfo, t *tableModel) bool {
	if p.p.Target.Column == "" || p.p.Param {
		return false
	}
	switch p.p.Op {
	case analyzer.OpIsNull, analyzer.OpIsNotNull:
		return true
	case analyzer.OpEq:
		if p.p.Value == "" || t.unique[p.key] {
			return false
		}
		nd := t.distinct(p.key)
		return nd == 0 || nd <= 100
	}
	return false
}

func includeFor(a *accessModel, keys []indexKey, maxColumns int, maxWidth float64) []string {
	var inc []string
	width := 0.0
	for _, c := range sortedKeys(a.needed) {
		if containsKey(keys, c) {
			continue
		}
		if a.t.table != nil && a.t.column(c) == nil {
			return nil
		}
		if bulkyInclude(a.t, c) {
			return nil
		}
		width += a.t.keyWidth(c)
		inc = append(inc, c)
		if len(inc) > maxColumns || width > maxWidth {
			return nil
		}
	}
	return inc
}

// onlyContainment reports whether every jsonb filter on key in the
// workload is @>, which jsonb_path_ops serves with a smaller index.
func onlyContainment(t *tableModel, key string) bool {
	for _, a := range t.accesses {
		for _, p := range a.preds {
			if p.key == key && p.p.Op != analyzer.OpJSONContain && ginOp(p.p.Op, "") {
				return false
			}
		}
	}
	return true
}

// appendMostly reports whether a table's writes are mostly inserts.
func appendMostly(t *tableModel) bool {
	var ins, other float64
	for _, w := range t.writes {
		switch w.kind {
		case analyzer.KindInsert, analyzer.KindCopy:
			ins += w.calls * w.rows
		case analyzer.KindUpdate, analyzer.KindMerge:
			other += w.calls * w.rows
		}
	}
	return ins > 0 && other <= ins/10
}

func isTextType(typ string) bool {
	return typ == "text" || strings.HasPrefix(typ, "character varying") || typ == "citext" || strings.HasSuffix(typ, ".citext")
}

// patternOps is the btree operator class that serves LIKE 'prefix%' on a
// column whatever its collation.
func patternOps(c *catalog.Column) string {
	if c != nil && strings.HasPrefix(c.Type, "character varying") {
		return "varchar_pattern_ops"
	}
	return "text_pattern_ops"
}

func keyOf(p predInfo) indexKey {
	return indexKey{key: p.key, column: p.p.Target.Column, expr: p.p.Target.Expr}
}

func keysOf(ps []predInfo) []indexKey {
	out := make([]indexKey, 0, len(ps))
	for _, p := range ps {
		out = append(out, keyOf(p))
	}
	return out
}

func hasKey(ps []predInfo, key string) bool {
	for _, p := range ps {
		if p.key == key {
			return true
		}
	}
	return false
}

func containsKey(keys []indexKey, key string) bool {
	for _, k := range keys {
		if k.key == key {
			return true
		}
	}
	return false
}

func withoutKey(keys []indexKey, key string) []indexKey {
	var out []indexKey
	for _, k := range keys {
		if k.key != key {
			out = append(out, k)
		}
	}
	return out
}

func allDesc(order []analyzer.SortKey) bool {
	for _, o := range order {
		if !o.Desc {
			return false
		}
	}
	return true
}

// bulkyInclude reports whether column c is too bulky to INCLUDE on a table
// whose writes are mostly inserts, where every new row pays for the copy in
// the index: a document (json, jsonb, xml, tsvector, an array) or a value
// wider than 32 bytes on average.
func bulkyInclude(t *tableModel, c string) bool {
	if !appendMostly(t) {
		return false
	}
	col := t.column(c)
	if col == nil {
		return false
	}
	switch typ := col.Type; {
	case typ == "json", typ == "jsonb", typ == "xml", typ == "tsvector", strings.HasSuffix(typ, "[]"):
		return true
	}
	return columnWidth(col) > 32
}
