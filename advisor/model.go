package advisor

import (
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/catalog"
)

// tableModel is what the cost model knows of one table.
type tableModel struct {
	name   catalog.QualifiedName
	table  *catalog.Table // nil when the schema lacks it
	rows   float64
	pages  float64
	width  float64 // heap row width
	stats  bool    // rows came from statistics
	unique map[string]bool
	// existing indexes, and those of the current configuration.
	existing []*indexModel
	// writes to this table, for the write side of the model.
	writes   []*writeModel
	accesses []*accessModel
	eqFreq   map[string]float64 // calls filtering by equality, per key
	// byLeadingKey lists, per key, the accesses (INSERT and COPY left
	// out) an index led by that key can serve: those that filter on it,
	// join on it or sort by it first (accessModel.usableKeys). An index
	// led by another key gives them no path (indexCost), so a change of
	// it leaves their cost as it was. readers counts the accesses left in.
	byLeadingKey map[string][]*accessModel
	// byFirstNeeded lists each access (INSERT and COPY left out) under the
	// first, in name order, of the columns it reads ("" when it reads
	// none): an index that stores every one of them can answer it by a
	// full index-only scan whatever it is led by, and holds that column.
	// Accesses reading the same columns are grouped, so that whether an
	// index covers them is asked once.
	byFirstNeeded map[string][]neededGroup
	readers       int
	// sets holds one copy of each column set its indexes hold
	// (sharedSet): the pool has hundreds of thousands of candidates at
	// scale, over a few columns each.
	sets map[string]map[string]bool
	// colBit numbers the columns the accesses read, as bits, when they
	// are 64 at most (bits set): whether an index stores every column an
	// access reads is then one mask operation (accessModel.coveredBy),
	// which pricing asks of every candidate and access it may serve.
	colBit map[string]uint64
	bits   bool
	// exprColumns lists, for its indexes that have expression keys or a
	// predicate, the columns those read (indexModel.finish).
	exprColumns map[*indexModel][]string
	// version counts changes to the table's index configuration during
	// selection, so that candidates are re-priced only when it changed.
	version int
	// nameText is name.String(), for the signatures of its candidates
	// ("" in a model not made by newTableModel: then worked out).
	nameText string
}

// neededGroup is the accesses of a table that read one set of columns, in
// the table's order.
type neededGroup struct {
	needed   map[string]bool
	accesses []*accessModel
}

// newTableModel builds the model of a table from the catalog (nil allowed).
func newTableModel(name catalog.QualifiedName, t *catalog.Table) *tableModel {
	m := &tableModel{name: name, nameText: name.String(), table: t, rows: DefaultRows, unique: map[string]bool{}}
	width := 0.0
	if t != nil {
		for i := range t.Columns {
			width += columnWidth(&t.Columns[i])
		}
		if len(t.PrimaryKey) == 1 {
			m.unique[t.PrimaryKey[0]] = true
		}
		for _, u := range t.Uniques {
			if len(u) == 1 {
				m.unique[u[0]] = true
			}
		}
		for _, ix := range t.Indexes {
			if ix.Unique && len(ix.Keys) == 1 && ix.Predicate == "" {
				if k := ix.Keys[0]; k.Column != "" {
					m.unique[k.Column] = true
				} else {
					m.unique[normalizeExpr(k.Expression)] = true
				}
			}
		}
		if s := t.Stats; s != nil && s.Rows > 0 {
			m.rows, m.stats = s.Rows, true
			m.pages = s.Pages
		}
	}
	if width == 0 {
		width = defaultRowWidth
	}
	m.width = width + heapTupleHead
	if m.pages <= 0 {
		perPage := math.Max(1, math.Floor((pageSize-pageHeader)/m.width))
		m.pages = math.Max(1, math.Ceil(m.rows/perPage))
	}
	return m
}

// sharedSet returns the table's copy of a set of columns equal to set,
// which it becomes if there is none. Sets shared are never changed.
func (t *tableModel) sharedSet(set map[string]bool) map[string]bool {
	key := strings.Join(sortedKeys(set), ",")
	if s, ok := t.sets[key]; ok {
		return s
	}
	if t.sets == nil {
		t.sets = map[string]map[string]bool{}
	}
	t.sets[key] = set
	return set
}

