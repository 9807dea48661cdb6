package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// SnapshotVersion is the version of the snapshot format WriteSnapshot
// writes and ReadSnapshot reads. It changes only when a field changes
// meaning or goes away; new fields may appear within a version.
const SnapshotVersion = 1

// Snapshot is a database's schema, statistics and (optionally) workload at
// one moment, for pgadvise to advise on without a connection (in CI, or on
// a laptop from a production snapshot). It holds no connection string,
// host, user or password: only the database's name.
//
// Beware: Column.Stats.MostCommon and HistogramBounds hold real values of
// the data (pg_stats), and the workload's utility statements may too; take
// the snapshot with values dropped (DropValues) before sharing it where
// the data may not go.
type Snapshot struct {
	Version int `json:"version"`
	// TakenAt is the server's clock when the snapshot was read.
	TakenAt time.Time `json:"taken_at"`
	// ServerVersion is the server's version string, e.g. "15.18".
	ServerVersion string `json:"server_version"`
	// Database is the database's name.
	Database string `json:"database"`
	// StatsReset is when the database's activity counters were last reset
	// (pg_stat_database.stats_reset): Index.Stats.Scans and the n_tup_*
	// counters count from then. Nil: never reset.
	StatsReset *time.Time `json:"stats_reset"`
	// ServerStart is the server's start (pg_postmaster_start_time()), nil
	// when unknown (a snapshot of an older pgadvise).
	ServerStart *time.Time `json:"server_start,omitempty"`
	// InRecovery reports a snapshot of a standby: its counters count only
	// the reads it served.
	InRecovery bool `json:"in_recovery,omitempty"`
	// Schema holds the tables with their statistics.
	Schema *Schema `json:"-"`
	// Workload is pg_stat_statements at TakenAt, when it was asked for.
	Workload []SnapshotStatement `json:"-"`
	// WorkloadSince is pg_stat_statements_info.stats_reset (PG 14+): the
	// workload's counters count from then. Nil when unknown.
	WorkloadSince *time.Time `json:"workload_since,omitempty"`
	// Issues are what the live read could not read (see LiveIssue).
	Issues []LiveIssue `json:"issues,omitempty"`
}

// SnapshotStatement is one pg_stat_statements row: a normalized query ($1
// for constants) and its counters since the last pg_stat_statements reset.
type SnapshotStatement struct {
	Query   string  `json:"query"`
	Calls   int64   `json:"calls"`
	TotalMS float64 `json:"total_ms"`
	MaxMS   float64 `json:"max_ms"`
	Rows    int64   `json:"rows"`
}

// NewSnapshot makes a snapshot of what ReadLive read.
func NewSnapshot(schema *Schema, rep *LiveReport) *Snapshot {
	s := &Snapshot{Version: SnapshotVersion, Schema: schema}
	if rep != nil {
		s.TakenAt = rep.ReadAt
		s.ServerVersion = rep.ServerVersion
		s.Database = rep.Database
		s.StatsReset = rep.StatsReset
		s.ServerStart = rep.ServerStart
		s.InRecovery = rep.InRecovery
		s.Issues = append([]LiveIssue(nil), rep.Issues...)
	}
	return s
}

// DropValues removes every value of the data a snapshot holds, for
// pgadvise snapshot --no-values, and returns how many workload statements
// it left out:
//
//   - each column's most common values, their frequencies and its
//     histogram bounds (pg_stats);
//   - the constants of the workload's query texts, replaced by $n as
//     pg_stat_statements does (pg_query's normalization): PostgreSQL does
//     not normalize utility statements, so CREATE TABLE ... AS SELECT,
//     CALL or COPY may hold values as typed. A statement that still has a
//     constant after normalization (a utility statement the normalizer
//     leaves alone), or that does not parse, is left out.
//
// It keeps counts, widths, null fractions, distinct counts and
// correlations, and the schema as pg_dump --schema-only shows it,
// including the constants written in DDL (column defaults, partial-index
// predicates and index definitions, partition bounds): those are the
// schema's, not the data's, and the advice depends on them.
func (s *Snapshot) DropValues() (dropped int) {
	if s == nil {
		return 0
	}
	if s.Schema != nil {
		for _, t := range s.Schema.Tables {
			for i := range t.Columns {
				if cs := t.Columns[i].Stats; cs != nil {
					cs.MostCommon, cs.MostCommonFreqs, cs.HistogramBounds = nil, nil, nil
				}
			}
		}
	}
	kept := s.Workload[:0]
	for _, w := range s.Workload {
		q, ok := withoutConstants(w.Query)
		if !ok {
			dropped++
			continue
		}
		w.Query = q
		kept = append(kept, w)
	}
	if s.Workload != nil {
		s.Workload = kept
	}
	return dropped
}

