package catalog

import (
	"fmt"
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// reader applies parsed statements to a schema.
type reader struct {
	s   *Schema
	rep *DDLReport
	// searchPath is the current search_path without "$user"; unqualified
	// names are created in its first schema ("public" when it is empty) and
	// looked up along it.
	searchPath []string
	// indexes maps each index's qualified name to its table: index names
	// share a schema's namespace with tables.
	indexes map[QualifiedName]QualifiedName
	// indexStmts keeps the statement each index was made from, to clone it
	// onto partitions.
	indexStmts map[QualifiedName]*pg_query.IndexStmt
	// cloning holds the tables whose indexes are being cloned to partitions.
	cloning map[QualifiedName]bool
	lines   []int // offsets of the source lines
	line    int   // line of the statement being applied
	version int32 // parse tree version, for Deparse
}

func newReader() *reader {
	return &reader{
		s:          NewSchema(),
		rep:        &DDLReport{},
		searchPath: []string{"public"},
		indexes:    make(map[QualifiedName]QualifiedName),
		indexStmts: make(map[QualifiedName]*pg_query.IndexStmt),
		cloning:    make(map[QualifiedName]bool),
	}
}

func (r *reader) warnf(format string, args ...any) { r.rep.warn(r.line, format, args...) }

// apply reads one statement and counts it as used or ignored.
func (r *reader) apply(n *pg_query.Node) {
	used := false
	switch st := n.GetNode().(type) {
	case *pg_query.Node_CreateStmt:
		used = r.createTable(st.CreateStmt, KindTable)
	case *pg_query.Node_CreateForeignTableStmt:
		if st.CreateForeignTableStmt.GetBaseStmt() != nil {
			used = r.createTable(st.CreateForeignTableStmt.GetBaseStmt(), KindForeignTable)
		}
	case *pg_query.Node_IndexStmt:
		used = r.createIndex(st.IndexStmt)
	case *pg_query.Node_AlterTableStmt:
		used = r.alterTable(st.AlterTableStmt)
	case *pg_query.Node_ViewStmt:
		used = r.createView(st.ViewStmt)
	case *pg_query.Node_CreateTableAsStmt:
		used = r.createTableAs(st.CreateTableAsStmt)
	case *pg_query.Node_DropStmt:
		used = r.drop(st.DropStmt)
	case *pg_query.Node_RenameStmt:
		used = r.rename(st.RenameStmt)
	case *pg_query.Node_VariableSetStmt:
		r.setVariable(st.VariableSetStmt)
	case *pg_query.Node_SelectStmt:
		r.selectSetConfig(st.SelectStmt)
	}
	if used {
		r.rep.Used++
		return
	}
	kind := fmt.Sprintf("%T", n.GetNode())
	kind = strings.TrimPrefix(kind, "*pg_query.Node_")
	if n.GetNode() == nil {
		kind = "empty"
	}
	r.rep.ignore(kind)
}

// ---- names and search_path ----

// creationSchema is where an unqualified new relation goes.
func (r *reader) creationSchema() string {
	if len(r.searchPath) > 0 {
		return r.searchPath[0]
	}
	return "public"
}

// newName qualifies the name of a relation being created.
func (r *reader) newName(rv *pg_query.RangeVar) QualifiedName {
	if rv.GetSchemaname() != "" {
		return QualifiedName{rv.GetSchemaname(), rv.GetRelname()}
	}
	return QualifiedName{r.creationSchema(), rv.GetRelname()}
}

// refName qualifies a reference to an existing relation: an unqualified name
// is looked up along the search path.
func (r *reader) refName(rv *pg_query.RangeVar) QualifiedName {
	return r.refParts(rv.GetSchemaname(), rv.GetRelname())
}

func (r *reader) refParts(schema, name string) QualifiedName {
	if schema != "" {
		return QualifiedName{schema, name}
	}
	for _, sp := range r.searchPath {
		q := QualifiedName{sp, name}
		if r.s.Tables[q] != nil {
			return q
		}
		if _, ok := r.indexes[q]; ok {
			return q
		}
	}
	return QualifiedName{r.creationSchema(), name}
}

// table finds an existing relation by reference.
func (r *reader) table(rv *pg_query.RangeVar) *Table {
	if rv == nil {
		return nil
	}
	return r.s.Tables[r.refName(rv)]
}

// nameTaken reports whether a relation or index already has this name.
func (r *reader) nameTaken(q QualifiedName) bool {
	if r.s.Tables[q] != nil {
		return true
	}
	_, ok := r.indexes[q]
	return ok
}

func (r *reader) setVariable(v *pg_query.VariableSetStmt) {
	if !strings.EqualFold(v.GetName(), "search_path") {
		return
	}
	switch v.GetKind() {
	case pg_query.VariableSetKind_VAR_SET_VALUE:
		// Each argument is one schema name, even 'a, b' (PostgreSQL
		// quotes it as the single name "a, b").
		var path []string
		for _, a := range v.GetArgs() {
			if s, ok := constString(a); ok {
				path = append(path, s)
			}
		}
		r.setSearchPath(path)
	case pg_query.VariableSetKind_VAR_SET_DEFAULT, pg_query.VariableSetKind_VAR_RESET, pg_query.VariableSetKind_VAR_RESET_ALL:
		r.searchPath = []string{"public"}
	}
}

// selectSetConfig honours SELECT pg_catalog.set_config('search_path', '...', false).
func (r *reader) selectSetConfig(sel *pg_query.SelectStmt) {
	for _, t := range sel.GetTargetList() {
		fc := t.GetResTarget().GetVal().GetFuncCall()
		if fc == nil || lastName(fc.GetFuncname()) != "set_config" || len(fc.GetArgs()) < 2 {
			continue
		}
		name, ok1 := constString(fc.GetArgs()[0])
		value, ok2 := constString(fc.GetArgs()[1])
		if ok1 && ok2 && strings.EqualFold(name, "search_path") {
			r.setSearchPath(parseSearchPath(value))
		}
	}
}

func (r *reader) setSearchPath(path []string) {
	r.searchPath = r.searchPath[:0:0]
	for _, p := range path {
		if p == "$user" || p == "pg_catalog" || p == "pg_temp" || p == "" {
			continue
		}
		r.searchPath = append(r.searchPath, p)
	}
}

// parseSearchPath splits a search_path value: comma-separated identifiers,
// double-quoted or folded to lower case.
func parseSearchPath(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == ',') {
			i++
		}
		if i >= len(s) {
			break
		}
		var b strings.Builder
		if s[i] == '"' {
			i++
			for i < len(s) {
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						b.WriteByte('"')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			for i < len(s) && s[i] != ',' {
				i++
			}
			out = append(out, b.String())
			continue
		}
		j := strings.IndexByte(s[i:], ',')
		if j < 0 {
			j = len(s) - i
		}
		out = append(out, strings.ToLower(strings.TrimSpace(s[i:i+j])))
		i += j
	}
	return out
}

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

