package catalog

import (
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

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
