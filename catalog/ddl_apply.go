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
