// Package analyzer turns captured statements into query shapes and per-table
// access profiles.
//
// Statements are grouped by pg_query fingerprint: all executions of one query
// shape, whatever their literal values, become one QueryShape with its call
// count and timings. Each shape is parsed once and its syntax tree walked into
// TableAccess records (which columns are filtered, joined, grouped, sorted,
// read and written, and how); the accesses of all shapes, weighted by calls
// and time, add up to one TableProfile per table.
package analyzer

import (
	"errors"
	"fmt"
	"sort"

	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// Reasons the analyzer skips a statement. They join capture's reasons in
// skipped_by_reason.
const (
	ReasonParseError capture.Reason = "parse_error" // the PostgreSQL parser rejects the text
)

// QueryShape is one distinct statement shape and what the workload did with it.
type QueryShape struct {
	// Fingerprint is pg_query's fingerprint of the statement, as 16 hex digits.
	Fingerprint string
	// Query is the normalized text: constants replaced by $n.
	Query string
	// Kind is what the statement does.
	Kind StatementKind
	// Calls counts executions; TimedCalls those whose duration is known.
	Calls, TimedCalls int64
	// TotalMS and MaxMS are over the timed calls.
	TotalMS, MaxMS float64
	// Rows is the rows returned or affected, where the input says (pg_stat_statements).
	Rows int64
	// SampleQuery is the text of the first execution seen, with its real
	// values; SampleParams its bind parameters, if any. They can hold
	// customer data: reports show them only when asked.
	SampleQuery  string
	SampleParams []string
	// Access lists each table reference of the statement, in query order.
	Access []*TableAccess
	// Unresolved counts column references the walk could not attribute to a
	// table (ambiguous without a schema, or unknown).
	Unresolved int
}

// MeanMS is the mean duration of the timed calls, or 0.
func (q *QueryShape) MeanMS() float64 {
	if q.TimedCalls == 0 {
		return 0
	}
	return q.TotalMS / float64(q.TimedCalls)
}

// Tables lists the distinct tables the shape touches, sorted.
func (q *QueryShape) Tables() []catalog.QualifiedName {
	seen := map[catalog.QualifiedName]bool{}
	var out []catalog.QualifiedName
	for _, a := range q.Access {
		if !seen[a.Table] {
			seen[a.Table] = true
			out = append(out, a.Table)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// Workload is the analyzer's result.
type Workload struct {
	// Statements counts the executions analyzed (sum of calls), Records the
	// records read (a pg_stat_statements row is one record of many calls).
	Statements, Records int64
	// Shapes, by total time, then calls, then fingerprint.
	Shapes []*QueryShape
	// Tables, by name.
	Tables []*TableProfile
	// Skipped holds the statements the analyzer could not use, by reason
	// (counted in records), with where the first few were.
	Skipped map[capture.Reason]*Skips
	// SchemaKnown reports whether a schema was given; without one, tables and
	// columns are inferred from the queries.
	SchemaKnown bool
}

// Analyzer accumulates statements. It is not safe for concurrent use.
type Analyzer struct {
	schema *catalog.Schema
	// byKey maps a shape key to its shape (nil for texts the parser rejects).
	byKey map[string]*QueryShape
	// byFingerprint holds every shape once.
	byFingerprint map[string]*QueryShape
	keyBuf        []byte
	statements    int64
	records       int64
	skipped       map[capture.Reason]*Skips
	source        string
}

// Skips counts skipped statements of one reason.
type Skips struct {
	Count int64
	// Where holds "input:line" of the first few (capture.MaxExampleLines).
	Where []string
}

// SetSource names the input that the next statements come from, for the
// locations of skipped statements.
func (a *Analyzer) SetSource(name string) { a.source = name }

func (a *Analyzer) skip(reason capture.Reason, line int64) {
	if a.skipped == nil {
		a.skipped = make(map[capture.Reason]*Skips)
	}
	s := a.skipped[reason]
	if s == nil {
		s = &Skips{}
		a.skipped[reason] = s
	}
	s.Count++
	if len(s.Where) < capture.MaxExampleLines {
		s.Where = append(s.Where, fmt.Sprintf("%s:%d", a.source, line))
	}
}

// New returns an Analyzer that resolves tables and columns against schema,
// which may be nil.
func New(schema *catalog.Schema) *Analyzer {
	return &Analyzer{
		schema:        schema,
		byKey:         make(map[string]*QueryShape),
		byFingerprint: make(map[string]*QueryShape),
	}
}

// Add records one captured statement. It copies what it keeps.
func (a *Analyzer) Add(st *capture.Statement) {
	a.keyBuf = appendShapeKey(a.keyBuf[:0], st.Query)
	shape, seen := a.byKey[string(a.keyBuf)] // no allocation for the lookup
	if !seen {
		shape = a.newShape(string(st.Query))
		a.byKey[string(a.keyBuf)] = shape
	}
	a.records++
	if shape == nil {
		a.skip(ReasonParseError, st.Line)
		return
	}
	a.statements += st.Calls
	shape.Calls += st.Calls
	if st.Timed {
		shape.TimedCalls += st.Calls
		shape.TotalMS += st.TotalMS
		if st.MaxMS > shape.MaxMS {
			shape.MaxMS = st.MaxMS
		}
	}
	shape.Rows += st.Rows
	if shape.SampleQuery == "" {
		shape.SampleQuery = string(st.Query)
		if st.Params != nil {
			shape.SampleParams = capture.ParseParams(st.Params)
		}
	}
}

// newShape fingerprints text and returns its shape, creating and walking it
// the first time the fingerprint is seen. It returns nil when the parser
// rejects the text.
func (a *Analyzer) newShape(text string) *QueryShape {
	fp, err := pg_query.Fingerprint(text)
	if err != nil {
		return nil
	}
	if s := a.byFingerprint[fp]; s != nil {
		return s
	}
	tree, err := pg_query.Parse(text)
	if err != nil {
		return nil
	}
	norm, err := pg_query.Normalize(text)
	if err != nil {
		norm = text
	}
	s := &QueryShape{Fingerprint: fp, Query: norm}
	w := newWalker(a.schema)
	s.Kind = w.statements(tree)
	s.Access = w.accesses
	s.Unresolved = w.unresolved
	a.byFingerprint[fp] = s
	return s
}

// Result returns the workload seen so far. The Analyzer can go on adding.
func (a *Analyzer) Result() *Workload {
	w := &Workload{
		Statements:  a.statements,
		Records:     a.records,
		Skipped:     a.skipped,
		SchemaKnown: a.schema != nil,
	}
	for _, s := range a.byFingerprint {
		if s.Calls > 0 {
			w.Shapes = append(w.Shapes, s)
		}
	}
	sort.Slice(w.Shapes, func(i, j int) bool {
		x, y := w.Shapes[i], w.Shapes[j]
		if x.TotalMS != y.TotalMS {
			return x.TotalMS > y.TotalMS
		}
		if x.Calls != y.Calls {
			return x.Calls > y.Calls
		}
		return x.Fingerprint < y.Fingerprint
	})
	w.Tables = buildProfiles(w.Shapes, a.schema)
	return w
}

// ErrNoStatements is returned by callers that find nothing to analyze.
var ErrNoStatements = errors.New("no statements found in the input")
