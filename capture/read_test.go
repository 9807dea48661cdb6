package capture

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

const sampleLog = pM + "LOG:  duration: 1.5 ms  statement: SELECT 1\n" +
	pM + "LOG:  duration: 2 ms  execute <unnamed>: SELECT $1\n" +
	pM + "DETAIL:  parameters: $1 = 'x'\n"

var sampleWant = []stmt{timed(1, 1.5, "SELECT 1"), timedP(2, 2, "SELECT $1", "$1 = 'x'")}

func gzipped(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadEmpty(t *testing.T) {
	for _, f := range []Format{FormatAuto, FormatStderr, FormatCSVLog, FormatJSONLog, FormatPGSS, FormatSQL} {
		got, st := readString(t, "", f)
		want := result{Skipped: map[Reason]int64{ReasonEmptyInput: 1}}
		if d := cmp.Diff(got, want); d != "" {
			t.Errorf("%s: (-got +want):\n%s", f, d)
		}
		if st.Bytes != 0 || st.Lines != 0 {
			t.Errorf("%s: Bytes, Lines = %d, %d", f, st.Bytes, st.Lines)
		}
	}
	// An empty gzip stream is an empty input too.
	st, err := Read(bytes.NewReader(gzipped(t, "")), "x.gz", FormatAuto, func(*Statement) error { return nil })
	if err != nil || st.Skipped[ReasonEmptyInput] == nil {
		t.Errorf("empty gzip: %v, %+v", err, st)
	}
}

func TestReadGzip(t *testing.T) {
	data := gzipped(t, sampleLog)
	for _, f := range []Format{FormatAuto, FormatStderr} {
		var got []stmt
		st, err := Read(bytes.NewReader(data), "postgresql.log.gz", f, func(s *Statement) error {
			got = append(got, toStmt(s))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(got, sampleWant); d != "" {
			t.Errorf("%s: (-got +want):\n%s", f, d)
		}
		if st.Format != FormatStderr || st.Bytes != int64(len(sampleLog)) || st.Lines != 3 {
			t.Errorf("%s: Format %q, Bytes %d, Lines %d; want stderr, %d, 3", f, st.Format, st.Bytes, st.Lines, len(sampleLog))
		}
	}
}

func TestReadGzipDamaged(t *testing.T) {
	long := strings.Repeat(sampleLog, 2000)
	data := gzipped(t, long)
	tests := []struct {
		name   string
		data   []byte
		reason Reason
	}{
		{"cut off", data[:len(data)/2], ReasonTruncated},
		{"header only", data[:5], ReasonTruncated},
		{"corrupt", append(append([]byte{}, data[:len(data)/2]...), bytes.Repeat([]byte{0xff}, 1000)...), ""},
		{"bad checksum", append(append([]byte{}, data[:len(data)-8]...), 0, 0, 0, 0, 0, 0, 0, 0), ReasonBadRecord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			st, err := Read(bytes.NewReader(tt.data), "x.gz", FormatAuto, func(*Statement) error { n++; return nil })
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if tt.reason == "" { // garbage in the stream: it ends one way or the other
				if st.Skipped[ReasonTruncated] == nil && st.Skipped[ReasonBadRecord] == nil {
					t.Errorf("skipped %v, want %s or %s", skipCounts(st), ReasonTruncated, ReasonBadRecord)
				}
			} else if st.Skipped[tt.reason] == nil {
				t.Errorf("skipped %v, want %s", skipCounts(st), tt.reason)
			}
			checkStats(t, st, n)
		})
	}
}

func TestReadBOM(t *testing.T) {
	got, _ := readString(t, "\ufeff"+sampleLog, FormatAuto)
	diff(t, got, result{Stmts: sampleWant})
	got, _ = readString(t, "\ufeffquery,calls\nSELECT 1,2\n", FormatPGSS)
	diff(t, got, result{Stmts: []stmt{{Query: "SELECT 1", Calls: 2, Line: 2}}})
}

func TestReadEmitError(t *testing.T) {
	stop := errors.New("stop")
	for f, in := range map[Format]string{FormatStderr: strings.Repeat(sampleLog, 3), FormatSQL: "SELECT 1; SELECT 2; SELECT 3;"} {
		n := 0
		st, err := Read(strings.NewReader(in), "x", f, func(*Statement) error {
			n++
			if n == 2 {
				return stop
			}
			return nil
		})
		if err != stop || n != 2 || st == nil {
			t.Errorf("%s: err = %v after %d calls, want stop after 2", f, err, n)
		}
	}
	// A held statement's emit error comes back too.
	_, err := Read(strings.NewReader(pM+"LOG:  statement: SELECT 1\n"), "x", FormatStderr, func(*Statement) error { return stop })
	if err != stop {
		t.Errorf("held statement: err = %v, want stop", err)
	}
}

func TestReadIOError(t *testing.T) {
	boom := errors.New("disk on fire")
	for _, f := range []Format{FormatAuto, FormatStderr, FormatCSVLog, FormatJSONLog, FormatPGSS, FormatSQL} {
		r := io.MultiReader(strings.NewReader(sampleLog), iotest.ErrReader(boom))
		if _, err := Read(r, "x", f, func(*Statement) error { return nil }); !errors.Is(err, boom) {
			t.Errorf("%s: err = %v, want %v", f, err, boom)
		}
		// An error on the first read, and under gzip.
		if _, err := Read(iotest.ErrReader(boom), "x", f, func(*Statement) error { return nil }); !errors.Is(err, boom) {
			t.Errorf("%s, first read: err = %v, want %v", f, err, boom)
		}
		gz := gzipped(t, strings.Repeat(sampleLog, 1000))
		r = io.MultiReader(bytes.NewReader(gz[:len(gz)/2]), iotest.ErrReader(boom))
		if _, err := Read(r, "x", f, func(*Statement) error { return nil }); !errors.Is(err, boom) {
			t.Errorf("%s, gzip: err = %v, want %v", f, err, boom)
		}
	}
}

func TestReadUnknownFormat(t *testing.T) {
	if _, err := Read(strings.NewReader("x"), "x", Format("xml"), nil); err == nil {
		t.Error("Read with format xml: no error")
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "postgresql.log")
	zipped := filepath.Join(dir, "postgresql.log.1.gz")
	if err := os.WriteFile(plain, []byte(sampleLog), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(zipped, gzipped(t, sampleLog), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{plain, zipped, "testdata/sample.sql"} {
		var got []string
		st, err := ReadFile(path, FormatAuto, func(s *Statement) error {
			got = append(got, string(s.Query))
			return nil
		})
		if err != nil {
			t.Fatalf("ReadFile(%s): %v", path, err)
		}
		if st.Name != path || len(got) < 2 {
			t.Errorf("ReadFile(%s): name %q, statements %q", path, st.Name, got)
		}
	}

	missing := filepath.Join(dir, "nope.log")
	_, err := ReadFile(missing, FormatAuto, func(*Statement) error { return nil })
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("ReadFile(missing) = %v, want a not-exist error naming the path", err)
	}
	_, err = ReadFile(dir, FormatAuto, func(*Statement) error { return nil })
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("ReadFile(dir) = %v, want an error naming the path", err)
	}
}

// TestSkipLines checks the line numbers kept for skipped records: the first
// line of each record, 1-based.
func TestSkipLines(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		in     string
		want   map[Reason][]int64
	}{
		{"stderr", FormatStderr, lines(
			pM+"LOG:  checkpoint starting: time",
			pM+"LOG:  automatic vacuum of table \"t\"",
			"\tpages: 0 removed",
			pM+"DETAIL:  x",
			"junk",
			pM+"ERROR:  boom",
			pM+"STATEMENT:  SELECT",
			"\t1/0",
			pM+"LOG:  duration: 1 ms  parse S_1: SELECT 1",
		), map[Reason][]int64{ReasonOtherMessage: {1, 2}, ReasonGarbage: {5}, ReasonFailed: {6}, ReasonProtocolStep: {9}}},
		{"csvlog", FormatCSVLog, "\n" + csvRow(26, 1, "LOG", "a\nb", "", "") + "x\n" + csvRow(26, 1, "ERROR", "e", "", "q"),
			map[Reason][]int64{ReasonOtherMessage: {2}, ReasonBadRecord: {4}, ReasonFailed: {5}}},
		{"sql", FormatSQL, "SELECT 1;\n\n  SELECT 1x;\n", map[Reason][]int64{ReasonBadRecord: {3}}},
		{"pgss", FormatPGSS, "query,calls\n\"a\nb\",x\n", map[Reason][]int64{ReasonBadValue: {2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, st := readString(t, tt.in, tt.format)
			got := map[Reason][]int64{}
			for r, c := range st.Skipped {
				got[r] = c.FirstLines
			}
			if d := cmp.Diff(got, tt.want); d != "" {
				t.Errorf("(-got +want):\n%s", d)
			}
		})
	}
}

func TestLineReader(t *testing.T) {
	type line struct {
		Text string
		Cut  bool
	}
	in := "short\r\n" + strings.Repeat("a", 40) + "\n" + strings.Repeat("b", 41) + "\n" +
		strings.Repeat("c", 40) + "\r\n" + strings.Repeat("e", 41) + "\r\n" + strings.Repeat("d", 100) + "\n\nlast"
	lr := lineReader{br: bufio.NewReaderSize(strings.NewReader(in), 16), max: 40}
	var got []line
	for {
		l, cut, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, line{string(l), cut})
	}
	want := []line{
		{"short", false},
		{strings.Repeat("a", 40), false},
		{strings.Repeat("b", 40), true},
		{strings.Repeat("c", 40), false},
		{strings.Repeat("e", 40), true},
		{strings.Repeat("d", 40), true},
		{"", false},
		{"last", false},
	}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("(-got +want):\n%s", d)
	}
}