// withoutConstants returns query with its constants replaced by $n, and
// false when that cannot be done with certainty.
func withoutConstants(query string) (string, bool) {
	if strings.IndexByte(query, 0) >= 0 {
		return "", false // the parser, in C, would stop reading at the NUL
	}
	tree, err := pg_query.Parse(query)
	if err != nil {
		return "", false
	}
	norm, err := pg_query.Normalize(query)
	if err != nil {
		return "", false
	}
	dml := true
	for _, raw := range tree.GetStmts() {
		dml = dml && isDML(raw.GetStmt())
	}
	// The normalizer replaces every constant of DML but those of type
	// modifiers: varchar(255) may stay, a string in one
	// (SELECT 0::t('secret'), found by FuzzWithoutConstants) may not.
	// Outside DML no constant may stay.
	scan, err := pg_query.Scan(norm)
	if err != nil {
		return "", false
	}
	for _, tok := range scan.GetTokens() {
		switch tok.GetToken() {
		case pg_query.Token_SCONST, pg_query.Token_USCONST, pg_query.Token_BCONST, pg_query.Token_XCONST:
			return "", false
		case pg_query.Token_ICONST, pg_query.Token_FCONST:
			if !dml {
				return "", false
			}
		}
	}
	return norm, true
}

// isDML reports whether a statement is a SELECT, INSERT, UPDATE, DELETE or
// MERGE, or an EXPLAIN of one.
func isDML(n *pg_query.Node) bool {
	switch s := n.GetNode().(type) {
	case *pg_query.Node_SelectStmt, *pg_query.Node_InsertStmt, *pg_query.Node_UpdateStmt,
		*pg_query.Node_DeleteStmt, *pg_query.Node_MergeStmt:
		return true
	case *pg_query.Node_ExplainStmt:
		return isDML(s.ExplainStmt.GetQuery())
	}
	return false
}

// snapshotJSON is the document: the Snapshot's own fields (in the order
// they are declared), then the tables in name order and the workload
// sorted.
type snapshotJSON struct {
	Snapshot
	Tables   []*Table            `json:"tables"`
	Workload []SnapshotStatement `json:"workload,omitempty"`
}

// WriteSnapshot writes s as indented JSON. The output is deterministic:
// tables by name, the workload by query text then counters, times in UTC;
// the same snapshot gives the same bytes.
func WriteSnapshot(w io.Writer, s *Snapshot) error {
	if s == nil {
		return errors.New("catalog: nil snapshot")
	}
	doc := snapshotJSON{Snapshot: s.inUTC(), Tables: s.Schema.SortedTables(),
		Workload: SortWorkload(append([]SnapshotStatement(nil), s.Workload...))}
	doc.Version = SnapshotVersion
	if doc.Tables == nil {
		doc.Tables = []*Table{}
	}
	for _, t := range doc.Tables {
		if err := checkTable(t); err != nil {
			return fmt.Errorf("catalog: writing snapshot: %w", err)
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("catalog: writing snapshot: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("catalog: writing snapshot: %w", err)
	}
	return nil
}

// SortWorkload sorts statements by query text (byte order, as PostgreSQL's
// COLLATE "C"), then calls, total, max and rows, and returns the slice.
func SortWorkload(ws []SnapshotStatement) []SnapshotStatement {
	sort.SliceStable(ws, func(i, j int) bool {
		a, b := ws[i], ws[j]
		switch {
		case a.Query != b.Query:
			return a.Query < b.Query
		case a.Calls != b.Calls:
			return a.Calls < b.Calls
		case a.TotalMS != b.TotalMS:
			return a.TotalMS < b.TotalMS
		case a.MaxMS != b.MaxMS:
			return a.MaxMS < b.MaxMS
		}
		return a.Rows < b.Rows
	})
	return ws
}

// inUTC is a copy of s with its times in UTC.
func (s Snapshot) inUTC() Snapshot {
	s.TakenAt = s.TakenAt.UTC()
	s.StatsReset, s.ServerStart, s.WorkloadSince = utcPtr(s.StatsReset), utcPtr(s.ServerStart), utcPtr(s.WorkloadSince)
	return s
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// MaxSnapshotBytes bounds what ReadSnapshot reads (1 GiB).
const MaxSnapshotBytes = 1 << 30

// ReadSnapshot reads a snapshot WriteSnapshot wrote. It checks the version
// and that the content holds together (names given, no table twice, each
// index naming its table, figures finite and in range), since a snapshot
// may come from anywhere; unknown fields are ignored, as a newer pgadvise of
// the same version may add some.
func ReadSnapshot(r io.Reader) (*Snapshot, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSnapshotBytes+1))
	if err != nil {
		return nil, fmt.Errorf("catalog: reading snapshot: %w", err)
	}
	if len(b) > MaxSnapshotBytes {
		return nil, fmt.Errorf("catalog: snapshot larger than %d bytes", MaxSnapshotBytes)
	}
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("catalog: not a pgadvise snapshot (JSON): %w", err)
	}
	if head.Version == nil {
		return nil, errors.New("catalog: not a pgadvise snapshot: no \"version\" field")
	}
	if *head.Version != SnapshotVersion {
		return nil, fmt.Errorf("catalog: snapshot version %d: this pgadvise reads version %d", *head.Version, SnapshotVersion)
	}
	var doc snapshotJSON
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("catalog: reading snapshot: %w", err)
	}
	snap := doc.inUTC()
	s := &snap
	s.Schema, s.Workload = NewSchema(), doc.Workload
	for i, t := range doc.Tables {
		if t == nil {
			return nil, fmt.Errorf("catalog: snapshot: table %d is null", i)
		}
		if err := checkTable(t); err != nil {
			return nil, fmt.Errorf("catalog: snapshot: %w", err)
		}
		if s.Schema.Tables[t.Name] != nil {
			return nil, fmt.Errorf("catalog: snapshot: table %s appears twice", t.Name)
		}
		s.Schema.Tables[t.Name] = t
	}
	for i, w := range s.Workload {
		if w.Calls < 0 || w.Rows < 0 || !finiteNonNeg(w.TotalMS) || !finiteNonNeg(w.MaxMS) {
			return nil, fmt.Errorf("catalog: snapshot: workload statement %d has negative counters", i)
		}
	}
	return s, nil
}

