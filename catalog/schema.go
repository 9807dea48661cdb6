// Package catalog knows the database's schema: tables, columns, constraints,
// existing indexes and partitioning, with their planner statistics where
// known. It reads them from DDL as pg_dump -s prints it (ParseDDL,
// ReadDDLFile), from a live database in a read-only transaction (ReadLive),
// or from a JSON snapshot of one (ReadSnapshot, WriteSnapshot).
package catalog

import (
	"sort"
	"strings"
)

// QualifiedName is a schema-qualified relation name, both parts unquoted and
// as PostgreSQL stores them (unquoted identifiers folded to lower case).
type QualifiedName struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
}

// String renders the name as schema.name, quoting each part only where
// PostgreSQL would need it.
func (q QualifiedName) String() string {
	return QuoteIdent(q.Schema) + "." + QuoteIdent(q.Name)
}

// ParseQualifiedName reads a name as String writes it: schema.name, each
// part plain or double-quoted ("" for a quote). A name without a schema
// has Schema "".
func ParseQualifiedName(s string) QualifiedName {
	var parts []string
	var b strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' && quoted && i+1 < len(s) && s[i+1] == '"':
			b.WriteByte('"')
			i++
		case c == '"':
			quoted = !quoted
		case c == '.' && !quoted && len(parts) == 0:
			parts = append(parts, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	if len(parts) == 0 {
		return QualifiedName{Name: b.String()}
	}
	return QualifiedName{Schema: parts[0], Name: b.String()}
}

// Schema is the set of relations pgadvise knows about.
type Schema struct {
	// Tables by QualifiedName.
	Tables map[QualifiedName]*Table
}

// NewSchema returns an empty schema.
func NewSchema() *Schema { return &Schema{Tables: make(map[QualifiedName]*Table)} }

// Lookup finds a relation by name as a query names it. An empty schema part
// means the search path: "public" first, then the only schema that has a
// relation of that name. It returns nil when there is none or it is ambiguous.
func (s *Schema) Lookup(schema, name string) *Table {
	if s == nil {
		return nil
	}
	if schema != "" {
		return s.Tables[QualifiedName{schema, name}]
	}
	if t := s.Tables[QualifiedName{"public", name}]; t != nil {
		return t
	}
	var found *Table
	for q, t := range s.Tables {
		if q.Name == name {
			if found != nil {
				return nil
			}
			found = t
		}
	}
	return found
}

// SortedTables returns the tables ordered by name, for deterministic output.
func (s *Schema) SortedTables() []*Table {
	if s == nil {
		return nil
	}
	out := make([]*Table, 0, len(s.Tables))
	for _, t := range s.Tables {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name.String() < out[j].Name.String() })
	return out
}

// RelKind is the kind of a relation.
type RelKind string

// Relation kinds.
const (
	KindTable            RelKind = "table"
	KindPartitionedTable RelKind = "partitioned_table"
	KindView             RelKind = "view"
	KindMaterializedView RelKind = "materialized_view"
	KindForeignTable     RelKind = "foreign_table"
)

// Table is a table, partitioned table, view, materialized view or foreign
// table.
type Table struct {
	Name    QualifiedName `json:"name"`
	Kind    RelKind       `json:"kind"`
	Columns []Column      `json:"columns"`
	// PrimaryKey lists the primary key's columns, in order; empty if none.
	PrimaryKey []string `json:"primary_key,omitempty"`
	// Uniques lists the column sets of UNIQUE constraints (not unique indexes:
	// those are in Indexes with Unique set).
	Uniques     [][]string   `json:"uniques,omitempty"`
	ForeignKeys []ForeignKey `json:"foreign_keys,omitempty"`
	// Indexes holds every index on the table, including those that back
	// primary key, unique and exclusion constraints.
	Indexes []Index `json:"indexes,omitempty"`
	// PartitionBy is set on a partitioned table.
	PartitionBy *PartitionSpec `json:"partition_by,omitempty"`
	// PartitionOf names the parent when this table is a partition.
	PartitionOf *QualifiedName `json:"partition_of,omitempty"`
	// PartitionBound is the partition's bound as written (FOR VALUES ...).
	PartitionBound string `json:"partition_bound,omitempty"`
	// Stats holds the table's statistics when a live database or a snapshot
	// gave them; nil when the schema came from DDL alone.
	Stats *TableStats `json:"stats,omitempty"`
	// Inherits names the parents of a table created with INHERITS (...).
	Inherits []QualifiedName `json:"inherits,omitempty"`
}