// ---- ALTER TABLE ----

func (r *reader) alterTable(at *pg_query.AlterTableStmt) bool {
	switch at.GetObjtype() {
	case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_FOREIGN_TABLE,
		pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_MATVIEW:
	default:
		return false // ALTER INDEX ... ATTACH PARTITION, ALTER SEQUENCE, ...
	}
	t := r.table(at.GetRelation())
	used, missing := false, false
	for _, cn := range at.GetCmds() {
		cmd := cn.GetAlterTableCmd()
		if cmd == nil || !relevantAlter(cmd.GetSubtype()) {
			continue
		}
		if t == nil {
			if !missing && !at.GetMissingOk() {
				r.warnf("ALTER TABLE: relation %s does not exist", r.refName(at.GetRelation()))
			}
			missing = true
			continue
		}
		if r.alterCmd(t, cmd, at.GetRelation().GetInh()) {
			used = true
			if at.GetRelation().GetInh() {
				r.recurseColumnCmd(t, cmd)
			}
		}
	}
	return used
}

func relevantAlter(st pg_query.AlterTableType) bool {
	switch st {
	case pg_query.AlterTableType_AT_AddColumn, pg_query.AlterTableType_AT_ColumnDefault,
		pg_query.AlterTableType_AT_SetNotNull, pg_query.AlterTableType_AT_DropNotNull,
		pg_query.AlterTableType_AT_AddIdentity, pg_query.AlterTableType_AT_DropIdentity,
		pg_query.AlterTableType_AT_AddConstraint, pg_query.AlterTableType_AT_DropConstraint,
		pg_query.AlterTableType_AT_AlterColumnType, pg_query.AlterTableType_AT_DropColumn,
		pg_query.AlterTableType_AT_AttachPartition, pg_query.AlterTableType_AT_DetachPartition,
		pg_query.AlterTableType_AT_AddInherit, pg_query.AlterTableType_AT_DropInherit:
		return true
	}
	return false
}