// storedMask is the bits (colBit) of the columns ix stores.
func (t *tableModel) storedMask(ix *indexModel) uint64 {
	var m uint64
	ix.forStored(func(c string) { m |= t.colBit[c] })
	return m
}

// indexAccesses numbers the table's accesses and lists them by the index
// keys that could serve them (byLeadingKey), in the accesses' order.
func (t *tableModel) indexAccesses() {
	t.byLeadingKey, t.byFirstNeeded, t.readers = map[string][]*accessModel{}, map[string][]neededGroup{}, 0
	t.numberColumns()
	group := map[string]int{} // the columns read, joined → index in its byFirstNeeded list
	for i, a := range t.accesses {
		a.pos = i
		if a.readless {
			continue
		}
		t.readers++
		a.usable = a.usableKeys()
		for _, k := range a.usable {
			t.byLeadingKey[k] = append(t.byLeadingKey[k], a)
		}
		first := ""
		if !a.needsAll {
			for c := range a.needed {
				if first == "" || c < first {
					first = c
				}
			}
			cols := strings.Join(sortedKeys(a.needed), ",")
			if i, ok := group[cols]; ok {
				t.byFirstNeeded[first][i].accesses = append(t.byFirstNeeded[first][i].accesses, a)
			} else {
				group[cols] = len(t.byFirstNeeded[first])
				t.byFirstNeeded[first] = append(t.byFirstNeeded[first], neededGroup{needed: a.needed, accesses: []*accessModel{a}})
			}
		}
	}
}

// numberColumns gives each column the table's accesses read a bit
// (colBit), and the accesses and existing indexes their masks, unless they
// are more than 64 columns: then bits stays unset and coveredBy looks them
// up. Candidates made later take their masks in finish.
func (t *tableModel) numberColumns() {
	t.colBit, t.bits = map[string]uint64{}, false
	for _, a := range t.accesses {
		for c := range a.needed {
			if _, ok := t.colBit[c]; !ok {
				if len(t.colBit) == 64 {
					t.colBit = nil
					return
				}
				t.colBit[c] = 1 << len(t.colBit)
			}
		}
	}
	t.bits = true
	for _, a := range t.accesses {
		a.neededBits = t.mask(a.needed)
	}
	for _, ix := range t.existing {
		ix.storedBits, ix.hasBits = t.storedMask(ix), true
	}
}

// mask is the bits of the columns of set that have one (colBit); a column
// no access reads has none, and matters to no coverage.
func (t *tableModel) mask(set map[string]bool) uint64 {
	var m uint64
	for c := range set {
		m |= t.colBit[c]
	}
	return m
}

// usableKeys lists, once each, the keys an index must lead with to give
// the access a path (indexCost): a key it filters on (an ANDed predicate),
// a join column (a nested-loop probe), or its first ORDER BY key.
func (a *accessModel) usableKeys() []string {
	var keys []string
	for _, p := range a.preds {
		keys = appendUnique(keys, p.key)
	}
	for _, j := range a.joins {
		keys = appendUnique(keys, j)
	}
	if len(a.order) > 0 {
		keys = appendUnique(keys, refKey(a.order[0].Target))
	}
	if len(a.group) > 0 {
		keys = appendUnique(keys, a.group[0])
	}
	return keys
}

// mayUse reports whether ix can give access a a path at all: an index
// led by a key the access neither filters, joins, sorts nor groups on
// cannot, unless it holds every column the access reads.
func (a *accessModel) mayUse(ix *indexModel) bool {
	return len(ix.keys) == 0 || contains(a.usable, ix.keys[0].key) || (ix.method == "btree" && a.coveredBy(ix))
}

// servable lists the accesses of t (INSERT and COPY left out) that ix may
// give a path, in the table's order.
func (t *tableModel) servable(ix *indexModel) []*accessModel {
	return t.servableInto(ix, nil, nil)
}

