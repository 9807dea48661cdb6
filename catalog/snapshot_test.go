package catalog

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// sampleSnapshot is a snapshot of the fixture schema with some statistics.
func sampleSnapshot(t testing.TB) *Snapshot {
	t.Helper()
	s, _, err := ReadDDLFile(filepath.Join("testdata", "pg_dump_15.sql"))
	if err != nil {
		t.Fatal(err)
	}
	users := s.Tables[QualifiedName{"public", "users"}]
	users.Stats = &TableStats{Rows: 1e6, Pages: 12000, Inserts: 5, Updates: 7, HOTUpdates: 3, IdxScans: 9}
	corr := 0.25
	users.Column("status").Stats = &ColumnStats{NDistinct: 3, NullFrac: 0.01, AvgWidth: 7, Correlation: &corr,
		MostCommon: []string{"active", "closed", "we \"quote\" <html> & ünïcode"}, MostCommonFreqs: []float64{0.9, 0.05, 0.04},
		HistogramBounds: []string{"archived", "blocked", "pending"}}
	users.Indexes[0].Stats = &IndexStats{Scans: 0, SizeBytes: 8192}
	reset := time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("X", 3600))
	started := time.Date(2025, 12, 24, 6, 0, 0, 0, time.UTC)
	return &Snapshot{
		Version: SnapshotVersion, TakenAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		ServerVersion: "15.18", Database: "shop", StatsReset: &reset, ServerStart: &started, Schema: s,
		Workload: []SnapshotStatement{
			{Query: "SELECT * FROM users WHERE id = $1", Calls: 10, TotalMS: 2.5, MaxMS: 1, Rows: 10},
			{Query: "SELECT 1", Calls: 1, TotalMS: 0.1, MaxMS: 0.1, Rows: 1},
			{Query: "SELECT 1", Calls: 1, TotalMS: 0.05, MaxMS: 0.05, Rows: 1},
		},
		Issues: []LiveIssue{{Kind: IssueNeverAnalyzed, Relation: "public.x", Message: "m"}},
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	snap := sampleSnapshot(t)
	var buf bytes.Buffer
	if err := WriteSnapshot(&buf, snap); err != nil {
		t.Fatal(err)
	}
	back, err := ReadSnapshot(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	want := *snap
	want.Workload = SortWorkload(append([]SnapshotStatement(nil), snap.Workload...))
	if diff := cmp.Diff(&want, back); diff != "" {
		t.Errorf("round trip (-wrote +read):\n%s", diff)
	}
	if got := back.StatsReset.Location(); got != time.UTC {
		t.Errorf("stats_reset read back in %v, want UTC", got)
	}
	// Deterministic: the same snapshot, the same bytes; the workload sorted.
	var again bytes.Buffer
	if err := WriteSnapshot(&again, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("writing the snapshot read back gives different bytes")
	}
	out := buf.String()
	if i, j := strings.Index(out, `"query": "SELECT 1"`), strings.Index(out, `"query": "SELECT * FROM`); i < 0 || j < 0 || j > i {
		t.Errorf("workload not sorted by query text")
	}
	for _, want := range []string{`"version": 1`, `"database": "shop"`, `"stats_reset": "2026-01-02T02:04:05.0000006Z"`, `"server_start": "2025-12-24T06:00:00Z"`, `<html> &`} {
		if !strings.Contains(out, want) {
			t.Errorf("snapshot lacks %s", want)
		}
	}
}

// TestSnapshotDropValues: no value of the data remains (most common values,
// histograms, constants in the workload's texts); counts and the schema do.
func TestSnapshotDropValues(t *testing.T) {
	snap := sampleSnapshot(t)
	snap.Workload = append(snap.Workload,
		SnapshotStatement{Query: "SELECT * FROM users WHERE email = 'jane.doe@example.com' LIMIT 10", Calls: 1},
		SnapshotStatement{Query: "CREATE TABLE vip AS SELECT * FROM users WHERE email = 'jane.doe@example.com'", Calls: 1},
		SnapshotStatement{Query: "CALL notify('jane.doe@example.com')", Calls: 1},
		SnapshotStatement{Query: "COPY users TO '/tmp/jane.doe@example.com.csv'", Calls: 1},
		SnapshotStatement{Query: "SELECT 'jane.doe@example.com' unparsable (", Calls: 1},
		SnapshotStatement{Query: "VACUUM ANALYZE users", Calls: 1},
	)
	if dropped := snap.DropValues(); dropped != 3 {
		t.Errorf("dropped %d statements, want 3 (CREATE TABLE AS, COPY, unparsable)", dropped)
	}
	var buf bytes.Buffer
	if err := WriteSnapshot(&buf, snap); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, value := range []string{"most_common", "histogram", `"closed"`, `"blocked"`, `"pending"`, "<html>", "jane.doe"} {
		if strings.Contains(out, value) {
			t.Errorf("DropValues kept %q:\n%s", value, out)
		}
	}
	for _, kept := range []string{`"n_distinct": 3`, `"correlation": 0.25`, "WHERE email = $1 LIMIT $2", "CALL notify($1)", "VACUUM ANALYZE users", "SELECT * FROM users WHERE id = $1"} {
		if !strings.Contains(out, kept) {
			t.Errorf("DropValues lost %q", kept)
		}
	}
}

func TestReadSnapshotErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "JSON"},
		{"not json", "JSON"},
		{`{"tables": []}`, `no "version"`},
		{`{"version": 2, "tables": []}`, "snapshot version 2: this pgadvise reads version 1"},
		{`{"version": 1, "tables": [null]}`, "null"},
		{`{"version": 1, "tables": [{"name": {"schema": "", "name": "t"}, "kind": "table"}]}`, "schema-qualified"},
		{`{"version": 1, "tables": [{"name": {"schema": "s", "name": "t"}, "kind": "table"}, {"name": {"schema": "s", "name": "t"}, "kind": "table"}]}`, "twice"},
		{`{"version": 1, "tables": [{"name": {"schema": "s", "name": "t"}, "kind": "sequence"}]}`, "unknown kind"},
		{`{"version": 1, "tables": [{"name": {"schema": "s", "name": "t"}, "kind": "table", "indexes": [{"name": "i", "table": {"schema": "s", "name": "u"}, "keys": [{"column": "a"}]}]}]}`, "names table"},
		{`{"version": 1, "tables": [{"name": {"schema": "s", "name": "t"}, "kind": "table", "indexes": [{"name": "i", "table": {"schema": "s", "name": "t"}, "keys": []}]}]}`, "no keys"},
		{`{"version": 1, "tables": [{"name": {"schema": "s", "name": "t"}, "kind": "table", "columns": [{"name": "a", "stats": {"null_frac": 2}}]}]}`, "out of range"},
		{`{"version": 1, "tables": [{"name": {"schema": "s", "name": "t"}, "kind": "table", "columns": [{"name": "a", "stats": {"most_common": ["x"]}}]}]}`, "frequencies"},
		{`{"version": 1, "tables": [{"name": {"schema": "s", "name": "t"}, "kind": "table", "stats": {"rows": -1, "pages": 0}}]}`, "negative"},
		{`{"version": 1, "tables": [], "workload": [{"query": "x", "calls": -1}]}`, "negative"},
	} {
		_, err := ReadSnapshot(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadSnapshot(%.60q) = %v, want an error with %q", tc.in, err, tc.want)
		}
	}
	// An empty schema and no workload is a valid snapshot.
	s, err := ReadSnapshot(strings.NewReader(`{"version": 1, "tables": [], "new_field": {"x": 1}}`))
	if err != nil || len(s.Schema.Tables) != 0 || s.Workload != nil {
		t.Errorf("minimal snapshot: %+v, %v", s, err)
	}
}