// checkTable checks what the advisor relies on.
func checkTable(t *Table) error {
	if t.Name.Schema == "" || t.Name.Name == "" {
		return fmt.Errorf("a table without a schema-qualified name (%q)", t.Name.String())
	}
	switch t.Kind {
	case KindTable, KindPartitionedTable, KindView, KindMaterializedView, KindForeignTable:
	default:
		return fmt.Errorf("table %s: unknown kind %q", t.Name, t.Kind)
	}
	seen := map[string]bool{}
	for _, c := range t.Columns {
		if c.Name == "" {
			return fmt.Errorf("table %s: a column without a name", t.Name)
		}
		if seen[c.Name] {
			return fmt.Errorf("table %s: column %q twice", t.Name, c.Name)
		}
		seen[c.Name] = true
		if cs := c.Stats; cs != nil {
			if cs.NullFrac < 0 || cs.NullFrac > 1 || cs.AvgWidth < 0 || cs.NDistinct < -1 ||
				(cs.Correlation != nil && (*cs.Correlation < -1 || *cs.Correlation > 1)) {
				return fmt.Errorf("table %s: column %q: statistics out of range", t.Name, c.Name)
			}
			if len(cs.MostCommon) != len(cs.MostCommonFreqs) {
				return fmt.Errorf("table %s: column %q: %d most common values but %d frequencies", t.Name, c.Name, len(cs.MostCommon), len(cs.MostCommonFreqs))
			}
			for _, f := range cs.MostCommonFreqs {
				if f < 0 || f > 1 {
					return fmt.Errorf("table %s: column %q: a frequency out of range", t.Name, c.Name)
				}
			}
		}
	}
	if st := t.Stats; st != nil {
		for _, v := range []float64{st.Rows, st.Pages, st.Inserts, st.Updates, st.HOTUpdates, st.Deletes, st.SeqScans, st.IdxScans} {
			if !finiteNonNeg(v) {
				return fmt.Errorf("table %s: negative statistics", t.Name)
			}
		}
	}
	names := map[string]bool{}
	for _, ix := range t.Indexes {
		if ix.Name == "" {
			return fmt.Errorf("table %s: an index without a name", t.Name)
		}
		if names[ix.Name] {
			return fmt.Errorf("table %s: index %q twice", t.Name, ix.Name)
		}
		names[ix.Name] = true
		if ix.Table != t.Name {
			return fmt.Errorf("table %s: index %q names table %s", t.Name, ix.Name, ix.Table)
		}
		if len(ix.Keys) == 0 {
			return fmt.Errorf("table %s: index %q has no keys", t.Name, ix.Name)
		}
		for _, k := range ix.Keys {
			if (k.Column == "") == (k.Expression == "") {
				return fmt.Errorf("table %s: index %q: a key must be a column or an expression", t.Name, ix.Name)
			}
		}
		switch ix.Constraint {
		case "", ConstraintPrimaryKey, ConstraintUnique, ConstraintExclusion:
		default:
			return fmt.Errorf("table %s: index %q: unknown constraint %q", t.Name, ix.Name, ix.Constraint)
		}
		if st := ix.Stats; st != nil && (!finiteNonNeg(st.Scans) || st.SizeBytes < 0) {
			return fmt.Errorf("table %s: index %q: negative statistics", t.Name, ix.Name)
		}
	}
	if p := t.PartitionBy; p != nil && (len(p.Keys) == 0 || strings.TrimSpace(p.Strategy) == "") {
		return fmt.Errorf("table %s: partitioning without a strategy or keys", t.Name)
	}
	return nil
}

func finiteNonNeg(v float64) bool { return v >= 0 && !math.IsInf(v, 0) && !math.IsNaN(v) }