// children returns the partitions and inheriting tables of t, by name.
func (r *reader) children(t *Table) []*Table {
	var out []*Table
	for _, c := range r.s.SortedTables() {
		if c == t {
			continue
		}
		if c.PartitionOf != nil && *c.PartitionOf == t.Name || slices.Contains(c.Inherits, t.Name) {
			out = append(out, c)
		}
	}
	return out
}

// recurseColumnCmd applies a column change made without ONLY to the
// partitions and inheriting tables, as PostgreSQL does.
func (r *reader) recurseColumnCmd(t *Table, cmd *pg_query.AlterTableCmd) {
	name := cmd.GetName()
	switch cmd.GetSubtype() {
	case pg_query.AlterTableType_AT_AddColumn:
		name = cmd.GetDef().GetColumnDef().GetColname()
	case pg_query.AlterTableType_AT_ColumnDefault, pg_query.AlterTableType_AT_SetNotNull,
		pg_query.AlterTableType_AT_DropNotNull, pg_query.AlterTableType_AT_AlterColumnType,
		pg_query.AlterTableType_AT_DropColumn:
	default:
		return
	}
	if r.cloning[t.Name] {
		return
	}
	r.cloning[t.Name] = true
	defer delete(r.cloning, t.Name)
	for _, c := range r.children(t) {
		has := c.Column(name) != nil
		if has == (cmd.GetSubtype() == pg_query.AlterTableType_AT_AddColumn) || r.cloning[c.Name] {
			continue
		}
		if cmd.GetSubtype() == pg_query.AlterTableType_AT_AddColumn {
			r.addColumn(c, cmd.GetDef().GetColumnDef())
		} else {
			r.alterCmd(c, cmd, true)
		}
		r.recurseColumnCmd(c, cmd)
	}
}

