package gen

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// segment kinds of a shape's text.
const (
	segText  = iota // fixed SQL text
	segParam        // one value: a literal (simple protocol) or $n (extended)
	segIn           // a list of values of varying length: IN (...)
)

// value modifiers.
const (
	modNone = iota
	modLike // a LIKE prefix: 'Sm%'
)

type seg struct {
	typ  uint8
	mod  uint8
	text string
	col  *column
}

// class of a shape, for durations and the records that go with it.
const (
	clRead = iota
	clReport
	clUpdate
	clInsert
	clDelete
)

// shape is one statement shape: SQL text with holes for values.
type shape struct {
	segs   []seg
	class  int
	baseUS float64 // typical execution time, microseconds
	hasIn  bool
	table  *table
	names  map[int]string // pgx statement cache names, by IN list length (0 without a list)
	key    string
}

// builder assembles a shape.
type builder struct {
	segs   []seg
	text   []byte
	ml     bool   // multi-line statement
	indent string // after each newline of a multi-line statement
	hasIn  bool
}

func (b *builder) t(s string) *builder { b.text = append(b.text, s...); return b }

// nl separates clauses: a newline in a multi-line statement, else a space.
func (b *builder) nl() *builder {
	if b.ml {
		b.text = append(b.text, '\n')
		b.text = append(b.text, b.indent...)
	} else {
		b.text = append(b.text, ' ')
	}
	return b
}

func (b *builder) flush() {
	if len(b.text) > 0 {
		b.segs = append(b.segs, seg{typ: segText, text: string(b.text)})
		b.text = b.text[:0]
	}
}

func (b *builder) p(c *column) *builder {
	b.flush()
	b.segs = append(b.segs, seg{typ: segParam, col: c})
	return b
}

func (b *builder) like(c *column) *builder {
	b.flush()
	b.segs = append(b.segs, seg{typ: segParam, col: c, mod: modLike})
	return b
}

func (b *builder) in(c *column) *builder {
	b.flush()
	b.segs = append(b.segs, seg{typ: segIn, col: c})
	b.hasIn = true
	return b
}