// servableInto is servable, with buffers for the lists it makes (their
// room reused, or nil): pricing asks it of every candidate. The list may
// be one of the buffers, or the table's own (byLeadingKey), not to be
// changed either way.
func (t *tableModel) servableInto(ix *indexModel, outBuf, coveredBuf *[]*accessModel) []*accessModel {
	take := func(buf *[]*accessModel) []*accessModel {
		if buf == nil {
			return nil
		}
		return (*buf)[:0]
	}
	keep := func(buf *[]*accessModel, list []*accessModel) []*accessModel {
		if buf != nil {
			*buf = list
		}
		return list
	}
	if len(ix.keys) == 0 {
		out := take(outBuf)
		for _, a := range t.accesses {
			if !a.readless {
				out = append(out, a)
			}
		}
		return keep(outBuf, out)
	}
	led := t.byLeadingKey[ix.keys[0].key]
	if ix.method != "btree" {
		return led
	}
	// Accesses a full index-only scan of ix can answer, besides those in
	// led (the accesses whose usable keys hold the leading key). Each
	// access is listed under one first column, so none comes twice; the
	// lists are visited in any order, since the result is sorted.
	lead := ix.keys[0].key
	covered := take(coveredBuf)
	addCovered := func(c string) {
		for _, g := range t.byFirstNeeded[c] {
			// More columns read than ix stores: not covered, and
			// cheaper to tell than coveredBy's lookups, which give
			// the same answer for every access of the group.
			if len(g.needed) > int(ix.nStored) || !g.accesses[0].coveredBy(ix) {
				continue
			}
			for _, a := range g.accesses {
				if !contains(a.usable, lead) {
					covered = append(covered, a)
				}
			}
		}
	}
	addCovered("")
	ix.forStored(addCovered)
	keep(coveredBuf, covered)
	if len(covered) == 0 {
		return led
	}
	out := append(append(take(outBuf), led...), covered...)
	slices.SortFunc(out, func(x, y *accessModel) int { return x.pos - y.pos })
	return keep(outBuf, out)
}

func (t *tableModel) column(name string) *catalog.Column {
	if t.table == nil {
		return nil
	}
	return t.table.Column(name)
}

// distinct returns the number of distinct values of a column, or 0 when unknown.
func (t *tableModel) distinct(col string) float64 {
	if t.unique[col] {
		return t.rows
	}
	if c := t.column(col); c != nil && c.Stats != nil {
		return c.Stats.DistinctValues(t.rows)
	}
	return 0
}

// correlation returns a column's physical-order correlation, and whether it is known.
func (t *tableModel) correlation(col string) (float64, bool) {
	if c := t.column(col); c != nil && c.Stats != nil && c.Stats.Correlation != nil {
		return *c.Stats.Correlation, true
	}
	return 0, false
}

// clusteredOn reports whether the table follows col's order and has an
// index led by it, so that probes by ascending values of col read its
// pages in order.
func (t *tableModel) clusteredOn(col string) bool {
	if c, ok := t.correlation(col); !ok || math.Abs(c) < clusteredCorrelation {
		return false
	}
	for _, ix := range t.existing {
		if len(ix.keys) > 0 && ix.keys[0].column == col && (ix.method == "btree" || ix.method == "") {
			return true
		}
	}
	return false
}

// keyWidth is the width in bytes of an index key on a column or expression.
func (t *tableModel) keyWidth(key string) float64 {
	if c := t.column(key); c != nil {
		return columnWidth(c)
	}
	return 16 // an expression: lower(email), date_trunc(...)
}

// keyLayout is the width and the alignment in bytes of key's values in an
// index tuple: the type's typalign, except that a variable-length value
// under 127 bytes is stored with a one-byte header and no alignment. The
// statistics' avg_width is truncated to whole bytes, which for short
// values (TPC-H's numerics: 4.8 bytes reported as 4) loses a tenth of
// their width: half a byte is added back. An expression is taken as
// unaligned.
func (t *tableModel) keyLayout(key string) (width, align float64) {
	width = t.keyWidth(key)
	c := t.column(key)
	if c == nil {
		return width, 1
	}
	typ := c.Type
	switch {
	case typ == "smallint":
		return width, 2
	case typ == "integer", typ == "date", typ == "real", typ == "oid":
		return width, 4
	case typ == "bigint", typ == "double precision", strings.HasPrefix(typ, "timestamp"), strings.HasPrefix(typ, "time"), typ == "money", typ == "interval":
		return width, 8
	case typ == "boolean", typ == "\"char\"", typ == "uuid":
		return width, 1
	}
	if c.Stats != nil && c.Stats.AvgWidth > 0 {
		width += 0.5
	}
	if width < 127 {
		return width, 1 // a short varlena
	}
	return width, 4
}