// alterCmd applies one ALTER TABLE command; recurse is false for ALTER
// TABLE ONLY.
func (r *reader) alterCmd(t *Table, cmd *pg_query.AlterTableCmd, recurse bool) bool {
	col := func() *Column {
		c := t.Column(cmd.GetName())
		if c == nil {
			r.warnf("column %q of relation %s does not exist", cmd.GetName(), t.Name)
		}
		return c
	}
	switch cmd.GetSubtype() {
	case pg_query.AlterTableType_AT_AddColumn:
		cd := cmd.GetDef().GetColumnDef()
		if cd == nil {
			return false
		}
		if t.Column(cd.GetColname()) != nil {
			if !cmd.GetMissingOk() {
				r.warnf("column %q of relation %s already exists", cd.GetColname(), t.Name)
			}
			return false
		}
		for _, c := range r.addColumn(t, cd) {
			r.addConstraint(t, c, cd.GetColname(), recurse)
		}
		return true
	case pg_query.AlterTableType_AT_ColumnDefault:
		c := col()
		if c == nil {
			return false
		}
		c.Default = ""
		if d := cmd.GetDef(); d != nil {
			c.Default = r.deparseExpr(d)
		}
		return true
	case pg_query.AlterTableType_AT_SetNotNull, pg_query.AlterTableType_AT_DropNotNull:
		c := col()
		if c == nil {
			return false
		}
		c.NotNull = cmd.GetSubtype() == pg_query.AlterTableType_AT_SetNotNull
		return true
	case pg_query.AlterTableType_AT_AddIdentity:
		c := col()
		if c == nil {
			return false
		}
		c.Identity = identityKind(cmd.GetDef().GetConstraint().GetGeneratedWhen())
		c.NotNull = true
		return true
	case pg_query.AlterTableType_AT_DropIdentity:
		c := col()
		if c == nil {
			return false
		}
		c.Identity = ""
		return true
	case pg_query.AlterTableType_AT_AlterColumnType:
		c := col()
		tn := cmd.GetDef().GetColumnDef().GetTypeName()
		if c == nil || tn == nil {
			return false
		}
		c.Type = formatType(tn)
		return true
	case pg_query.AlterTableType_AT_DropColumn:
		return r.dropColumn(t, cmd.GetName(), cmd.GetMissingOk())
	case pg_query.AlterTableType_AT_AddConstraint:
		c := cmd.GetDef().GetConstraint()
		if c == nil {
			return false
		}
		return r.addConstraint(t, c, "", recurse)
	case pg_query.AlterTableType_AT_DropConstraint:
		return r.dropConstraint(t, cmd.GetName())
	case pg_query.AlterTableType_AT_AttachPartition:
		pc := cmd.GetDef().GetPartitionCmd()
		if pc == nil || pc.GetName() == nil {
			return false
		}
		child := r.table(pc.GetName())
		if child == nil {
			r.warnf("ATTACH PARTITION: relation %s does not exist", r.refName(pc.GetName()))
			return false
		}
		if child == t {
			return false
		}
		parent := t.Name
		child.PartitionOf = &parent
		child.PartitionBound = ""
		if pc.GetBound() != nil {
			child.PartitionBound = r.partitionBound(pc.GetBound())
		}
		r.cloneIndexes(t, child)
		return true
	case pg_query.AlterTableType_AT_DetachPartition:
		pc := cmd.GetDef().GetPartitionCmd()
		child := r.table(pc.GetName())
		if child == nil || child.PartitionOf == nil || *child.PartitionOf != t.Name {
			return false
		}
		child.PartitionOf, child.PartitionBound = nil, ""
		return true
	case pg_query.AlterTableType_AT_AddInherit:
		rv := cmd.GetDef().GetRangeVar()
		if rv == nil {
			return false
		}
		t.Inherits = append(t.Inherits, r.refName(rv))
		return true
	case pg_query.AlterTableType_AT_DropInherit:
		rv := cmd.GetDef().GetRangeVar()
		if rv == nil {
			return false
		}
		p := r.refName(rv)
		n := len(t.Inherits)
		t.Inherits = slices.DeleteFunc(t.Inherits, func(q QualifiedName) bool { return q == p })
		if len(t.Inherits) == 0 {
			t.Inherits = nil
		}
		return len(t.Inherits) != n
	}
	return false
}

// addConstraint applies ALTER TABLE ... ADD CONSTRAINT (or an inline
// constraint of ADD COLUMN).
func (r *reader) addConstraint(t *Table, c *pg_query.Constraint, column string, recurse bool) bool {
	switch c.GetContype() {
	case pg_query.ConstrType_CONSTR_PRIMARY, pg_query.ConstrType_CONSTR_UNIQUE:
		if c.GetContype() == pg_query.ConstrType_CONSTR_PRIMARY && len(t.PrimaryKey) > 0 {
			r.warnf("multiple primary keys for table %s", t.Name)
			return false
		}
		if c.GetIndexname() != "" {
			return r.constraintUsingIndex(t, c)
		}
		fallthrough
	case pg_query.ConstrType_CONSTR_EXCLUSION:
		spec, kind := r.constraintIndex(t, c, column)
		if spec == nil {
			return false
		}
		return r.addConstraintIndex(t, spec, kind, recurse)
	case pg_query.ConstrType_CONSTR_FOREIGN:
		return r.addForeignKey(t, c, column)
	}
	return false
}

