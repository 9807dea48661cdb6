package catalog

import (
	"fmt"
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// ---- CREATE INDEX ----

func (r *reader) createIndex(is *pg_query.IndexStmt) bool {
	t := r.table(is.GetRelation())
	if t == nil {
		r.warnf("CREATE INDEX %s: relation %s does not exist", is.GetIdxname(), r.refName(is.GetRelation()))
		return false
	}
	return r.addIndex(t, is, "", is.GetRelation().GetInh()) != nil
}

// addIndex turns an IndexStmt into an Index of t. constraint is the kind
// of constraint it backs, or "". With recurse, an index on a partitioned
// table is also created on its partitions, as PostgreSQL does without ONLY.
func (r *reader) addIndex(t *Table, is *pg_query.IndexStmt, constraint string, recurse bool) *Index {
	ix := Index{
		Table:      t.Name,
		Method:     strings.ToLower(is.GetAccessMethod()),
		Unique:     is.GetUnique(),
		Constraint: constraint,
		Keys:       []IndexKey{},
	}
	if ix.Method == "" {
		ix.Method = "btree"
	}
	var colNames []string
	for _, p := range is.GetIndexParams() {
		e := p.GetIndexElem()
		if e == nil {
			continue
		}
		k := IndexKey{Column: e.GetName()}
		if k.Column == "" {
			if cr := e.GetExpr().GetColumnRef(); cr != nil && len(cr.GetFields()) == 1 && cr.GetFields()[0].GetString_() != nil {
				// "(col)" is a plain column key, as DefineIndex treats it.
				k.Column = cr.GetFields()[0].GetString_().GetSval()
			} else {
				k.Expression = r.deparseExpr(e.GetExpr())
			}
		}
		switch e.GetOrdering() {
		case pg_query.SortByDir_SORTBY_DESC:
			k.Desc = true
		}
		// NullsFirst only when it is not the direction's default (NULLS
		// LAST for ASC, NULLS FIRST for DESC).
		switch e.GetNullsOrdering() {
		case pg_query.SortByNulls_SORTBY_NULLS_FIRST:
			if !k.Desc {
				v := true
				k.NullsFirst = &v
			}
		case pg_query.SortByNulls_SORTBY_NULLS_LAST:
			if k.Desc {
				v := false
				k.NullsFirst = &v
			}
		}
		k.Opclass = strings.Join(nodeStrings(e.GetOpclass()), ".")
		ix.Keys = append(ix.Keys, k)
		colNames = append(colNames, indexColumnName(e))
	}
	for _, p := range is.GetIndexIncludingParams() {
		e := p.GetIndexElem()
		if e == nil {
			continue
		}
		name := e.GetName()
		if name == "" {
			name = r.deparseExpr(e.GetExpr())
		}
		ix.Include = append(ix.Include, name)
		colNames = append(colNames, indexColumnName(e))
	}
	if len(ix.Keys) == 0 {
		r.warnf("index %s on %s has no keys", is.GetIdxname(), t.Name)
		return nil
	}
	if w := is.GetWhereClause(); w != nil {
		ix.Predicate = r.deparseExpr(w)
	}
	ix.Name = is.GetIdxname()
	if ix.Name == "" {
		ix.Name = r.chooseIndexName(t, colNames, is)
	}
	q := QualifiedName{t.Name.Schema, ix.Name}
	if r.nameTaken(q) {
		if !is.GetIfNotExists() {
			r.warnf("relation %s already exists", q)
		}
		return nil
	}
	ix.Definition = r.indexDefinition(is, t, ix.Name, ix.Method)
	t.Indexes = append(t.Indexes, ix)
	r.indexes[q] = t.Name
	r.indexStmts[q] = is
	if recurse && t.Kind == KindPartitionedTable && !r.cloning[t.Name] {
		r.cloning[t.Name] = true // a partition cycle (bad input) must not loop
		for _, child := range r.partitions(t) {
			if !r.cloning[child.Name] {
				r.cloneIndex(is, constraint, child)
			}
		}
		delete(r.cloning, t.Name)
	}
	return r.findIndex(t, ix.Name)
}

func (r *reader) findIndex(t *Table, name string) *Index {
	if i := slices.IndexFunc(t.Indexes, func(ix Index) bool { return ix.Name == name }); i >= 0 {
		return &t.Indexes[i]
	}
	return nil
}

// partitions returns t's partitions, by name.
func (r *reader) partitions(t *Table) []*Table {
	var out []*Table
	for _, c := range r.s.SortedTables() {
		if c.PartitionOf != nil && *c.PartitionOf == t.Name && c != t {
			out = append(out, c)
		}
	}
	return out
}

// cloneIndexes gives a new partition the indexes of its parent, as CREATE
// TABLE ... PARTITION OF and ATTACH PARTITION do; an equivalent index the
// partition already has is used instead (attached).
func (r *reader) cloneIndexes(parent, child *Table) {
	for _, pix := range slices.Clone(parent.Indexes) {
		is := r.indexStmts[QualifiedName{parent.Name.Schema, pix.Name}]
		if is == nil {
			continue
		}
		if slices.ContainsFunc(child.Indexes, func(cix Index) bool { return indexShape(cix) == indexShape(pix) }) {
			continue
		}
		r.cloneIndex(is, pix.Constraint, child)
	}
}

// cloneIndex creates on a partition the index is made on its parent, named
// by PostgreSQL's rules for the partition.
func (r *reader) cloneIndex(is *pg_query.IndexStmt, constraint string, child *Table) {
	if constraint == ConstraintPrimaryKey && len(child.PrimaryKey) > 0 {
		return
	}
	st := &pg_query.IndexStmt{
		Relation:             &pg_query.RangeVar{Schemaname: child.Name.Schema, Relname: child.Name.Name, Inh: true, Relpersistence: "p"},
		AccessMethod:         is.GetAccessMethod(),
		IndexParams:          is.GetIndexParams(),
		IndexIncludingParams: is.GetIndexIncludingParams(),
		WhereClause:          is.GetWhereClause(),
		ExcludeOpNames:       is.GetExcludeOpNames(),
		Unique:               is.GetUnique(),
		NullsNotDistinct:     is.GetNullsNotDistinct(),
		Primary:              is.GetPrimary(),
		Isconstraint:         is.GetIsconstraint(),
		Deferrable:           is.GetDeferrable(),
		Initdeferred:         is.GetInitdeferred(),
	}
	if ix := r.addIndex(child, st, constraint, true); ix != nil && constraint != "" {
		r.recordConstraint(child, ix)
	}
}

// indexShape is what makes two indexes equivalent: all but the names.
func indexShape(ix Index) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%v|%q|%q|", ix.Method, ix.Unique, ix.Include, ix.Predicate)
	for _, k := range ix.Keys {
		nf := "-"
		if k.NullsFirst != nil {
			nf = fmt.Sprint(*k.NullsFirst)
		}
		fmt.Fprintf(&b, "%q %q %v %s %q;", k.Column, k.Expression, k.Desc, nf, k.Opclass)
	}
	return b.String()
}

