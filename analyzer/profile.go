package analyzer

import (
	"sort"
	"strings"

	"github.com/pgadvise/pgadvise/catalog"
)

// TableProfile adds up what the whole workload does with one table. Counts
// are executions (calls); the *MS fields weigh the same by observed time.
type TableProfile struct {
	Table catalog.QualifiedName
	// Known reports whether the schema has the table.
	Known bool
	// Reads counts executions that read the table (SELECT, and the
	// subqueries and joins of writes). Writes are counted by kind.
	Reads, Inserts, Updates, Deletes int64
	// ReadMS and WriteMS are the observed time of those executions.
	ReadMS, WriteMS float64
	// Columns, by name (expressions after plain columns).
	Columns []*ColumnUsage
	// FilterSets are the combinations of columns that statements filter on
	// together (with AND), most calls first.
	FilterSets []*FilterSet
	// Queries lists the fingerprints of the shapes that touch the table.
	Queries []string
}

// ColumnUsage is how the workload uses one column (or expression) of a table.
type ColumnUsage struct {
	Column string
	// IsExpr marks an expression over columns (lower(email)).
	IsExpr bool
	// Filters counts filter executions by kind of predicate.
	Filters map[Op]int64
	// FilterMS is the observed time of the executions that filter on it.
	FilterMS                                    float64
	Joins, GroupBy, OrderBy, Projected, Updated int64
}

// FilterCalls is the number of filter executions over all predicate kinds.
func (c *ColumnUsage) FilterCalls() int64 {
	var n int64
	for _, v := range c.Filters {
		n = addCount(n, v)
	}
	return n
}

// FilterSet is a set of columns filtered on together by one or more shapes.
type FilterSet struct {
	Columns []string // sorted
	Calls   int64
	TotalMS float64
	Queries []string // fingerprints
}

// buildProfiles aggregates the shapes' accesses per table.
func buildProfiles(shapes []*QueryShape, schema *catalog.Schema) []*TableProfile {
	byTable := map[catalog.QualifiedName]*profileBuilder{}
	get := func(a *TableAccess) *profileBuilder {
		b := byTable[a.Table]
		if b == nil {
			b = &profileBuilder{
				TableProfile: &TableProfile{Table: a.Table, Known: a.Known},
				columns:      map[string]*ColumnUsage{},
				sets:         map[string]*FilterSet{},
				queries:      map[string]bool{},
			}
			byTable[a.Table] = b
		}
		return b
	}
	for _, s := range shapes {
		seen := map[catalog.QualifiedName]bool{}
		for _, a := range s.Access {
			b := get(a)
			b.add(s, a, !seen[a.Table])
			seen[a.Table] = true
		}
	}
	// Schema tables the workload never touches still get a (empty) profile:
	// their indexes cost writes for no reads, which later advice needs.
	if schema != nil {
		for _, t := range schema.Tables {
			if t.Kind == catalog.KindView {
				continue
			}
			if byTable[t.Name] == nil {
				get(&TableAccess{Table: t.Name, Known: true})
			}
		}
	}
	out := make([]*TableProfile, 0, len(byTable))
	for _, b := range byTable {
		out = append(out, b.finish())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Table.String() < out[j].Table.String() })
	return out
}

type profileBuilder struct {
	*TableProfile
	columns map[string]*ColumnUsage
	sets    map[string]*FilterSet
	queries map[string]bool
}

func (b *profileBuilder) column(ref ColumnRef) *ColumnUsage {
	key := ref.Key()
	c := b.columns[key]
	if c == nil {
		c = &ColumnUsage{Column: key, IsExpr: ref.Expr != "", Filters: map[Op]int64{}}
		b.columns[key] = c
	}
	return c
}

// add counts one access of shape s. first is false for the second and later
// references to the same table in one statement (self-joins), which must not
// count the statement twice.
func (b *profileBuilder) add(s *QueryShape, a *TableAccess, first bool) {
	calls, ms := s.Calls, s.TotalMS
	b.queries[s.Fingerprint] = true
	if first {
		switch a.Write {
		case KindInsert, KindCopy:
			b.Inserts = addCount(b.Inserts, calls)
		case KindUpdate:
			b.Updates = addCount(b.Updates, calls)
		case KindDelete:
			b.Deletes = addCount(b.Deletes, calls)
		case KindMerge:
			b.Updates = addCount(b.Updates, calls)
			b.Inserts = addCount(b.Inserts, calls)
		}
		if a.Write != "" {
			b.WriteMS = addMS(b.WriteMS, ms)
		} else if a.Read {
			b.Reads = addCount(b.Reads, calls)
			b.ReadMS = addMS(b.ReadMS, ms)
		}
	}
	var set []string
	for _, p := range a.Predicates {
		c := b.column(p.Target)
		c.Filters[p.Op] = addCount(c.Filters[p.Op], calls)
		c.FilterMS = addMS(c.FilterMS, ms)
		if !p.InOr && !p.Negated && p.Op != OpNotEq && p.Op != OpOther {
			set = appendUnique(set, p.Target.Key())
		}
	}
	for _, j := range a.Joins {
		c := b.column(ColumnRef{Column: j.Column})
		c.Joins = addCount(c.Joins, calls)
	}
	for _, g := range a.GroupBy {
		c := b.column(g)
		c.GroupBy = addCount(c.GroupBy, calls)
	}
	for _, o := range a.OrderBy {
		c := b.column(o.Target)
		c.OrderBy = addCount(c.OrderBy, calls)
	}
	for _, p := range a.Projected {
		c := b.column(ColumnRef{Column: p})
		c.Projected = addCount(c.Projected, calls)
	}
	for _, u := range a.SetColumns {
		c := b.column(ColumnRef{Column: u})
		c.Updated = addCount(c.Updated, calls)
	}
	if len(set) > 0 {
		sort.Strings(set)
		key := strings.Join(set, "\x00")
		fs := b.sets[key]
		if fs == nil {
			fs = &FilterSet{Columns: set}
			b.sets[key] = fs
		}
		fs.Calls = addCount(fs.Calls, calls)
		fs.TotalMS = addMS(fs.TotalMS, ms)
		fs.Queries = appendUnique(fs.Queries, s.Fingerprint)
	}
}

func (b *profileBuilder) finish() *TableProfile {
	p := b.TableProfile
	for _, c := range b.columns {
		p.Columns = append(p.Columns, c)
	}
	sort.Slice(p.Columns, func(i, j int) bool {
		x, y := p.Columns[i], p.Columns[j]
		if x.IsExpr != y.IsExpr {
			return !x.IsExpr
		}
		return x.Column < y.Column
	})
	for _, s := range b.sets {
		sort.Strings(s.Queries)
		p.FilterSets = append(p.FilterSets, s)
	}
	sort.Slice(p.FilterSets, func(i, j int) bool {
		x, y := p.FilterSets[i], p.FilterSets[j]
		if x.Calls != y.Calls {
			return x.Calls > y.Calls
		}
		return strings.Join(x.Columns, ",") < strings.Join(y.Columns, ",")
	})
	for q := range b.queries {
		p.Queries = append(p.Queries, q)
	}
	sort.Strings(p.Queries)
	return p
}