// Column returns the named column, or nil.
func (t *Table) Column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// Column is a table column.
type Column struct {
	Name    string `json:"name"`
	Type    string `json:"type"` // as format_type prints it: "bigint", "character varying(255)", "timestamp with time zone"
	NotNull bool   `json:"not_null,omitempty"`
	Default string `json:"default,omitempty"`
	// Identity is "always" or "by_default" for an identity column
	// (GENERATED ... AS IDENTITY), else "".
	Identity string `json:"identity,omitempty"`
	// Stats holds pg_stats' figures for the column, or nil.
	Stats *ColumnStats `json:"stats,omitempty"`
}

// ForeignKey is a FOREIGN KEY constraint.
type ForeignKey struct {
	Name       string        `json:"name"`
	Columns    []string      `json:"columns"`
	RefTable   QualifiedName `json:"ref_table"`
	RefColumns []string      `json:"ref_columns"`
}

// Index is an existing index.
type Index struct {
	Name   string        `json:"name"`
	Table  QualifiedName `json:"table"`
	Method string        `json:"method"` // btree, hash, gin, gist, brin, spgist, ...
	Unique bool          `json:"unique,omitempty"`
	// Constraint is "primary_key", "unique" or "exclusion" when the index
	// backs a constraint (and so must never be dropped on its own), else "".
	Constraint string     `json:"constraint,omitempty"`
	Keys       []IndexKey `json:"keys"`
	// Include lists the INCLUDE columns.
	Include []string `json:"include,omitempty"`
	// Predicate is the partial index's WHERE clause, deparsed, or "".
	Predicate string `json:"predicate,omitempty"`
	// Definition is the CREATE INDEX statement, deparsed.
	Definition string `json:"definition,omitempty"`
	// Stats holds pg_stat_user_indexes' figures for the index, or nil.
	Stats *IndexStats `json:"stats,omitempty"`
}

// Constraint kinds an index can back.
const (
	ConstraintPrimaryKey = "primary_key"
	ConstraintUnique     = "unique"
	ConstraintExclusion  = "exclusion"
)

// IndexKey is one key of an index: a column or an expression.
type IndexKey struct {
	Column     string `json:"column,omitempty"`     // set for a plain column key
	Expression string `json:"expression,omitempty"` // deparsed, set for an expression key
	Desc       bool   `json:"desc,omitempty"`
	NullsFirst *bool  `json:"nulls_first,omitempty"` // nil: the default for the direction
	Opclass    string `json:"opclass,omitempty"`
}

// PartitionSpec is a PARTITION BY clause.
type PartitionSpec struct {
	Strategy string   `json:"strategy"` // range, list, hash
	Keys     []string `json:"keys"`     // column names or deparsed expressions
}

// QuoteIdent quotes an identifier the way PostgreSQL's quote_ident does: only
// when it is not a plain lower-case identifier.
func QuoteIdent(s string) string {
	if s == "" {
		return `""`
	}
	// Like quote_identifier: safe only if it starts with a lower-case letter
	// or underscore and goes on with those or digits ('$' is quoted too).
	plain := true
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r == '_':
		case r >= '0' && r <= '9':
			if i == 0 {
				plain = false
			}
		default:
			plain = false
		}
	}
	if plain && !isReservedKeyword(s) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
