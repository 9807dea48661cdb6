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
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

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
	// OtherSamples holds up to MaxOtherSamples later executions whose text
	// or parameters differ from the sample's and from each other (other
	// values), in the order seen, for measuring a query at more than one
	// set of values (analyze --verify=execute). Customer data, like the
	// sample: never in a report.
	OtherSamples []Sample
	// Access lists each table reference of the statement, in query order.
	Access []*TableAccess
	// Unresolved counts column references the walk could not attribute to a
	// table (ambiguous without a schema, or unknown).
	Unresolved int
	// Aggregate describes an aggregate SELECT for summary tables; nil for
	// other statements.
	Aggregate *AggregateQuery

	// literalVaries records, per constant of SampleQuery (in text order),
	// whether another execution carried a different value there; allVary
	// says that executions could not be compared position by position.
	literalVaries []bool
	allVary       bool
	sampleLits    [][]byte
	// sampleParamsRaw is the sample's parameter text as logged, to tell
	// another execution's values from it without parsing them.
	sampleParamsRaw []byte
}

// markVaried records that constant i of the sample varied (-1: all of them).
func (q *QueryShape) markVaried(i int) {
	if i < 0 || i >= len(q.literalVaries) {
		q.allVary = true
		return
	}
	q.literalVaries[i] = true
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
	// byKey maps a shape key to its shape (nil shape: the parser rejects
	// the text), with the constants of the key's first text.
	byKey map[string]*keyEntry
	spans []literalSpan
	// byFingerprint holds every shape once.
	byFingerprint map[string]*QueryShape
	keyBuf        []byte
	statements    int64
	records       int64
	skipped       map[capture.Reason]*Skips
	source        string
	// parsers parse new shape keys on the other cores; pending holds the
	// records read since the oldest key still being parsed, to be counted
	// in the order read (parallel.go).
	parsers      *parsers
	pending      []pendingRecord
	pendingBytes int
}

// Skips counts skipped statements of one reason.
type Skips struct {
	Count int64
	// Where holds "input:line" of the first few (capture.MaxExampleLines).
	Where []string
}

// SetSource names the input that the next statements come from, for the
// locations of skipped statements.
func (a *Analyzer) SetSource(name string) {
	a.drain(true)
	a.source = name
}

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
		byKey:         make(map[string]*keyEntry),
		byFingerprint: make(map[string]*QueryShape),
		parsers:       newParsers(),
	}
}

// keyEntry is what the analyzer keeps per shape key.
type keyEntry struct {
	// job is the parse of the key's first text until the record that
	// made the entry is counted (resolve); shape is set from then on.
	job   *parseJob
	shape *QueryShape
	// first holds the constants of the key's first text; sameLayout says
	// they line up with the shape's sample constants.
	first      [][]byte
	sameLayout bool
}

// Add records one captured statement. It copies what it keeps.
//
// The text of a new shape key is parsed on another goroutine while the
// records that follow are read; they are counted once it is done, in the
// order read, so that the result is the same as parsing it at once.
func (a *Analyzer) Add(st *capture.Statement) {
	a.spans = a.spans[:0]
	a.keyBuf = scanShape(a.keyBuf[:0], st.Query, &a.spans)
	entry, seen := a.byKey[string(a.keyBuf)] // no allocation for the lookup
	if !seen && capture.TooDeep(st.Query) {
		// Capture skips these; a statement from elsewhere is held to
		// the same bound before the parser sees it.
		a.records++
		a.skip(capture.ReasonTooDeep, st.Line)
		return
	}
	if !seen {
		entry = a.newEntry(st.Query)
		a.byKey[string(a.keyBuf)] = entry
	}
	if len(a.pending) == 0 && entry.job == nil {
		a.record(entry, st, a.spans)
		return
	}
	a.hold(entry, st)
}

// record counts one statement of entry's key; spans are its constants.
// The first record of a key resolves the key's parse.
func (a *Analyzer) record(entry *keyEntry, st *capture.Statement, spans []literalSpan) {
	if entry.job != nil {
		a.resolve(entry)
	} else if entry.shape != nil && !entry.shape.allVary {
		entry.compare(st.Query, spans)
	}
	a.records++
	shape := entry.shape
	if shape == nil {
		a.skip(ReasonParseError, st.Line)
		return
	}
	a.statements = addCount(a.statements, st.Calls)
	shape.Calls = addCount(shape.Calls, st.Calls)
	if st.Timed {
		shape.TimedCalls = addCount(shape.TimedCalls, st.Calls)
		shape.TotalMS = addMS(shape.TotalMS, st.TotalMS)
		if st.MaxMS > shape.MaxMS {
			shape.MaxMS = st.MaxMS
		}
	}
	shape.Rows = addCount(shape.Rows, st.Rows)
	if shape.SampleQuery == "" {
		shape.SampleQuery = string(st.Query)
		if st.Params != nil {
			shape.SampleParams = capture.ParseParams(st.Params)
			shape.sampleParamsRaw = bytes.Clone(st.Params)
		}
	} else if len(shape.OtherSamples) < MaxOtherSamples {
		shape.addSample(st)
	}
}

// MaxOtherSamples is how many executions besides the sample a shape keeps.
const MaxOtherSamples = 2

// Sample is one logged execution of a shape: its text and its bind
// parameters as SQL literals (capture.ParseParams).
type Sample struct {
	Query  string
	Params []string
	// raw is the parameter text as logged.
	raw []byte
}