// constraintUsingIndex applies ADD CONSTRAINT name {PRIMARY KEY | UNIQUE}
// USING INDEX idx: the index now backs the constraint and takes its name.
func (r *reader) constraintUsingIndex(t *Table, c *pg_query.Constraint) bool {
	i := slices.IndexFunc(t.Indexes, func(ix Index) bool { return ix.Name == c.GetIndexname() })
	if i < 0 {
		r.warnf("index %q of relation %s does not exist", c.GetIndexname(), t.Name)
		return false
	}
	ix := &t.Indexes[i]
	if ix.Constraint != "" || !ix.Unique || ix.Predicate != "" {
		r.warnf("index %q cannot back a constraint", ix.Name)
		return false
	}
	for _, k := range ix.Keys {
		if k.Column == "" {
			r.warnf("index %q has expressions: it cannot back a constraint", ix.Name)
			return false
		}
	}
	if name := c.GetConname(); name != "" && name != ix.Name {
		nq := QualifiedName{t.Name.Schema, name}
		if r.nameTaken(nq) {
			r.warnf("relation %s already exists", nq)
			return false
		}
		oq := QualifiedName{t.Name.Schema, ix.Name}
		delete(r.indexes, oq)
		r.indexes[nq] = t.Name
		r.indexStmts[nq] = r.indexStmts[oq]
		delete(r.indexStmts, oq)
		ix.Definition = renameInDefinition(ix.Definition, ix.Name, name)
		ix.Name = name
	}
	ix.Constraint = ConstraintUnique
	if c.GetContype() == pg_query.ConstrType_CONSTR_PRIMARY {
		ix.Constraint = ConstraintPrimaryKey
	}
	r.recordConstraint(t, ix)
	return true
}

// renameInDefinition replaces the index name in its CREATE INDEX text.
func renameInDefinition(def, old, new string) string {
	for _, prefix := range []string{"CREATE UNIQUE INDEX ", "CREATE INDEX "} {
		if rest, ok := strings.CutPrefix(def, prefix+QuoteIdent(old)+" "); ok {
			return prefix + QuoteIdent(new) + " " + rest
		}
	}
	return def
}

func (r *reader) dropConstraint(t *Table, name string) bool {
	if i := slices.IndexFunc(t.Indexes, func(ix Index) bool { return ix.Constraint != "" && ix.Name == name }); i >= 0 {
		r.removeIndex(t, i)
		return true
	}
	if i := slices.IndexFunc(t.ForeignKeys, func(fk ForeignKey) bool { return fk.Name == name }); i >= 0 {
		t.ForeignKeys = slices.Delete(t.ForeignKeys, i, i+1)
		if len(t.ForeignKeys) == 0 {
			t.ForeignKeys = nil
		}
		return true
	}
	// Not found, or a CHECK constraint, which is not tracked.
	return false
}

// removeIndex drops t.Indexes[i] and what its constraint recorded.
func (r *reader) removeIndex(t *Table, i int) {
	ix := t.Indexes[i]
	delete(r.indexes, QualifiedName{t.Name.Schema, ix.Name})
	delete(r.indexStmts, QualifiedName{t.Name.Schema, ix.Name})
	t.Indexes = slices.Delete(t.Indexes, i, i+1)
	if len(t.Indexes) == 0 {
		t.Indexes = nil
	}
	var cols []string
	for _, k := range ix.Keys {
		cols = append(cols, k.Column)
	}
	switch ix.Constraint {
	case ConstraintPrimaryKey:
		t.PrimaryKey = nil
	case ConstraintUnique:
		if j := slices.IndexFunc(t.Uniques, func(u []string) bool { return slices.Equal(u, cols) }); j >= 0 {
			t.Uniques = slices.Delete(t.Uniques, j, j+1)
			if len(t.Uniques) == 0 {
				t.Uniques = nil
			}
		}
	}
}