// columnWidth estimates a column's stored width from statistics or its type.
func columnWidth(c *catalog.Column) float64 {
	if c.Stats != nil && c.Stats.AvgWidth > 0 {
		return c.Stats.AvgWidth
	}
	typ := c.Type
	switch {
	case strings.HasSuffix(typ, "[]"):
		return 40
	case typ == "smallint", typ == "boolean", typ == "\"char\"":
		return 2
	case typ == "integer", typ == "date", typ == "real", typ == "oid":
		return 4
	case typ == "bigint", typ == "double precision", strings.HasPrefix(typ, "timestamp"), strings.HasPrefix(typ, "time"), typ == "money":
		return 8
	case typ == "uuid", typ == "interval":
		return 16
	case strings.HasPrefix(typ, "numeric"):
		return 10
	case typ == "jsonb", typ == "json", typ == "tsvector":
		return 120
	case strings.HasPrefix(typ, "character varying("), strings.HasPrefix(typ, "character("):
		var n float64
		if i := strings.IndexByte(typ, '('); i > 0 {
			for _, r := range typ[i+1:] {
				if r < '0' || r > '9' {
					break
				}
				n = n*10 + float64(r-'0')
			}
		}
		return math.Min(math.Max(n/2, 4), 32)
	}
	return 24 // text and unknown types
}

// selectivity estimates the fraction of rows a predicate keeps.
func (t *tableModel) selectivity(p analyzer.Predicate) float64 {
	key := p.Target.Key()
	col := p.Target.Column
	switch p.Op {
	case analyzer.OpEq:
		if col == "" {
			col = caseFoldedColumn(p.Target)
		}
		if p.Value == "true" || p.Value == "false" {
			if c := t.column(col); c != nil && c.Type == "boolean" && (c.Stats == nil || c.Stats.NDistinct == 0) {
				return 0.5
			}
		}
		return t.eqSel(col, key, p.Value)
	case analyzer.OpIn:
		n := float64(defaultInListLength)
		if strings.HasPrefix(p.Value, "(") {
			n = float64(strings.Count(p.Value, ",") + 1)
		}
		return math.Min(1, n*t.eqSel(col, key, ""))
	case analyzer.OpIsNull:
		if c := t.column(col); c != nil {
			if c.NotNull {
				return 1 / math.Max(t.rows, 1)
			}
			if c.Stats != nil {
				return math.Max(c.Stats.NullFrac, 1/math.Max(t.rows, 1))
			}
		}
		return defaultEqSel
	case analyzer.OpIsNotNull:
		if c := t.column(col); c != nil && c.Stats != nil {
			return 1 - c.Stats.NullFrac
		}
		return defaultNotNullSel
	case analyzer.OpRange, analyzer.OpBetween:
		if sel, ok := t.statsRangeSel(p); ok {
			return sel
		}
		if p.Op == analyzer.OpBetween {
			return defaultRangeIneqSel
		}
		return defaultIneqSel
	case analyzer.OpLikePrefix, analyzer.OpJSONContain, analyzer.OpJSONExists,
		analyzer.OpArrayOverlap, analyzer.OpArrayContain, analyzer.OpFullText, analyzer.OpLike:
		return defaultMatchSel
	case analyzer.OpNotEq:
		return 1 - t.eqSel(col, key, p.Value)
	}
	return defaultIneqSel
}