// FuzzReadSnapshot checks that ReadSnapshot never panics on outside input,
// and that what it accepts writes and reads back the same.
func FuzzReadSnapshot(f *testing.F) {
	// Small seeds only: the fuzzer minimizes each new interesting input,
	// which takes long on big ones.
	small, _, err := ParseDDL(`CREATE TABLE t (id bigint PRIMARY KEY, s text, at timestamptz DEFAULT now());
		CREATE INDEX t_s ON t (lower(s) DESC NULLS LAST) INCLUDE (at) WHERE s IS NOT NULL;
		CREATE TABLE p (k int, v int) PARTITION BY RANGE (k);
		CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (10);`)
	if err != nil {
		f.Fatal(err)
	}
	tb := small.Tables[QualifiedName{"public", "t"}]
	tb.Stats = &TableStats{Rows: 10, Pages: 1, Updates: 2}
	corr := -0.5
	tb.Column("s").Stats = &ColumnStats{NDistinct: -0.5, NullFrac: 0.1, AvgWidth: 4, Correlation: &corr, MostCommon: []string{"a"}, MostCommonFreqs: []float64{0.3}}
	tb.Indexes[0].Stats = &IndexStats{Scans: 3, SizeBytes: 16384}
	reset := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var buf bytes.Buffer
	if err := WriteSnapshot(&buf, &Snapshot{Version: 1, Database: "d", StatsReset: &reset, Schema: small,
		Workload: []SnapshotStatement{{Query: "SELECT $1", Calls: 2, TotalMS: 1, MaxMS: 0.7, Rows: 2}}}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	for _, s := range []string{
		`{"version": 1, "tables": []}`,
		`{"version": 1.0}`,
		`{"version": 1, "stats_reset": "not a time"}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		s, err := ReadSnapshot(bytes.NewReader(in))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := WriteSnapshot(&out, s); err != nil {
			t.Fatalf("a snapshot ReadSnapshot accepted does not write: %v", err)
		}
		back, err := ReadSnapshot(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("a written snapshot does not read back: %v\n%s", err, out.Bytes())
		}
		var again bytes.Buffer
		if err := WriteSnapshot(&again, back); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), again.Bytes()) {
			t.Fatalf("write → read → write differs:\n%s\n---\n%s", out.Bytes(), again.Bytes())
		}
	})
}