// key is the shape's text with its values and digits left out: two shapes
// with the same key would have the same fingerprint.
func (b *builder) key() string {
	var sb strings.Builder
	for _, s := range b.segs {
		if s.typ != segText {
			sb.WriteString("?")
			continue
		}
		for _, c := range []byte(s.text) {
			switch {
			case c >= '0' && c <= '9':
			case c == '\n' || c == ' ' || c == '\t':
				if n := sb.Len(); n > 0 && sb.String()[n-1] != ' ' {
					sb.WriteByte(' ')
				}
			default:
				sb.WriteByte(c)
			}
		}
	}
	return sb.String()
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func isEq(c *column) bool {
	switch c.k {
	case kEnum, kTenant, kSlug, kSKU, kRef, kEmail, kUUID, kBool, kPostal:
		return true
	case kID:
		return c.name != "id"
	}
	return false
}

func isRange(c *column) bool { return c.k == kTS || c.k == kMoney || c.k == kSmall || c.k == kQty }
func isTS(c *column) bool    { return c.k == kTS }
func isEnum(c *column) bool  { return c.k == kEnum }
func isFK(c *column) bool    { return c.ref != "" }
func isNum(c *column) bool   { return c.k == kMoney || c.k == kSmall || c.k == kQty }
func isStr(c *column) bool   { return c.k == kEmail || c.k == kName }

// selectList writes "id, a, b" (with alias prefixes if alias != "") of n
// random columns of t in table order, id first.
func selectList(r *rand.Rand, b *builder, t *table, alias string, n int) {
	chosen := make([]bool, len(t.cols))
	chosen[0] = true
	for i := 1; i < n && i < len(t.cols); i++ {
		chosen[1+r.IntN(len(t.cols)-1)] = true
	}
	first := true
	for i, c := range t.cols {
		if !chosen[i] {
			continue
		}
		if !first {
			b.t(", ")
		}
		first = false
		if alias != "" {
			b.t(alias).t(".")
		}
		b.t(c.name)
	}
}

func limit(r *rand.Rand) string {
	return strconv.Itoa(pick(r, []int{1, 5, 10, 20, 25, 50, 100}))
}

// template writes one shape over t. It reports false when t lacks what the
// template needs.
type template struct {
	name   string
	class  int
	baseUS float64 // typical execution time
	long   bool    // often written on several lines
	build  func(r *rand.Rand, b *builder, t *table, db *schemaIndex) bool
}

type schemaIndex struct {
	tables []*table
	byName map[string]*table
}

func tenantFilter(b *builder, t *table, alias string) bool {
	c := t.col("tenant_id")
	if c == nil {
		return false
	}
	b.t(alias).t("tenant_id = ").p(c)
	return true
}

var templates = []template{
	{"point", clRead, 60, false, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		b.t("SELECT ")
		selectList(r, b, t, "", 2+r.IntN(5))
		b.nl().t("FROM ").t(t.name).nl().t("WHERE id = ").p(t.col("id"))
		if c := t.col("deleted_at"); c != nil && r.IntN(2) == 0 {
			b.t(" AND deleted_at IS NULL")
		}
		return true
	}},
	{"tenant-list", clRead, 900, true, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		es, ts := t.colsOf(isEnum), t.colsOf(isTS)
		if t.col("tenant_id") == nil || len(es) == 0 || len(ts) == 0 {
			return false
		}
		b.t("SELECT ")
		selectList(r, b, t, "", 3+r.IntN(4))
		b.nl().t("FROM ").t(t.name).nl().t("WHERE ")
		tenantFilter(b, t, "")
		b.t(" AND ").t(pick(r, es).name).t(" = ").p(pick(r, es))
		b.nl().t("ORDER BY ").t(pick(r, ts).name).t(" DESC").nl().t("LIMIT ").t(limit(r))
		if r.IntN(4) == 0 {
			b.t(" OFFSET ").p(&column{name: "offset", k: kSmall})
		}
		return true
	}},
	{"fk-list", clRead, 400, false, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		fks := t.colsOf(isFK)
		if len(fks) == 0 {
			return false
		}
		fk := pick(r, fks)
		order := "id"
		if ts := t.colsOf(isTS); len(ts) > 0 {
			order = pick(r, ts).name
		}
		b.t("SELECT ")
		selectList(r, b, t, "", 2+r.IntN(5))
		b.nl().t("FROM ").t(t.name).nl().t("WHERE ").t(fk.name).t(" = ").p(fk)
		b.nl().t("ORDER BY ").t(order).t(" DESC").nl().t("LIMIT ").t(limit(r))
		return true
	}},
	{"multi-filter", clRead, 700, true, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		eqs, rs := t.colsOf(isEq), t.colsOf(isRange)
		if len(eqs) < 2 || len(rs) == 0 {
			return false
		}
		r.Shuffle(len(eqs), func(i, j int) { eqs[i], eqs[j] = eqs[j], eqs[i] })
		b.t("SELECT ")
		selectList(r, b, t, "", 2+r.IntN(5))
		b.nl().t("FROM ").t(t.name).nl().t("WHERE ")
		n := 1 + r.IntN(min(3, len(eqs)))
		for i := 0; i < n; i++ {
			b.t(eqs[i].name).t(" = ").p(eqs[i]).t(" AND ")
		}
		rc := pick(r, rs)
		b.t(rc.name).t(pick(r, []string{" >= ", " > ", " < ", " <= "})).p(rc)
		if r.IntN(2) == 0 {
			b.nl().t("ORDER BY ").t(rc.name).nl().t("LIMIT ").t(limit(r))
		}
		return true
	}},
	{"range-count", clRead, 3000, false, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		ts := t.colsOf(isTS)
		if len(ts) == 0 {
			return false
		}
		c := pick(r, ts)
		b.t("SELECT count(*) FROM ").t(t.name).t(" WHERE ")
		if tenantFilter(b, t, "") {
			b.t(" AND ")
		}
		if r.IntN(2) == 0 {
			b.t(c.name).t(" BETWEEN ").p(c).t(" AND ").p(c)
		} else {
			b.t(c.name).t(" >= ").p(c).t(" AND ").t(c.name).t(" < ").p(c)
		}
		return true
	}},
	{"in-list", clRead, 250, false, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		c := t.col("id")
		if fks := t.colsOf(isFK); len(fks) > 0 && r.IntN(2) == 0 {
			c = pick(r, fks)
		}
		b.t("SELECT ")
		selectList(r, b, t, "", 2+r.IntN(4))
		b.t(" FROM ").t(t.name).t(" WHERE ")
		if r.IntN(3) == 0 && tenantFilter(b, t, "") {
			b.t(" AND ")
		}
		b.t(c.name).t(" IN (").in(c).t(")")
		return true
	}},
	{"enum-in", clRead, 1200, false, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		es, eqs := t.colsOf(isEnum), t.colsOf(isEq)
		if len(es) == 0 || len(eqs) == 0 {
			return false
		}
		e, eq := pick(r, es), pick(r, eqs)
		if e == eq {
			return false
		}
		b.t("SELECT ")
		selectList(r, b, t, "", 2+r.IntN(4))
		b.t(" FROM ").t(t.name).t(" WHERE ").t(eq.name).t(" = ").p(eq)
		b.t(" AND ").t(e.name).t(" IN ('").t(e.enum[0]).t("', '").t(e.enum[len(e.enum)-1]).t("')")
		b.t(" ORDER BY id LIMIT ").t(limit(r))
		return true
	}},
	{"join", clRead, 1500, true, func(r *rand.Rand, b *builder, t *table, db *schemaIndex) bool {
		fks := t.colsOf(isFK)
		if len(fks) == 0 {
			return false
		}
		fk := pick(r, fks)
		p := db.byName[fk.ref]
		if p == t {
			return false
		}
		ta, pa := t.alias, p.alias
		if ta == pa {
			pa += "2"
		}
		b.t("SELECT ")
		selectList(r, b, t, ta, 2+r.IntN(3))
		b.t(", ")
		b.t(pa).t(".").t(p.cols[1+r.IntN(len(p.cols)-1)].name)
		b.nl().t("FROM ").t(t.name).t(" ").t(ta)
		b.nl().t("JOIN ").t(p.name).t(" ").t(pa).t(" ON ").t(pa).t(".id = ").t(ta).t(".").t(fk.name)
		b.nl().t("WHERE ")
		if eqs := p.colsOf(isEq); len(eqs) > 0 && r.IntN(2) == 0 {
			c := pick(r, eqs)
			b.t(pa).t(".").t(c.name).t(" = ").p(c)
		} else {
			b.t(ta).t(".").t(fk.name).t(" = ").p(fk)
		}
		if eqs := t.colsOf(isEq); len(eqs) > 0 && r.IntN(2) == 0 {
			c := pick(r, eqs)
			b.t(" AND ").t(ta).t(".").t(c.name).t(" = ").p(c)
		}
		if c := p.col("deleted_at"); c != nil {
			b.t(" AND ").t(pa).t(".deleted_at IS NULL")
		}
		if ts := t.colsOf(isTS); len(ts) > 0 {
			b.nl().t("ORDER BY ").t(ta).t(".").t(pick(r, ts).name).t(" DESC")
		}
		b.nl().t("LIMIT ").t(limit(r))
		return true
	}},
	{"join3", clRead, 4000, true, func(r *rand.Rand, b *builder, t *table, db *schemaIndex) bool {
		fks := t.colsOf(isFK)
		if len(fks) == 0 {
			return false
		}
		fk := pick(r, fks)
		p := db.byName[fk.ref]
		pfks := p.colsOf(isFK)
		if p == t || len(pfks) == 0 {
			return false
		}
		pfk := pick(r, pfks)
		g := db.byName[pfk.ref]
		if g == p || g == t {
			return false
		}
		b.t("SELECT ")
		selectList(r, b, t, "x", 2+r.IntN(3))
		b.t(", y.").t(p.cols[1+r.IntN(len(p.cols)-1)].name).t(", z.").t(g.cols[1+r.IntN(len(g.cols)-1)].name)
		b.nl().t("FROM ").t(t.name).t(" x")
		b.nl().t("JOIN ").t(p.name).t(" y ON y.id = x.").t(fk.name)
		b.nl().t("JOIN ").t(g.name).t(" z ON z.id = y.").t(pfk.name)
		b.nl().t("WHERE ")
		if !tenantFilter(b, g, "z.") {
			b.t("z.id = ").p(g.col("id"))
		}
		if ts := t.colsOf(isTS); len(ts) > 0 && r.IntN(2) == 0 {
			c := pick(r, ts)
			b.t(" AND x.").t(c.name).t(" >= ").p(c)
		}
		b.nl().t("ORDER BY x.id DESC").nl().t("LIMIT ").t(limit(r))
		return true
	}},
	{"aggregate", clReport, 15000, true, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		es, ts := t.colsOf(isEnum), t.colsOf(isTS)
		if len(es) == 0 || len(ts) == 0 {
			return false
		}
		e, c := pick(r, es), pick(r, ts)
		b.t("SELECT ").t(e.name).t(", count(*) AS n")
		if ns := t.colsOf(isNum); len(ns) > 0 {
			n := pick(r, ns)
			b.t(", ").t(pick(r, []string{"sum", "avg", "max"})).t("(").t(n.name).t(") AS ").t(n.name).t("_agg")
		}
		b.nl().t("FROM ").t(t.name).nl().t("WHERE ")
		if tenantFilter(b, t, "") {
			b.t(" AND ")
		}
		b.t(c.name).t(" >= ").p(c)
		b.nl().t("GROUP BY ").t(e.name).nl().t("ORDER BY n DESC")
		return true
	}},
	{"daily", clReport, 25000, true, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		ts := t.colsOf(isTS)
		if len(ts) == 0 {
			return false
		}
		c := pick(r, ts)
		b.t("SELECT date_trunc('").t(pick(r, []string{"day", "hour", "week"})).t("', ").t(c.name).t(") AS bucket, count(*) AS n")
		if ns := t.colsOf(isNum); len(ns) > 0 {
			b.t(", sum(").t(pick(r, ns).name).t(") AS total")
		}
		b.nl().t("FROM ").t(t.name).nl().t("WHERE ")
		if tenantFilter(b, t, "") {
			b.t(" AND ")
		}
		b.t(c.name).t(" BETWEEN ").p(c).t(" AND ").p(c)
		b.nl().t("GROUP BY 1").nl().t("ORDER BY 1")
		return true
	}},
	{"update", clUpdate, 250, false, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		cs := t.colsOf(func(c *column) bool {
			return c.name != "id" && c.name != "tenant_id" && c.name != "created_at" && c.name != "updated_at"
		})
		if len(cs) == 0 {
			return false
		}
		c := pick(r, cs)
		b.t("UPDATE ").t(t.name).t(" SET ").t(c.name).t(" = ").p(c)
		if t.col("updated_at") != nil {
			b.t(", updated_at = now()")
		}
		b.t(" WHERE id = ").p(t.col("id"))
		if c.k == kEnum && r.IntN(2) == 0 {
			b.t(" AND ").t(c.name).t(" = ").p(c)
		}
		return true
	}},
	{"update-filter", clUpdate, 900, false, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		es, eqs := t.colsOf(isEnum), t.colsOf(isEq)
		if len(es) == 0 || len(eqs) == 0 {
			return false
		}
		e, eq := pick(r, es), pick(r, eqs)
		if e == eq {
			return false
		}
		b.t("UPDATE ").t(t.name).t(" SET ").t(e.name).t(" = ").p(e)
		b.t(" WHERE ").t(eq.name).t(" = ").p(eq).t(" AND ").t(e.name).t(" = '").t(e.enum[0]).t("'")
		return true
	}},
	{"insert", clInsert, 200, false, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		cs := t.cols[1:]
		b.t("INSERT INTO ").t(t.name).t(" (")
		for i, c := range cs {
			if i > 0 {
				b.t(", ")
			}
			b.t(c.name)
		}
		b.t(")").nl().t("VALUES (")
		for i, c := range cs {
			if i > 0 {
				b.t(", ")
			}
			if c.name == "created_at" || c.name == "updated_at" {
				b.t("now()")
			} else {
				b.p(c)
			}
		}
		b.t(")")
		if r.IntN(2) == 0 {
			b.t(" RETURNING id")
		}
		return true
	}},
	{"upsert", clInsert, 350, true, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		keys := t.colsOf(func(c *column) bool { return c.name == "tenant_id" || c.ref != "" })
		uniq := t.colsOf(func(c *column) bool {
			return c.k == kSlug || c.k == kSKU || c.k == kRef || c.k == kEmail || c.k == kUUID || c.k == kEnum
		})
		vals := t.colsOf(func(c *column) bool { return isNum(c) || c.k == kName || c.k == kJSON || c.k == kText || c.k == kBool })
		if len(keys) == 0 || len(uniq) == 0 || len(vals) == 0 {
			return false
		}
		k, u, v := pick(r, keys), pick(r, uniq), pick(r, vals)
		b.t("INSERT INTO ").t(t.name).t(" (").t(k.name).t(", ").t(u.name).t(", ").t(v.name).t(")")
		b.nl().t("VALUES (").p(k).t(", ").p(u).t(", ").p(v).t(")")
		b.nl().t("ON CONFLICT (").t(k.name).t(", ").t(u.name).t(") DO UPDATE")
		b.nl().t("   SET ").t(v.name).t(" = EXCLUDED.").t(v.name)
		if t.col("updated_at") != nil {
			b.t(", updated_at = now()")
		}
		return true
	}},
	{"delete", clDelete, 400, false, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		b.t("DELETE FROM ").t(t.name).t(" WHERE ")
		ts := t.colsOf(isTS)
		switch {
		case len(ts) > 0 && r.IntN(3) == 0:
			b.t(pick(r, ts).name).t(" < now() - interval '").t(strconv.Itoa(pick(r, []int{7, 30, 90}))).t(" days'")
		case len(ts) > 0 && r.IntN(2) == 0:
			c := pick(r, ts)
			b.t(c.name).t(" < ").p(c)
		default:
			b.t("id = ").p(t.col("id"))
		}
		return true
	}},
	{"batch-delete", clDelete, 20000, true, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		ts := t.colsOf(isTS)
		if len(ts) == 0 {
			return false
		}
		b.t("DELETE FROM ").t(t.name).nl().t(" WHERE id IN (SELECT id FROM ").t(t.name).t(" WHERE ").t(pick(r, ts).name)
		b.t(" < now() - interval '").t(strconv.Itoa(pick(r, []int{30, 60, 90}))).t(" days' ORDER BY id LIMIT 2000)")
		return true
	}},
	{"cte", clReport, 30000, true, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		ts := t.colsOf(isTS)
		if len(ts) == 0 || len(t.children) == 0 {
			return false
		}
		ch := pick(r, t.children)
		if ch.table == t {
			return false
		}
		c := pick(r, ts)
		b.t("WITH recent AS (")
		b.nl().t("    SELECT id").nl().t("      FROM ").t(t.name).nl().t("     WHERE ")
		if tenantFilter(b, t, "") {
			b.t(" AND ")
		}
		b.t(c.name).t(" >= ").p(c).nl().t(")")
		b.nl().t("SELECT r.id, count(*) AS n")
		if ns := ch.table.colsOf(isNum); len(ns) > 0 {
			b.t(", sum(c.").t(pick(r, ns).name).t(") AS total")
		}
		b.nl().t("  FROM recent r").nl().t("  JOIN ").t(ch.table.name).t(" c ON c.").t(ch.name).t(" = r.id")
		b.nl().t(" GROUP BY r.id").nl().t(" ORDER BY n DESC").nl().t(" LIMIT ").t(limit(r))
		return true
	}},
	{"exists", clRead, 2500, true, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		eqs := t.colsOf(isEq)
		if len(t.children) == 0 || len(eqs) == 0 {
			return false
		}
		ch := pick(r, t.children)
		if ch.table == t {
			return false
		}
		eq := pick(r, eqs)
		b.t("SELECT ")
		selectList(r, b, t, "a", 2+r.IntN(3))
		b.nl().t("FROM ").t(t.name).t(" a").nl().t("WHERE a.").t(eq.name).t(" = ").p(eq)
		b.t(pick(r, []string{" AND EXISTS (", " AND NOT EXISTS ("}))
		b.t("SELECT 1 FROM ").t(ch.table.name).t(" c WHERE c.").t(ch.name).t(" = a.id")
		if es := ch.table.colsOf(isEnum); len(es) > 0 {
			e := pick(r, es)
			b.t(" AND c.").t(e.name).t(" = ").p(e)
		}
		b.t(")")
		return true
	}},
	{"lookup-text", clRead, 1800, false, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		ss := t.colsOf(isStr)
		if len(ss) == 0 {
			return false
		}
		c := pick(r, ss)
		b.t("SELECT ")
		selectList(r, b, t, "", 2+r.IntN(4))
		b.t(" FROM ").t(t.name).t(" WHERE ")
		if r.IntN(2) == 0 && tenantFilter(b, t, "") {
			b.t(" AND ")
		}
		if r.IntN(2) == 0 {
			b.t("lower(").t(c.name).t(") = lower(").p(c).t(")")
		} else {
			b.t(c.name).t(" LIKE ").like(c).t(" ORDER BY ").t(c.name).t(" LIMIT ").t(limit(r))
		}
		return true
	}},
	{"skip-locked", clRead, 300, false, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		es := t.colsOf(isEnum)
		if len(es) == 0 {
			return false
		}
		e := pick(r, es)
		b.t("SELECT id FROM ").t(t.name).t(" WHERE ").t(e.name).t(" = '").t(e.enum[0]).t("'")
		if ts := t.colsOf(isTS); len(ts) > 0 {
			b.t(" AND ").t(pick(r, ts).name).t(" < now() - interval '1 hour'")
		}
		b.t(" ORDER BY id LIMIT ").t(limit(r)).t(" FOR UPDATE SKIP LOCKED")
		return true
	}},
	{"window", clReport, 12000, true, func(r *rand.Rand, b *builder, t *table, _ *schemaIndex) bool {
		es, ns := t.colsOf(isEnum), t.colsOf(isNum)
		if len(es) == 0 || len(ns) == 0 {
			return false
		}
		e, n := pick(r, es), pick(r, ns)
		b.t("SELECT id, ").t(e.name).t(", ").t(n.name).t(",")
		b.nl().t("       rank() OVER (PARTITION BY ").t(e.name).t(" ORDER BY ").t(n.name).t(" DESC) AS rnk")
		b.nl().t("  FROM ").t(t.name).nl().t(" WHERE ")
		if !tenantFilter(b, t, "") {
			b.t(n.name).t(" > ").p(n)
		}
		return true
	}},
	{"in-subquery", clRead, 3500, false, func(r *rand.Rand, b *builder, t *table, db *schemaIndex) bool {
		fks := t.colsOf(isFK)
		if len(fks) == 0 {
			return false
		}
		fk := pick(r, fks)
		p := db.byName[fk.ref]
		eqs := p.colsOf(isEq)
		if p == t || len(eqs) == 0 {
			return false
		}
		eq := pick(r, eqs)
		b.t("SELECT ")
		selectList(r, b, t, "", 2+r.IntN(4))
		b.t(" FROM ").t(t.name).t(" WHERE ").t(fk.name).t(" IN (SELECT id FROM ").t(p.name).t(" WHERE ").t(eq.name).t(" = ").p(eq).t(")")
		return true
	}},
}

// buildShapes makes n distinct shapes over the schema, deterministically from r.
func buildShapes(r *rand.Rand, tables []*table, n int) []*shape {
	db := &schemaIndex{tables: tables, byName: map[string]*table{}}
	for _, t := range tables {
		db.byName[t.name] = t
	}
	seen := map[string]bool{}
	var shapes []*shape
	for i := 0; len(shapes) < n && i < 100*n; i++ {
		t := tables[i%len(tables)]
		tp := &templates[r.IntN(len(templates))]
		b := &builder{}
		if tp.long && r.IntN(10) < 4 || !tp.long && r.IntN(20) == 0 {
			b.ml = true
			b.indent = pick(r, []string{"", "  ", "    "})
		}
		if !tp.build(r, b, t, db) {
			continue
		}
		b.flush()
		k := b.key()
		if seen[k] {
			continue
		}
		seen[k] = true
		// Durations: the template's typical time, times a per-shape factor.
		base := tp.baseUS * (0.3 + 2*r.Float64())
		shapes = append(shapes, &shape{
			segs: b.segs, class: tp.class, baseUS: base, hasIn: b.hasIn, table: t,
			names: map[int]string{}, key: k,
		})
	}
	return shapes
}
