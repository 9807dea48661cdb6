// Package gen writes a PostgreSQL 15 stderr log with a given number of
// distinct statement shapes over a given number of tables, and the schema of
// those tables: the workload of an ORM-heavy or multi-tenant application,
// where the advisor's work grows with the distinct shapes, not with the
// log's size.
//
// Each shape is drawn from a dozen templates (lookups on one to three
// columns with a varying select list, ranges with ORDER BY … LIMIT, IN
// lists, joins to another table, aggregates, updates, inserts, deletes) and
// logged one to three times with literal values, so the log is about
// 600 bytes per shape. The output depends only on the arguments; memory is
// bounded by one table's shapes.
package gen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Stats describes a generated log.
type Stats struct {
	Bytes      int64 // bytes written
	Shapes     int   // distinct shapes written
	Executions int64 // statements written
}

// columns of every table, after id; kinds drive the literals.
var columns = []struct{ name, typ, kind string }{
	{"parent_id", "bigint", "int"},
	{"tenant_id", "integer NOT NULL", "int"},
	{"status", "text", "word"},
	{"kind", "text", "word"},
	{"score", "integer", "int"},
	{"amount", "numeric(12,2)", "num"},
	{"name", "text", "text"},
	{"email", "text", "text"},
	{"created_at", "timestamp with time zone DEFAULT now() NOT NULL", "ts"},
	{"updated_at", "timestamp with time zone", "ts"},
	{"payload", "jsonb", "json"},
}

// TableName is the name of table i: letters only, since pg_query's
// fingerprint takes tables whose names differ only in trailing digits for
// partitions of one (events_2024_01), hence one shape.
func TableName(i int) string {
	name := []byte("t_aaaa")
	for p := len(name) - 1; i > 0 && p > 1; p-- {
		name[p] = byte('a' + i%26)
		i /= 26
	}
	return string(name)
}

// WriteSchema writes the DDL of tables tables, as pg_dump -s prints it:
// twelve columns, a primary key on id, and an index on tenant_id for every
// third table.
func WriteSchema(w io.Writer, tables int) error {
	bw := bufio.NewWriter(w)
	for t := 0; t < tables; t++ {
		name := TableName(t)
		fmt.Fprintf(bw, "CREATE TABLE public.%s (\n    id bigint NOT NULL", name)
		for _, c := range columns {
			fmt.Fprintf(bw, ",\n    %s %s", c.name, c.typ)
		}
		fmt.Fprintf(bw, "\n);\n\nALTER TABLE ONLY public.%s\n    ADD CONSTRAINT %s_pkey PRIMARY KEY (id);\n\n", name, name)
		if t%3 == 0 {
			fmt.Fprintf(bw, "CREATE INDEX %s_tenant_id_idx ON public.%s USING btree (tenant_id);\n\n", name, name)
		}
	}
	return bw.Flush()
}