// dropColumn removes a column and the indexes and constraints on it.
func (r *reader) dropColumn(t *Table, name string, missingOK bool) bool {
	i := slices.IndexFunc(t.Columns, func(c Column) bool { return c.Name == name })
	if i < 0 {
		if !missingOK {
			r.warnf("column %q of relation %s does not exist", name, t.Name)
		}
		return false
	}
	t.Columns = slices.Delete(t.Columns, i, i+1)
	for j := len(t.Indexes) - 1; j >= 0; j-- {
		ix := t.Indexes[j]
		uses := slices.Contains(ix.Include, name)
		for _, k := range ix.Keys {
			if k.Column == name {
				uses = true
			}
		}
		if uses {
			r.removeIndex(t, j)
		}
	}
	t.ForeignKeys = slices.DeleteFunc(t.ForeignKeys, func(fk ForeignKey) bool { return slices.Contains(fk.Columns, name) })
	if len(t.ForeignKeys) == 0 {
		t.ForeignKeys = nil
	}
	return true
}

// ---- views ----

func (r *reader) createView(vs *pg_query.ViewStmt) bool {
	if vs.GetView() == nil {
		return false
	}
	name := r.newName(vs.GetView())
	if old := r.s.Tables[name]; old != nil {
		if !vs.GetReplace() || old.Kind != KindView {
			r.warnf("relation %s already exists", name)
			return false
		}
		old.Columns = r.queryColumns(vs.GetQuery(), nodeStrings(vs.GetAliases()))
		return true
	}
	if r.nameTaken(name) {
		r.warnf("relation %s already exists", name)
		return false
	}
	r.s.Tables[name] = &Table{Name: name, Kind: KindView, Columns: r.queryColumns(vs.GetQuery(), nodeStrings(vs.GetAliases()))}
	return true
}

// createTableAs reads CREATE MATERIALIZED VIEW and CREATE TABLE ... AS.
func (r *reader) createTableAs(ct *pg_query.CreateTableAsStmt) bool {
	into := ct.GetInto()
	if into == nil || into.GetRel() == nil {
		return false
	}
	kind := KindTable
	switch ct.GetObjtype() {
	case pg_query.ObjectType_OBJECT_MATVIEW:
		kind = KindMaterializedView
	case pg_query.ObjectType_OBJECT_TABLE:
	default:
		return false
	}
	name := r.newName(into.GetRel())
	if r.nameTaken(name) {
		if !ct.GetIfNotExists() {
			r.warnf("relation %s already exists", name)
		}
		return false
	}
	r.s.Tables[name] = &Table{Name: name, Kind: kind, Columns: r.queryColumns(ct.GetQuery(), nodeStrings(into.GetColNames()))}
	return true
}

// ---- DROP and RENAME ----

func (r *reader) drop(ds *pg_query.DropStmt) bool {
	used := false
	for _, obj := range ds.GetObjects() {
		parts := nodeStrings(obj.GetList().GetItems())
		if len(parts) == 0 || len(parts) > 3 {
			continue
		}
		name := parts[len(parts)-1]
		schema := ""
		if len(parts) > 1 {
			schema = parts[len(parts)-2]
		}
		q := r.refParts(schema, name)
		switch ds.GetRemoveType() {
		case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_VIEW,
			pg_query.ObjectType_OBJECT_MATVIEW, pg_query.ObjectType_OBJECT_FOREIGN_TABLE:
			t := r.s.Tables[q]
			if t == nil {
				if !ds.GetMissingOk() {
					r.warnf("DROP: relation %s does not exist", q)
				}
				continue
			}
			for _, ix := range t.Indexes {
				delete(r.indexes, QualifiedName{t.Name.Schema, ix.Name})
				delete(r.indexStmts, QualifiedName{t.Name.Schema, ix.Name})
			}
			delete(r.s.Tables, q)
			used = true
		case pg_query.ObjectType_OBJECT_INDEX:
			owner, ok := r.indexes[q]
			t := r.s.Tables[owner]
			if !ok || t == nil {
				if !ds.GetMissingOk() {
					r.warnf("DROP INDEX: index %s does not exist", q)
				}
				continue
			}
			if i := slices.IndexFunc(t.Indexes, func(ix Index) bool { return ix.Name == q.Name }); i >= 0 {
				r.removeIndex(t, i)
				used = true
			}
		}
	}
	return used
}

