package analyzer

import (
	"time"

	"github.com/pgadvise/pgadvise/catalog"
)

// StatementKind is what a statement does.
type StatementKind string

// Statement kinds.
const (
	KindSelect  StatementKind = "select"
	KindInsert  StatementKind = "insert"
	KindUpdate  StatementKind = "update"
	KindDelete  StatementKind = "delete"
	KindMerge   StatementKind = "merge"
	KindCopy    StatementKind = "copy"    // COPY ... FROM (a write); COPY ... TO is a read
	KindUtility StatementKind = "utility" // SET, BEGIN, DDL, ...: no table access to advise on
)

// Op is the kind of a predicate on a column, named for what an index can do with it.
type Op string

// Predicate operators.
const (
	OpEq           Op = "eq"             // =
	OpNotEq        Op = "neq"            // <>, !=  (no index helps; recorded for completeness)
	OpIn           Op = "in"             // IN (...), = ANY($1)
	OpRange        Op = "range"          // <, <=, >, >=
	OpBetween      Op = "between"        // BETWEEN
	OpIsNull       Op = "is_null"        // IS NULL
	OpIsNotNull    Op = "is_not_null"    // IS NOT NULL
	OpLikePrefix   Op = "like_prefix"    // LIKE 'abc%' (btree with text_pattern_ops or C collation)
	OpLike         Op = "like"           // LIKE/ILIKE/regex without a fixed prefix (trigram territory)
	OpJSONContain  Op = "json_contains"  // jsonb @>, <@
	OpJSONExists   Op = "json_exists"    // jsonb ?, ?|, ?&
	OpArrayOverlap Op = "array_overlap"  // &&
	OpArrayContain Op = "array_contains" // array @>, <@ (when the column is known to be an array)
	OpFullText     Op = "fulltext"       // @@
	OpOther        Op = "other"          // any other operator
)

// ColumnRef identifies a column of a table, or an expression over columns of one table.
type ColumnRef struct {
	// Column is the column name; empty when Expr is set.
	Column string `json:"column,omitempty"`
	// Expr is the deparsed expression (`lower(email)`) when the query applies a
	// function or operator to the column; Columns then lists the columns it uses.
	Expr    string   `json:"expr,omitempty"`
	Columns []string `json:"columns,omitempty"`
}

// Key is a stable string for the column or expression.
func (c ColumnRef) Key() string {
	if c.Expr != "" {
		return c.Expr
	}
	return c.Column
}

// Predicate is one condition of a WHERE, ON or HAVING clause on one table.
type Predicate struct {
	Target ColumnRef `json:"target"`
	Op     Op        `json:"op"`
	// Operator is the SQL operator as written ("=", ">=", "@>", "~~").
	Operator string `json:"operator,omitempty"`
	// Value is the constant compared against, deparsed (`'pending'`, `42`,
	// `NULL`), when the query gives a constant rather than a parameter or an
	// expression. Needed to propose partial indexes.
	Value string `json:"value,omitempty"`
	// Param is set when the value is a $n parameter (so it varies per call).
	Param bool `json:"param,omitempty"`
	// Negated is set under NOT.
	Negated bool `json:"negated,omitempty"`
	// InOr is set when the predicate sits under an OR, where an index on it
	// alone cannot serve the query (a BitmapOr might).
	InOr bool `json:"in_or,omitempty"`

	// Sample is what the sample execution compared against where Value is
	// not a fixed condition (it varied between executions, or came as $n
	// parameters): a representative value, as SQL literals like Value, to
	// estimate how many rows a range keeps from the column's histogram.
	// Logged data, so never serialized.
	Sample string `json:"-"`
	// FromNow is set for a value relative to the statement's time: the
	// offset of now() - interval '30 days' (-720h), months counted as 30
	// days. A retention DELETE's window, a dashboard's recent rows.
	FromNow *time.Duration `json:"-"`

	// lits are the ordinals, among the sample text's constants, of the
	// constants that make up Value: the analyzer clears Value when another
	// execution of the shape carried a different one. params are the
	// numbers of the $n parameters that make it up, in order.
	lits   []int
	params []int
}

// Join is an equality between a column of this table and one of another.
type Join struct {
	Column      string                `json:"column"`
	Other       catalog.QualifiedName `json:"other"`
	OtherColumn string                `json:"other_column"`
}

// SortKey is one key of an ORDER BY that falls on this table.
type SortKey struct {
	Target     ColumnRef `json:"target"`
	Desc       bool      `json:"desc,omitempty"`
	NullsFirst *bool     `json:"nulls_first,omitempty"`
}

// Aggregate is an aggregate call over a column of this table (`sum(total)`),
// or count(*) with an empty Target.
type Aggregate struct {
	Func     string    `json:"func"`
	Target   ColumnRef `json:"target"`
	Distinct bool      `json:"distinct,omitempty"`
}

// TableAccess is everything one statement does with one table.
type TableAccess struct {
	Table catalog.QualifiedName `json:"table"`
	// Known reports whether the table is in the schema (false when no schema
	// was given, or the query names a table the schema lacks).
	Known bool `json:"known"`

	Read       bool          `json:"read,omitempty"`
	Write      StatementKind `json:"write,omitempty"` // insert, update, delete, merge, copy; "" for a pure read
	Predicates []Predicate   `json:"predicates,omitempty"`
	Joins      []Join        `json:"joins,omitempty"`
	GroupBy    []ColumnRef   `json:"group_by,omitempty"`
	// OrderBy is set only when every ORDER BY key of the query block falls on
	// this table, so that an index on this table could deliver the order.
	OrderBy []SortKey `json:"order_by,omitempty"`
	// Limit is the LIMIT of the query block when it is a constant or parameter
	// (-1 for a parameter), 0 when absent.
	Limit      int64       `json:"limit,omitempty"`
	Projected  []string    `json:"projected,omitempty"` // columns read out (SELECT list, RETURNING); "*" for all
	Aggregates []Aggregate `json:"aggregates,omitempty"`
	// Compared are columns a condition compares with another column
	// (l_commitdate < l_receiptdate, or a join other than by equality): no
	// index finds rows by them, but every row read must carry them.
	Compared []string `json:"compared,omitempty"`
	// Inequalities counts the conditions ANDed in the WHERE that compare
	// two columns of this table by <, <=, > or >= (l_commitdate <
	// l_receiptdate): the planner keeps a third of the rows for each
	// (DEFAULT_INEQ_SEL).
	Inequalities int `json:"inequalities,omitempty"`
	// SetColumns are the columns an UPDATE (or INSERT ... ON CONFLICT DO UPDATE) sets.
	SetColumns []string `json:"set_columns,omitempty"`
	// InsertColumns are the columns an INSERT or COPY names (empty: all).
	InsertColumns []string `json:"insert_columns,omitempty"`
	// ConflictColumns are the ON CONFLICT target columns of an INSERT.
	ConflictColumns []string `json:"conflict_columns,omitempty"`
	// Semi is set when the table is read by an EXISTS or IN (subquery): a
	// semi-join, whose probes stop at the first matching row.
	Semi bool `json:"semi,omitempty"`
}
