package catalog

import (
	"fmt"
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// ---- CREATE TABLE ----

func (r *reader) createTable(cs *pg_query.CreateStmt, kind RelKind) bool {
	if cs.GetRelation() == nil {
		return false
	}
	name := r.newName(cs.GetRelation())
	if r.nameTaken(name) {
		if !cs.GetIfNotExists() {
			r.warnf("relation %s already exists", name)
		}
		return false
	}
	t := &Table{Name: name, Kind: kind}
	if ps := cs.GetPartspec(); ps != nil {
		t.Kind = KindPartitionedTable
		t.PartitionBy = r.partitionSpec(ps)
	}
	for _, inh := range cs.GetInhRelations() {
		rv := inh.GetRangeVar()
		if rv == nil {
			continue
		}
		parent := r.refName(rv)
		if cs.GetPartbound() != nil {
			t.PartitionOf = &parent
		} else {
			t.Inherits = append(t.Inherits, parent)
		}
	}
	if pb := cs.GetPartbound(); pb != nil {
		t.PartitionBound = r.partitionBound(pb)
	}
	r.s.Tables[name] = t

	// Index-backed constraints are created after the columns, the primary
	// key first, as PostgreSQL does.
	var constraints []*pg_query.Constraint
	var columnOf []string
	for _, elt := range cs.GetTableElts() {
		switch e := elt.GetNode().(type) {
		case *pg_query.Node_ColumnDef:
			for _, c := range r.addColumn(t, e.ColumnDef) {
				constraints = append(constraints, c)
				columnOf = append(columnOf, e.ColumnDef.GetColname())
			}
		case *pg_query.Node_Constraint:
			constraints = append(constraints, e.Constraint)
			columnOf = append(columnOf, "")
		case *pg_query.Node_TableLikeClause:
			r.copyLike(t, e.TableLikeClause)
		}
	}
	for _, c := range cs.GetConstraints() {
		if con := c.GetConstraint(); con != nil {
			constraints = append(constraints, con)
			columnOf = append(columnOf, "")
		}
	}
	// A partition or inheriting table gets its parents' columns now, so
	// that later statements can name them; finish does it again for
	// parents created later.
	r.inheritColumns(t, make(map[QualifiedName]bool), 0)
	var specs []*pg_query.IndexStmt
	var kinds []string
	for i, c := range constraints {
		switch c.GetContype() {
		case pg_query.ConstrType_CONSTR_PRIMARY, pg_query.ConstrType_CONSTR_UNIQUE, pg_query.ConstrType_CONSTR_EXCLUSION:
			if c.GetIndexname() != "" {
				continue // USING INDEX is only valid in ALTER TABLE
			}
			spec, kind := r.constraintIndex(t, c, columnOf[i])
			if spec == nil {
				continue
			}
			if kind == ConstraintPrimaryKey {
				if slices.Contains(kinds, ConstraintPrimaryKey) {
					r.warnf("multiple primary keys for table %s", name)
					continue
				}
				specs = append([]*pg_query.IndexStmt{spec}, specs...)
				kinds = append([]string{kind}, kinds...)
			} else {
				specs = append(specs, spec)
				kinds = append(kinds, kind)
			}
		case pg_query.ConstrType_CONSTR_FOREIGN:
			r.addForeignKey(t, c, columnOf[i])
		}
	}
	specs, kinds = r.dedupeConstraintIndexes(specs, kinds)
	for i, spec := range specs {
		r.addConstraintIndex(t, spec, kinds[i], false)
	}
	if t.PartitionOf != nil {
		if parent := r.s.Tables[*t.PartitionOf]; parent != nil {
			r.cloneIndexes(parent, t)
		}
	}
	return true
}

// addColumn adds a column definition to t and returns its inline
// constraints that need more than the column (keys and references).
func (r *reader) addColumn(t *Table, cd *pg_query.ColumnDef) []*pg_query.Constraint {
	col := Column{Name: cd.GetColname()}
	if tn := cd.GetTypeName(); tn != nil {
		if base, ok := serialType(tn); ok {
			col.Type = base
			col.NotNull = true
			seq := QualifiedName{t.Name.Schema, makeObjectName(t.Name.Name, col.Name, "seq")}
			col.Default = "nextval(" + quoteLiteral(seq.String()) + "::regclass)"
		} else {
			col.Type = formatType(tn)
		}
	}
	if cd.GetIsNotNull() {
		col.NotNull = true
	}
	if d := cd.GetRawDefault(); d != nil {
		col.Default = r.deparseExpr(d)
	}
	var rest []*pg_query.Constraint
	for _, cn := range cd.GetConstraints() {
		c := cn.GetConstraint()
		if c == nil {
			continue
		}
		switch c.GetContype() {
		case pg_query.ConstrType_CONSTR_NOTNULL:
			col.NotNull = true
		case pg_query.ConstrType_CONSTR_NULL:
			col.NotNull = false
		case pg_query.ConstrType_CONSTR_DEFAULT:
			col.Default = r.deparseExpr(c.GetRawExpr())
		case pg_query.ConstrType_CONSTR_IDENTITY:
			col.Identity = identityKind(c.GetGeneratedWhen())
			col.NotNull = true
		case pg_query.ConstrType_CONSTR_PRIMARY:
			col.NotNull = true
			rest = append(rest, c)
		case pg_query.ConstrType_CONSTR_UNIQUE, pg_query.ConstrType_CONSTR_FOREIGN:
			rest = append(rest, c)
		}
	}
	if old := t.Column(col.Name); old != nil {
		// A partition or inheriting table may restate a column to add
		// constraints to it.
		if col.Type != "" {
			old.Type = col.Type
		}
		old.NotNull = old.NotNull || col.NotNull
		if col.Default != "" {
			old.Default = col.Default
		}
		if col.Identity != "" {
			old.Identity = col.Identity
		}
		return rest
	}
	t.Columns = append(t.Columns, col)
	return rest
}

func identityKind(when string) string {
	if when == "d" {
		return "by_default"
	}
	return "always"
}

// copyLike copies the columns of CREATE TABLE ... (LIKE other ...).
func (r *reader) copyLike(t *Table, like *pg_query.TableLikeClause) {
	src := r.table(like.GetRelation())
	if src == nil {
		r.warnf("relation %s in LIKE does not exist", r.refName(like.GetRelation()))
		return
	}
	const likeDefaults, likeIdentity = 1 << 3, 1 << 5
	for _, c := range src.Columns {
		if t.Column(c.Name) != nil {
			continue
		}
		nc := Column{Name: c.Name, Type: c.Type, NotNull: c.NotNull}
		if like.GetOptions()&likeDefaults != 0 {
			nc.Default = c.Default
		}
		if like.GetOptions()&likeIdentity != 0 {
			nc.Identity = c.Identity
		}
		t.Columns = append(t.Columns, nc)
	}
}

func (r *reader) partitionSpec(ps *pg_query.PartitionSpec) *PartitionSpec {
	spec := &PartitionSpec{Keys: []string{}}
	switch ps.GetStrategy() {
	case pg_query.PartitionStrategy_PARTITION_STRATEGY_RANGE:
		spec.Strategy = "range"
	case pg_query.PartitionStrategy_PARTITION_STRATEGY_LIST:
		spec.Strategy = "list"
	case pg_query.PartitionStrategy_PARTITION_STRATEGY_HASH:
		spec.Strategy = "hash"
	}
	for _, p := range ps.GetPartParams() {
		pe := p.GetPartitionElem()
		if pe == nil {
			continue
		}
		if pe.GetName() != "" {
			spec.Keys = append(spec.Keys, pe.GetName())
		} else {
			spec.Keys = append(spec.Keys, r.deparseExpr(pe.GetExpr()))
		}
	}
	return spec
}

// partitionBound renders FOR VALUES ... the way pg_get_expr prints it.
func (r *reader) partitionBound(pb *pg_query.PartitionBoundSpec) string {
	if pb.GetIsDefault() {
		return "DEFAULT"
	}
	datums := func(nodes []*pg_query.Node) string {
		parts := make([]string, 0, len(nodes))
		for _, n := range nodes {
			if cr := n.GetColumnRef(); cr != nil && len(cr.GetFields()) == 1 {
				if f := cr.GetFields()[0].GetString_().GetSval(); f == "minvalue" || f == "maxvalue" {
					parts = append(parts, strings.ToUpper(f))
					continue
				}
			}
			if prd := n.GetPartitionRangeDatum(); prd != nil {
				switch prd.GetKind() {
				case pg_query.PartitionRangeDatumKind_PARTITION_RANGE_DATUM_MINVALUE:
					parts = append(parts, "MINVALUE")
				case pg_query.PartitionRangeDatumKind_PARTITION_RANGE_DATUM_MAXVALUE:
					parts = append(parts, "MAXVALUE")
				default:
					parts = append(parts, r.deparseExpr(prd.GetValue()))
				}
				continue
			}
			parts = append(parts, r.deparseExpr(n))
		}
		return strings.Join(parts, ", ")
	}
	switch pb.GetStrategy() {
	case "r":
		return "FOR VALUES FROM (" + datums(pb.GetLowerdatums()) + ") TO (" + datums(pb.GetUpperdatums()) + ")"
	case "l":
		return "FOR VALUES IN (" + datums(pb.GetListdatums()) + ")"
	case "h":
		return fmt.Sprintf("FOR VALUES WITH (modulus %d, remainder %d)", pb.GetModulus(), pb.GetRemainder())
	}
	return ""
}

// ---- constraints ----

// constraintIndex builds the index a PRIMARY KEY, UNIQUE or EXCLUDE
// constraint creates. column is set for an inline column constraint.
func (r *reader) constraintIndex(t *Table, c *pg_query.Constraint, column string) (*pg_query.IndexStmt, string) {
	is := &pg_query.IndexStmt{
		Idxname:          c.GetConname(),
		Relation:         &pg_query.RangeVar{Schemaname: t.Name.Schema, Relname: t.Name.Name, Inh: true, Relpersistence: "p"},
		AccessMethod:     "btree",
		Isconstraint:     true,
		NullsNotDistinct: c.GetNullsNotDistinct(),
		Deferrable:       c.GetDeferrable(),
		Initdeferred:     c.GetInitdeferred(),
	}
	var kind string
	switch c.GetContype() {
	case pg_query.ConstrType_CONSTR_PRIMARY:
		kind, is.Primary, is.Unique = ConstraintPrimaryKey, true, true
	case pg_query.ConstrType_CONSTR_UNIQUE:
		kind, is.Unique = ConstraintUnique, true
	case pg_query.ConstrType_CONSTR_EXCLUSION:
		kind = ConstraintExclusion
		if c.GetAccessMethod() != "" {
			is.AccessMethod = c.GetAccessMethod()
		}
		is.WhereClause = c.GetWhereClause()
	default:
		return nil, ""
	}
	if kind == ConstraintExclusion {
		for _, ex := range c.GetExclusions() {
			items := ex.GetList().GetItems()
			if len(items) < 2 || items[0].GetIndexElem() == nil {
				continue
			}
			is.IndexParams = append(is.IndexParams, items[0])
			is.ExcludeOpNames = append(is.ExcludeOpNames, items[1])
		}
	} else {
		keys := nodeStrings(c.GetKeys())
		if len(keys) == 0 && column != "" {
			keys = []string{column}
		}
		for _, k := range keys {
			is.IndexParams = append(is.IndexParams, columnElem(k))
		}
	}
	for _, inc := range nodeStrings(c.GetIncluding()) {
		is.IndexIncludingParams = append(is.IndexIncludingParams, columnElem(inc))
	}
	if len(is.IndexParams) == 0 {
		r.warnf("constraint without columns on %s", t.Name)
		return nil, ""
	}
	return is, kind
}

func columnElem(name string) *pg_query.Node {
	return &pg_query.Node{Node: &pg_query.Node_IndexElem{IndexElem: &pg_query.IndexElem{
		Name: name, Ordering: pg_query.SortByDir_SORTBY_DEFAULT, NullsOrdering: pg_query.SortByNulls_SORTBY_NULLS_DEFAULT,
	}}}
}

// dedupeConstraintIndexes drops constraint indexes of CREATE TABLE that
// repeat an earlier one (UNIQUE PRIMARY KEY), keeping the earlier one and
// giving it the later one's name if it had none, as PostgreSQL does.
func (r *reader) dedupeConstraintIndexes(specs []*pg_query.IndexStmt, kinds []string) ([]*pg_query.IndexStmt, []string) {
	var outS []*pg_query.IndexStmt
	var outK []string
	var sigs []string
	for i, s := range specs {
		sig := r.indexSignature(s)
		if j := slices.Index(sigs, sig); j >= 0 {
			if outS[j].Idxname == "" {
				outS[j].Idxname = s.Idxname
			}
			continue
		}
		sigs = append(sigs, sig)
		outS = append(outS, s)
		outK = append(outK, kinds[i])
	}
	return outS, outK
}

func (r *reader) indexSignature(s *pg_query.IndexStmt) string {
	b := r.deparseStmt(&pg_query.Node{Node: &pg_query.Node_IndexStmt{IndexStmt: &pg_query.IndexStmt{
		Relation: s.Relation, AccessMethod: s.AccessMethod, IndexParams: s.IndexParams, IndexIncludingParams: s.IndexIncludingParams,
		WhereClause: s.WhereClause, NullsNotDistinct: s.NullsNotDistinct,
	}}})
	if b == "" {
		return fmt.Sprintf("%p", s)
	}
	return fmt.Sprintf("%s|%v|%v|%d", b, s.Deferrable, s.Initdeferred, len(s.ExcludeOpNames))
}

// addConstraintIndex creates a constraint's index and records the key.
func (r *reader) addConstraintIndex(t *Table, is *pg_query.IndexStmt, kind string, recurse bool) bool {
	ix := r.addIndex(t, is, kind, recurse)
	if ix == nil {
		return false
	}
	r.recordConstraint(t, ix)
	return true
}

// recordConstraint records a constraint-backed index in PrimaryKey or
// Uniques.
func (r *reader) recordConstraint(t *Table, ix *Index) {
	var cols []string
	for _, k := range ix.Keys {
		cols = append(cols, k.Column)
	}
	switch ix.Constraint {
	case ConstraintPrimaryKey:
		t.PrimaryKey = cols
		for _, c := range cols {
			if col := t.Column(c); col != nil {
				col.NotNull = true
			}
		}
	case ConstraintUnique:
		t.Uniques = append(t.Uniques, cols)
	}
}

func (r *reader) addForeignKey(t *Table, c *pg_query.Constraint, column string) bool {
	cols := nodeStrings(c.GetFkAttrs())
	if len(cols) == 0 && column != "" {
		cols = []string{column}
	}
	if c.GetPktable() == nil || len(cols) == 0 {
		return false
	}
	fk := ForeignKey{
		Name:       c.GetConname(),
		Columns:    cols,
		RefTable:   r.refName(c.GetPktable()),
		RefColumns: nodeStrings(c.GetPkAttrs()),
	}
	if fk.Name == "" {
		fk.Name = r.chooseConstraintName(t, makeObjectName(t.Name.Name, nameAddition(cols), "fkey"), nameAddition(cols), "fkey")
	}
	if fk.RefColumns == nil {
		fk.RefColumns = []string{} // the referenced table's primary key, filled in at the end
	}
	t.ForeignKeys = append(t.ForeignKeys, fk)
	return true
}

// chooseConstraintName adds a number to the label until no foreign key of
// the schema has the name (other constraint names are not tracked).
func (r *reader) chooseConstraintName(t *Table, first, addition, label string) string {
	name := first
	for pass := 1; pass < 1000; pass++ {
		taken := false
		for _, ot := range r.s.Tables {
			if ot.Name.Schema != t.Name.Schema {
				continue
			}
			for _, fk := range ot.ForeignKeys {
				if fk.Name == name {
					taken = true
				}
			}
			for _, ix := range ot.Indexes {
				if ix.Constraint != "" && ix.Name == name {
					taken = true
				}
			}
		}
		if !taken {
			break
		}
		name = makeObjectName(t.Name.Name, addition, fmt.Sprintf("%s%d", label, pass))
	}
	return name
}