func (r *reader) rename(rs *pg_query.RenameStmt) bool {
	if rs.GetRelation() == nil || rs.GetNewname() == "" {
		return false
	}
	switch rs.GetRenameType() {
	case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_VIEW,
		pg_query.ObjectType_OBJECT_MATVIEW, pg_query.ObjectType_OBJECT_FOREIGN_TABLE:
		t := r.table(rs.GetRelation())
		if t == nil {
			if !rs.GetMissingOk() {
				r.warnf("RENAME: relation %s does not exist", r.refName(rs.GetRelation()))
			}
			return false
		}
		return r.renameTable(t, rs.GetNewname())
	case pg_query.ObjectType_OBJECT_INDEX:
		q := r.refName(rs.GetRelation())
		owner, ok := r.indexes[q]
		t := r.s.Tables[owner]
		if !ok || t == nil {
			if !rs.GetMissingOk() {
				r.warnf("RENAME: index %s does not exist", q)
			}
			return false
		}
		nq := QualifiedName{q.Schema, rs.GetNewname()}
		if r.nameTaken(nq) {
			r.warnf("relation %s already exists", nq)
			return false
		}
		i := slices.IndexFunc(t.Indexes, func(ix Index) bool { return ix.Name == q.Name })
		if i < 0 {
			return false
		}
		delete(r.indexes, q)
		r.indexes[nq] = t.Name
		r.indexStmts[nq] = r.indexStmts[q]
		delete(r.indexStmts, q)
		t.Indexes[i].Definition = renameInDefinition(t.Indexes[i].Definition, q.Name, nq.Name)
		t.Indexes[i].Name = nq.Name
		return true
	case pg_query.ObjectType_OBJECT_COLUMN:
		t := r.table(rs.GetRelation())
		if t == nil {
			return false
		}
		if t.Column(rs.GetSubname()) == nil || t.Column(rs.GetNewname()) != nil {
			r.warnf("RENAME COLUMN: cannot rename %q of %s", rs.GetSubname(), t.Name)
			return false
		}
		r.renameColumn(t, rs.GetSubname(), rs.GetNewname(), rs.GetRelation().GetInh())
		return true
	}
	return false
}

// renameColumn renames a column and the references to it; recurse renames
// it in the partitions and inheriting tables too.
func (r *reader) renameColumn(t *Table, old, nw string, recurse bool) {
	if recurse && !r.cloning[t.Name] {
		r.cloning[t.Name] = true
		for _, c := range r.children(t) {
			if c.Column(old) != nil && c.Column(nw) == nil && !r.cloning[c.Name] {
				r.renameColumn(c, old, nw, true)
			}
		}
		delete(r.cloning, t.Name)
	}
	if c := t.Column(old); c != nil {
		c.Name = nw
		ren := func(cols []string) {
			for i := range cols {
				if cols[i] == old {
					cols[i] = nw
				}
			}
		}
		ren(t.PrimaryKey)
		for _, u := range t.Uniques {
			ren(u)
		}
		for i := range t.ForeignKeys {
			ren(t.ForeignKeys[i].Columns)
		}
		for i := range t.Indexes {
			ren(t.Indexes[i].Include)
			for j := range t.Indexes[i].Keys {
				if t.Indexes[i].Keys[j].Column == old {
					t.Indexes[i].Keys[j].Column = nw
				}
			}
		}
		for _, ot := range r.s.Tables {
			for i := range ot.ForeignKeys {
				if ot.ForeignKeys[i].RefTable == t.Name {
					ren(ot.ForeignKeys[i].RefColumns)
				}
			}
		}
		for _, ix := range t.Indexes {
			is := r.indexStmts[QualifiedName{t.Name.Schema, ix.Name}]
			for _, p := range append(slices.Clone(is.GetIndexParams()), is.GetIndexIncludingParams()...) {
				if e := p.GetIndexElem(); e != nil && e.Name == old {
					e.Name = nw
				}
			}
		}
		r.redefineIndexes(t)
	}
}