// indexDefinition deparses the CREATE INDEX statement as pg_indexes shows
// it: named, schema-qualified, with its method, without CONCURRENTLY or IF
// NOT EXISTS.
func (r *reader) indexDefinition(is *pg_query.IndexStmt, t *Table, name, method string) string {
	// pg_get_indexdef says ON ONLY for every index of a partitioned table.
	rel := &pg_query.RangeVar{Schemaname: t.Name.Schema, Relname: t.Name.Name, Inh: t.Kind != KindPartitionedTable, Relpersistence: "p"}
	def := &pg_query.IndexStmt{
		Idxname:              name,
		Relation:             rel,
		AccessMethod:         method,
		TableSpace:           is.GetTableSpace(),
		IndexParams:          is.GetIndexParams(),
		IndexIncludingParams: is.GetIndexIncludingParams(),
		Options:              is.GetOptions(),
		WhereClause:          is.GetWhereClause(),
		Unique:               is.GetUnique(),
		NullsNotDistinct:     is.GetNullsNotDistinct(),
	}
	return r.deparseStmt(&pg_query.Node{Node: &pg_query.Node_IndexStmt{IndexStmt: def}})
}

// chooseIndexName names an index the way PostgreSQL's ChooseIndexName does.
func (r *reader) chooseIndexName(t *Table, colNames []string, is *pg_query.IndexStmt) string {
	var addition, label string
	switch {
	case is.GetPrimary():
		label = "pkey"
	case len(is.GetExcludeOpNames()) > 0:
		addition, label = nameAddition(colNames), "excl"
	case is.GetIsconstraint():
		addition, label = nameAddition(colNames), "key"
	default:
		addition, label = nameAddition(colNames), "idx"
	}
	modlabel := label
	for pass := 1; ; pass++ {
		name := makeObjectName(t.Name.Name, addition, modlabel)
		if !r.nameTaken(QualifiedName{t.Name.Schema, name}) || pass > 10000 {
			return name
		}
		modlabel = fmt.Sprintf("%s%d", label, pass)
	}
}