// guessedSel reports whether PostgreSQL guesses p's selectivity although
// the table has statistics: pattern matches without a fixed prefix, and
// the operators whose selectivity is a constant; a range the histogram
// cannot price. Without statistics every selectivity is a default, and
// the model makes no difference between them.
func (t *tableModel) guessedSel(p analyzer.Predicate) bool {
	if !t.stats {
		return false
	}
	switch p.Op {
	case analyzer.OpLike, analyzer.OpJSONContain, analyzer.OpJSONExists,
		analyzer.OpArrayOverlap, analyzer.OpArrayContain, analyzer.OpFullText:
		return true
	case analyzer.OpRange, analyzer.OpBetween:
		_, ok := t.statsRangeSel(p)
		return !ok
	}
	return false
}

// statsRangeSel estimates a range or BETWEEN on a plain column from its
// histogram (histogram.go), with the query's constant or, where it varies
// or is bound, the sample execution's value. A negated one (NOT (x > 5))
// is left to the defaults.
func (t *tableModel) statsRangeSel(p analyzer.Predicate) (float64, bool) {
	c := t.column(p.Target.Column)
	if p.Target.Column == "" || c == nil || c.Stats == nil || p.Negated {
		return 0, false
	}
	v := p.Value
	if v == "" {
		v = p.Sample
	}
	if v == "" && p.FromNow != nil {
		v = nowInStats(c.Stats, *p.FromNow)
	}
	var sel float64
	var ok bool
	if p.Op == analyzer.OpBetween {
		sel, ok = betweenSel(c.Stats, v)
	} else {
		sel, ok = rangeSel(c.Stats, p.Operator, v)
	}
	if !ok {
		return 0, false
	}
	return math.Min(1, math.Max(sel, 1/math.Max(t.rows, 1))), true
}

// eqSel is the selectivity of "key = value": one row of a unique column, the
// most-common-value frequency when the value is one, 1/n_distinct, or the
// planner's default.
func (t *tableModel) eqSel(col, key, value string) float64 {
	if t.unique[key] || (col != "" && t.unique[col]) {
		return 1 / math.Max(t.rows, 1)
	}
	if col == "" {
		return defaultEqSel
	}
	if c := t.column(col); c != nil && c.Stats != nil {
		if value != "" {
			v := strings.Trim(value, "'")
			for i, mcv := range c.Stats.MostCommon {
				if mcv == v && i < len(c.Stats.MostCommonFreqs) {
					return c.Stats.MostCommonFreqs[i]
				}
			}
		}
		if nd := c.Stats.DistinctValues(t.rows); nd >= 1 {
			return (1 - c.Stats.NullFrac) / nd
		}
	}
	return defaultEqSel
}

// caseFoldedColumn returns the column of lower(col), upper(col) or a trim:
// functions that keep a column about as selective as it is, so its
// statistics stand for the expression's.
func caseFoldedColumn(r analyzer.ColumnRef) string {
	if len(r.Columns) != 1 {
		return ""
	}
	e := normalizeExpr(r.Expr)
	for _, f := range []string{"lower", "upper", "btrim", "trim", "ltrim", "rtrim"} {
		if e == f+"("+r.Columns[0]+")" {
			return r.Columns[0]
		}
	}
	return ""
}

// exprCast matches a cast ("::text", "::character varying(20)"), and
// exprParenIdent a parenthesized identifier that is not a call's argument
// list: PostgreSQL prints "lower((email)::text)" where a query says
// "lower(email)".
var (
	exprCast       = regexp.MustCompile(`::[a-z_][a-z0-9_ ]*(\([0-9, ]+\))?(\[\])?`)
	exprParenIdent = regexp.MustCompile(`(^|[^a-z0-9_])\(([a-z_][a-z0-9_]*)\)`)
)

// normalizeExpr gives an index or query expression a canonical text, so that
// the two can be compared.
func normalizeExpr(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = exprCast.ReplaceAllString(s, "")
	for {
		t := exprParenIdent.ReplaceAllString(s, "$1$2")
		if t == s {
			break
		}
		s = t
	}
	s = strings.Join(strings.Fields(s), " ")
	for strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") && balanced(s[1:len(s)-1]) {
		s = s[1 : len(s)-1]
	}
	return s
}

func balanced(s string) bool {
	depth := 0
	for _, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}