// redefineIndexes deparses the definitions of t's indexes again after a
// rename. (Column names inside expressions are not renamed.)
func (r *reader) redefineIndexes(t *Table) {
	for i := range t.Indexes {
		ix := &t.Indexes[i]
		if is := r.indexStmts[QualifiedName{t.Name.Schema, ix.Name}]; is != nil {
			ix.Definition = r.indexDefinition(is, t, ix.Name, ix.Method)
		}
	}
}

func (r *reader) renameTable(t *Table, newName string) bool {
	old := t.Name
	nq := QualifiedName{old.Schema, newName}
	if r.nameTaken(nq) {
		r.warnf("relation %s already exists", nq)
		return false
	}
	delete(r.s.Tables, old)
	t.Name = nq
	r.s.Tables[nq] = t
	for i := range t.Indexes {
		t.Indexes[i].Table = nq
		r.indexes[QualifiedName{nq.Schema, t.Indexes[i].Name}] = nq
	}
	r.redefineIndexes(t)
	for _, ot := range r.s.Tables {
		for i := range ot.ForeignKeys {
			if ot.ForeignKeys[i].RefTable == old {
				ot.ForeignKeys[i].RefTable = nq
			}
		}
		if ot.PartitionOf != nil && *ot.PartitionOf == old {
			ot.PartitionOf = &nq
		}
		for i := range ot.Inherits {
			if ot.Inherits[i] == old {
				ot.Inherits[i] = nq
			}
		}
	}
	return true
}

// ---- the end ----

// finish resolves what needs the whole file: columns that partitions and
// inheriting tables get from their parents, and foreign keys that
// reference a primary key without naming its columns.
func (r *reader) finish() {
	done := make(map[QualifiedName]bool)
	for _, t := range r.s.SortedTables() {
		r.inheritColumns(t, done, 0)
	}
	for _, t := range r.s.Tables {
		for i := range t.ForeignKeys {
			fk := &t.ForeignKeys[i]
			if len(fk.RefColumns) > 0 {
				continue
			}
			if ref := r.s.Tables[fk.RefTable]; ref != nil && len(ref.PrimaryKey) > 0 {
				fk.RefColumns = slices.Clone(ref.PrimaryKey)
			}
		}
	}
}

// inheritColumns gives t its parents' columns: those t does not restate
// come first, in the parents' order; restated ones take the parent's NOT
// NULL, and its type and default when t gave no type.
func (r *reader) inheritColumns(t *Table, done map[QualifiedName]bool, depth int) {
	if done[t.Name] || depth > 100 {
		return
	}
	done[t.Name] = true
	var parents []*Table
	if t.PartitionOf != nil {
		if p := r.s.Tables[*t.PartitionOf]; p != nil && p != t {
			parents = append(parents, p)
		}
	}
	for _, q := range t.Inherits {
		if p := r.s.Tables[q]; p != nil && p != t {
			parents = append(parents, p)
		}
	}
	var inherited []Column
	for _, p := range parents {
		r.inheritColumns(p, done, depth+1)
		for _, pc := range p.Columns {
			if c := t.Column(pc.Name); c != nil {
				if c.Type == "" {
					// Restated only to add constraints (PARTITION OF
					// parent (col NOT NULL, ...)): the rest is the parent's.
					c.Type = pc.Type
					if c.Default == "" {
						c.Default = pc.Default
					}
				}
				c.NotNull = c.NotNull || pc.NotNull
				continue
			}
			if slices.ContainsFunc(inherited, func(c Column) bool { return c.Name == pc.Name }) {
				continue
			}
			nc := pc
			nc.Identity = ""
			inherited = append(inherited, nc)
		}
	}
	if len(inherited) > 0 {
		t.Columns = append(inherited, t.Columns...)
	}
}