// addSample keeps st as another sample if its values are new.
func (q *QueryShape) addSample(st *capture.Statement) {
	if string(st.Query) == q.SampleQuery && bytes.Equal(st.Params, q.sampleParamsRaw) {
		return
	}
	for _, o := range q.OtherSamples {
		if string(st.Query) == o.Query && bytes.Equal(st.Params, o.raw) {
			return
		}
	}
	o := Sample{Query: string(st.Query)}
	if st.Params != nil {
		o.Params, o.raw = capture.ParseParams(st.Params), bytes.Clone(st.Params)
	}
	q.OtherSamples = append(q.OtherSamples, o)
}

// newEntry makes the entry of a new shape key, with its constants, and
// starts parsing its text (resolve finishes it).
func (a *Analyzer) newEntry(q []byte) *keyEntry {
	e := &keyEntry{first: make([][]byte, len(a.spans))}
	for i, sp := range a.spans {
		e.first[i] = bytes.Clone(q[sp.start:sp.end])
	}
	e.job = a.parsers.start(a.schema, string(q), a.spans)
	return e
}

// resolve waits for the parse of e's key and sets its shape: the shape of
// its fingerprint, created if it is the first text of it.
func (a *Analyzer) resolve(e *keyEntry) {
	j := e.job
	<-j.done
	e.job = nil
	e.shape = a.shapeOf(j, e.first)
	if s := e.shape; s != nil {
		e.sameLayout = len(e.first) == len(s.sampleLits)
		if !e.sameLayout {
			s.markVaried(-1)
		}
		for i := range e.first {
			if e.sameLayout && !bytes.Equal(e.first[i], s.sampleLits[i]) {
				s.markVaried(i)
			}
		}
	}
}

// compare marks the constants of q that differ from the key's first text.
func (e *keyEntry) compare(q []byte, spans []literalSpan) {
	if len(spans) != len(e.first) {
		e.shape.markVaried(-1) // an IN list of another length
		return
	}
	for i, sp := range spans {
		if !bytes.Equal(q[sp.start:sp.end], e.first[i]) {
			if !e.sameLayout {
				e.shape.markVaried(-1)
				return
			}
			e.shape.markVaried(i)
		}
	}
}

// shapeOf returns the shape of a parsed key text, whose constants are lits,
// creating it the first time the fingerprint is seen. It returns nil when
// the parser rejects the text.
func (a *Analyzer) shapeOf(j *parseJob, lits [][]byte) *QueryShape {
	if j.fingerprint == "" {
		return nil
	}
	if s := a.byFingerprint[j.fingerprint]; s != nil {
		return s
	}
	s := j.shape
	if j.deferred {
		// An earlier key of the fingerprint was to make its shape, and
		// the parser rejected it: this text is tried in turn.
		s = walkShape(a.schema, j.text, j.fingerprint, j.spans)
	}
	if s == nil {
		return nil
	}
	s.sampleLits, s.literalVaries = lits, make([]bool, len(lits))
	a.byFingerprint[j.fingerprint] = s
	return s
}

// walkShape parses text, whose fingerprint is fp and constants spans, and
// walks it into a new shape; nil when the parser rejects it. It reads the
// schema only: parses run on several goroutines.
func walkShape(schema *catalog.Schema, text, fp string, spans []literalSpan) *QueryShape {
	tree, err := pg_query.Parse(text)
	if err != nil {
		return nil
	}
	norm, err := pg_query.Normalize(text)
	if err != nil {
		norm = text
	}
	s := &QueryShape{Fingerprint: fp, Query: norm}
	w := newWalker(schema)
	w.literalAt = make(map[int32]int, len(spans))
	for i, sp := range spans {
		w.literalAt[int32(sp.start)] = i
	}
	s.Kind = w.statements(tree)
	s.Access = w.accesses
	s.Unresolved = w.unresolved
	s.Aggregate = aggregateQuery(tree)
	return s
}

// settleConstants turns the constants that varied between executions into
// what they are to an index: a value supplied per call, like a parameter.
// Only a constant every execution carried (status = 'pending' written into
// the query) is a fixed condition, the stuff of partial indexes. The sample
// execution's value is kept as the predicate's Sample, as are the values
// bound to its parameters.
func (q *QueryShape) settleConstants() {
	for _, acc := range q.Access {
		for i := range acc.Predicates {
			p := &acc.Predicates[i]
			if p.Sample == "" && len(p.params) > 0 {
				p.Sample = q.boundValue(p.params)
			}
			if p.Value == "" || p.Value == "NULL" {
				continue
			}
			varied := q.allVary
			for _, l := range p.lits {
				if l < len(q.literalVaries) && q.literalVaries[l] {
					varied = true
				}
			}
			if varied {
				p.Sample = p.Value
				p.Value, p.Param = "", true
			}
		}
	}
}

// boundValue writes the sample's values of parameters ns the way Value
// writes constants: one value, or a list "(a, b)"; "" when one is unknown.
func (q *QueryShape) boundValue(ns []int) string {
	var vals []string
	for _, n := range ns {
		if n < 1 || n > len(q.SampleParams) || q.SampleParams[n-1] == "NULL" {
			return ""
		}
		vals = append(vals, q.SampleParams[n-1])
	}
	if len(vals) == 1 {
		return vals[0]
	}
	return "(" + strings.Join(vals, ", ") + ")"
}

// Result returns the workload seen so far. The Analyzer can go on adding.
func (a *Analyzer) Result() *Workload {
	a.drain(true)
	w := &Workload{
		Statements:  a.statements,
		Records:     a.records,
		Skipped:     a.skipped,
		SchemaKnown: a.schema != nil,
	}
	for _, s := range a.byFingerprint {
		if s.Calls > 0 {
			s.settleConstants()
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