// WriteLog writes a stderr log (log_line_prefix '%m [%p] %q%u@%d ') of
// shapes distinct statement shapes spread evenly over tables tables.
func WriteLog(w io.Writer, shapes, tables int, seed int64) (Stats, error) {
	g := &generator{r: newRand(seed), w: bufio.NewWriterSize(w, 1<<20), tables: tables,
		clock: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	var st Stats
	for t := 0; t < tables; t++ {
		n := shapes / tables
		if t < shapes%tables {
			n++
		}
		seen := make(map[string]bool, n)
		for tries := 0; len(seen) < n; tries++ {
			if tries > 100*n+1000 {
				return st, fmt.Errorf("table %s: only %d distinct shapes of %d after %d tries", TableName(t), len(seen), n, tries)
			}
			g.draw(t)
			key := string(g.shape)
			if seen[key] {
				continue
			}
			seen[key] = true
			st.Shapes++
			calls := 1 + g.r.IntN(3)
			if g.r.IntN(100) == 0 {
				calls += 20 + g.r.IntN(200) // a hot shape
			}
			for i := 0; i < calls; i++ {
				g.line()
				st.Executions++
			}
		}
	}
	err := g.w.Flush()
	st.Bytes = g.bytes
	return st, err
}

type generator struct {
	r      *rand.Rand
	w      *bufio.Writer
	tables int
	clock  time.Time
	bytes  int64
	// shape is the current statement with $n placeholders (its identity);
	// parts and kinds let line render it with fresh literals.
	shape []byte
	parts []string // text between placeholders
	kinds []string // the kind of each placeholder's literal
	out   []byte   // the line being written, reused
}

// draw makes a random statement of table t into g.shape/parts/kinds.
func (g *generator) draw(t int) {
	g.shape, g.parts, g.kinds = g.shape[:0], g.parts[:0], g.kinds[:0]
	var b strings.Builder
	lit := func(kind string) {
		g.parts = append(g.parts, b.String())
		g.kinds = append(g.kinds, kind)
		b.Reset()
	}
	tab := TableName(t)
	col := func(n int) int { return g.r.IntN(n) }
	switch g.r.IntN(12) {
	case 0, 1, 2: // lookup on one to three columns
		fmt.Fprintf(&b, "SELECT %s FROM %s WHERE ", g.projection(""), tab)
		n := 1 + g.r.IntN(3)
		for i, c := range g.r.Perm(8)[:n] {
			if i > 0 {
				b.WriteString(" AND ")
			}
			fmt.Fprintf(&b, "%s = ", columns[c].name)
			lit(columns[c].kind)
		}
	case 3: // equality and a range, newest first
		eq, rg := columns[col(5)], columns[8+col(2)]
		fmt.Fprintf(&b, "SELECT %s FROM %s WHERE %s = ", g.projection(""), tab, eq.name)
		lit(eq.kind)
		fmt.Fprintf(&b, " AND %s > ", rg.name)
		lit("ts")
		fmt.Fprintf(&b, " ORDER BY %s DESC LIMIT ", rg.name)
		lit("limit")
	case 4: // IN list
		c := columns[col(5)]
		fmt.Fprintf(&b, "SELECT %s FROM %s WHERE %s IN (", g.projection(""), tab, c.name)
		lit(c.kind)
		b.WriteString(", ")
		lit(c.kind)
		b.WriteString(", ")
		lit(c.kind)
		fmt.Fprintf(&b, ") ORDER BY %s LIMIT ", columns[6+col(4)].name)
		lit("limit")
	case 5: // join to a child table
		u := g.r.IntN(g.tables)
		c := columns[col(8)]
		fmt.Fprintf(&b, "SELECT %s, b.%s FROM %s a JOIN %s b ON b.parent_id = a.id WHERE a.%s = ", g.projection("a."), columns[2+col(8)].name, tab, TableName(u), c.name)
		lit(c.kind)
	case 6: // aggregate over a time range
		grp := columns[2+col(2)].name
		fmt.Fprintf(&b, "SELECT %s, count(*), sum(amount) FROM %s WHERE tenant_id = ", grp, tab)
		lit("int")
		fmt.Fprintf(&b, " AND %s >= ", columns[8+col(2)].name)
		lit("ts")
		fmt.Fprintf(&b, " GROUP BY %s", grp)
	case 7: // count between
		c, rg := columns[col(5)], columns[8+col(2)]
		fmt.Fprintf(&b, "SELECT count(*) FROM %s WHERE %s = ", tab, c.name)
		lit(c.kind)
		fmt.Fprintf(&b, " AND %s BETWEEN ", rg.name)
		lit("ts")
		b.WriteString(" AND ")
		lit("ts")
	case 8, 9: // update one or two columns by id
		fmt.Fprintf(&b, "UPDATE %s SET ", tab)
		for i, c := range g.r.Perm(10)[:1+g.r.IntN(2)] {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s = ", columns[c].name)
			lit(columns[c].kind)
		}
		b.WriteString(" WHERE id = ")
		lit("int")
	case 10: // insert
		cs := g.r.Perm(len(columns))[:2+g.r.IntN(4)]
		fmt.Fprintf(&b, "INSERT INTO %s (id", tab)
		for _, c := range cs {
			b.WriteString(", " + columns[c].name)
		}
		b.WriteString(") VALUES (")
		lit("int")
		for _, c := range cs {
			b.WriteString(", ")
			lit(columns[c].kind)
		}
		b.WriteString(")")
	case 11: // delete by id or by a column
		c := columns[col(8)]
		fmt.Fprintf(&b, "DELETE FROM %s WHERE %s = ", tab, c.name)
		lit(c.kind)
	}
	g.parts = append(g.parts, b.String())
	for i, p := range g.parts {
		g.shape = append(g.shape, p...)
		if i < len(g.kinds) {
			g.shape = append(g.shape, '$')
			g.shape = strconv.AppendInt(g.shape, int64(i+1), 10)
		}
	}
}

// projection is id and one to five other columns, prefixed.
func (g *generator) projection(prefix string) string {
	var b strings.Builder
	b.WriteString(prefix + "id")
	for _, c := range g.r.Perm(len(columns))[:1+g.r.IntN(5)] {
		b.WriteString(", " + prefix + columns[c].name)
	}
	return b.String()
}

// line writes one execution of the current shape with fresh literals.
func (g *generator) line() {
	g.clock = g.clock.Add(time.Duration(g.r.IntN(2000)) * time.Microsecond)
	b := g.clock.AppendFormat(g.out[:0], "2006-01-02 15:04:05.000 UTC")
	b = append(b, " ["...)
	b = strconv.AppendInt(b, int64(1000+g.r.IntN(50)), 10)
	b = append(b, "] app@shop LOG:  duration: "...)
	us := 50 + g.r.IntN(5000)
	b = strconv.AppendInt(b, int64(us/1000), 10)
	b = append(b, '.', byte('0'+us/100%10), byte('0'+us/10%10), byte('0'+us%10))
	b = append(b, " ms  statement: "...)
	for i, p := range g.parts {
		b = append(b, p...)
		if i < len(g.kinds) {
			b = g.literal(b, g.kinds[i])
		}
	}
	b = append(b, '\n')
	g.out = b
	n, _ := g.w.Write(b)
	g.bytes += int64(n)
}

var words = []string{"active", "pending", "closed", "archived", "draft", "paid", "refunded", "shipped"}

func (g *generator) literal(b []byte, kind string) []byte {
	switch kind {
	case "int":
		return strconv.AppendInt(b, int64(1+g.r.IntN(1_000_000)), 10)
	case "limit":
		return strconv.AppendInt(b, int64(10*(1+g.r.IntN(10))), 10)
	case "num":
		return strconv.AppendFloat(b, float64(g.r.IntN(100000))/100, 'f', 2, 64)
	case "word":
		return append(append(append(b, '\''), words[g.r.IntN(len(words))]...), '\'')
	case "text":
		return fmt.Appendf(b, "'user%d@example.com'", g.r.IntN(100000))
	case "ts":
		return g.clock.Add(-time.Duration(g.r.IntN(90*24))*time.Hour).AppendFormat(append(b, '\''), "2006-01-02 15:04:05'")
	case "json":
		return fmt.Appendf(b, `'{"k": %d}'`, g.r.IntN(100))
	}
	return append(b, "NULL"...)
}

func newRand(seed int64) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), 0x5ca1e)) }
