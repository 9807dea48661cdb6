// Package filekind tells what kind of file a path holds (a pgadvise
// snapshot, a pgadvise JSON report, a pg_dump archive, a PostgreSQL log, a
// binary, ...) from its first bytes, so that a file given to the wrong flag
// is refused with a sentence saying what it is and where it belongs,
// instead of being read as something it is not.
package filekind

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Kind is what a file holds, as far as its first bytes tell.
type Kind int

// The kinds Detect tells apart.
const (
	// Text is any other text: SQL, a log of an unknown format, ...
	Text Kind = iota
	Empty
	Binary
	Gzip
	PgDumpCustom    // pg_dump -Fc
	PgDumpTar       // pg_dump -Ft
	PgDumpDirectory // pg_dump -Fd
	Snapshot        // pgadvise snapshot
	Report          // pgadvise analyze --format json
	JSON            // other JSON (a jsonlog, ...)
	Log             // a PostgreSQL stderr log or csvlog
	PgssCSV         // a pg_stat_statements CSV export
)

var names = map[Kind]string{
	Text:            "text",
	Empty:           "empty",
	Binary:          "a binary file",
	Gzip:            "gzip-compressed",
	PgDumpCustom:    "a pg_dump archive in the custom format (pg_dump -Fc)",
	PgDumpTar:       "a pg_dump archive in the tar format (pg_dump -Ft)",
	PgDumpDirectory: "a pg_dump archive in the directory format (pg_dump -Fd)",
	Snapshot:        "a pgadvise snapshot",
	Report:          "a pgadvise JSON report",
	JSON:            "JSON",
	Log:             "a PostgreSQL log",
	PgssCSV:         "a pg_stat_statements CSV export",
}

// String describes the kind as a sentence's complement: "a pgadvise snapshot".
func (k Kind) String() string { return names[k] }

// HeadSize is how many leading bytes Detect looks at.
const HeadSize = 64 << 10

// Detect tells the kind of a file from its first bytes (up to HeadSize).
func Detect(head []byte) Kind {
	if len(head) > HeadSize {
		head = head[:HeadSize]
	}
	switch {
	case len(bytes.TrimSpace(head)) == 0:
		return Empty
	case bytes.HasPrefix(head, []byte("PGDMP")):
		return PgDumpCustom
	case len(head) >= 262 && string(head[257:262]) == "ustar":
		return PgDumpTar
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return Gzip
	case binary(head):
		return Binary
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return detectJSON(trimmed)
	}
	first, _, _ := bytes.Cut(trimmed, []byte("\n"))
	switch {
	case pgssHeader(first):
		return PgssCSV
	case logLine.Match(first):
		return Log
	}
	return Text
}

// binary reports a head with NUL bytes or mostly not UTF-8.
func binary(head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	bad := 0
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && n == 1 && len(head)-i >= utf8.UTFMax {
			bad++
		}
		i += n
	}
	return bad*10 > len(head)
}

var (
	// A log line: a timestamp and, later, a severity followed by two
	// spaces (stderr), or a timestamp and a comma (csvlog).
	logLine = regexp.MustCompile(`^\S*\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d.*\b(?:LOG|ERROR|STATEMENT|DETAIL|WARNING|FATAL|HINT|CONTEXT):  |^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? [A-Za-z0-9+-]+,`)
)

// pgssHeader reports a CSV header with the columns query and calls, as
// psql's \copy ... csv header writes pg_stat_statements.
func pgssHeader(line []byte) bool {
	var query, calls bool
	for _, f := range strings.Split(strings.TrimSpace(string(line)), ",") {
		switch strings.Trim(strings.TrimSpace(f), `"`) {
		case "query":
			query = true
		case "calls":
			calls = true
		}
	}
	return query && calls
}

// detectJSON tells a snapshot from a report from other JSON by the first
// keys of the top-level object: each has a "version" and fields only it
// writes. A head cut in the middle is read as far as it goes.
func detectJSON(head []byte) Kind {
	dec := json.NewDecoder(bytes.NewReader(head))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return JSON
	}
	var version, snapshot, report bool
	for i := 0; i < 32 && dec.More(); i++ {
		t, err := dec.Token()
		if err != nil {
			break
		}
		key, _ := t.(string)
		switch key {
		case "version":
			version = true
		case "taken_at", "server_version", "stats_reset", "workload_since":
			snapshot = true
		case "input", "queries", "recommendations", "rejected", "advice":
			report = true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			break
		}
	}
	switch {
	case version && snapshot:
		return Snapshot
	case version && report:
		return Report
	}
	return JSON
}

// DetectFile tells the kind of the file (or pg_dump directory) at path.
func DetectFile(path string) (Kind, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Text, err
	}
	if fi.IsDir() {
		if _, err := os.Stat(filepath.Join(path, "toc.dat")); err == nil {
			return PgDumpDirectory, nil
		}
		return Text, fmt.Errorf("%s is a directory", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return Text, err
	}
	defer f.Close()
	head := make([]byte, HeadSize)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return Text, err
	}
	return Detect(head[:n]), nil
}

// Role is what a flag expects a file to be.
type Role int

// The roles of pgadvise's input files.
const (
	SchemaRole   Role = iota // --schema: DDL as pg_dump -s prints it
	StatsRole                // --stats: a pgadvise snapshot
	BaselineRole             // --baseline: a pgadvise JSON report
	WorkloadRole             // INPUT: a log, a pg_stat_statements CSV, a .sql file
)

var roleNames = map[Role]string{
	SchemaRole:   "a schema (DDL as pg_dump -s prints it)",
	StatsRole:    "a snapshot (pgadvise snapshot -o FILE)",
	BaselineRole: "a JSON report (pgadvise analyze --format json)",
	WorkloadRole: "a workload (a log, a pg_stat_statements CSV or a .sql file)",
}

// Check refuses a file of a kind that cannot be what role expects, with a
// sentence saying what it is and how to give it or make the right one. It
// returns nil for a kind that may be right, leaving the reader to judge the
// content.
func Check(path string, k Kind, role Role) error {
	if ok(k, role) {
		return nil
	}
	msg := fmt.Sprintf("%s: this is %s, not %s", path, k, roleNames[role])
	if k == Empty {
		msg = fmt.Sprintf("%s: the file is empty; want %s", path, roleNames[role])
	}
	if h := hint(path, k, role); h != "" {
		msg += "; " + h
	}
	return fmt.Errorf("%s", msg)
}

func ok(k Kind, role Role) bool {
	switch role {
	case SchemaRole:
		return k == Text
	case StatsRole:
		return k == Snapshot || k == JSON
	case BaselineRole:
		return k == Report || k == JSON
	case WorkloadRole:
		// Logs may hold binary garbage that the readers count and skip,
		// and .gz inputs are decompressed: refuse only what is surely
		// another of pgadvise's inputs or a pg_dump archive.
		switch k {
		case Snapshot, Report, PgDumpCustom, PgDumpTar, PgDumpDirectory:
			return false
		}
		return true
	}
	return true
}

func hint(path string, k Kind, role Role) string {
	switch k {
	case PgDumpCustom, PgDumpTar, PgDumpDirectory:
		if role == SchemaRole {
			return fmt.Sprintf("make a plain-text schema with pg_dump -s (without -F), or from this archive with pg_restore -s -f - %s > schema.sql", path)
		}
		return "pgadvise reads plain-text schemas (--schema), made with pg_dump -s or pg_restore -s -f -"
	case Snapshot:
		return "give it as --stats"
	case Report:
		if role == SchemaRole || role == StatsRole {
			return "a report holds no schema or statistics; give it as --baseline, and the schema as --schema or --stats"
		}
		return "give it as --baseline"
	case Log, PgssCSV:
		return "give it as INPUT (a positional argument)"
	case Gzip:
		return "decompress it first (gunzip)"
	case Text:
		switch role {
		case StatsRole:
			return "make one with pgadvise snapshot --dsn URL -o FILE; a SQL schema goes to --schema"
		case BaselineRole:
			return "make one with pgadvise analyze --format json -o FILE"
		}
	case Binary, Empty:
		switch role {
		case SchemaRole:
			return "make one with pg_dump -s (or pg_restore -s -f - from an archive)"
		case StatsRole:
			return "make one with pgadvise snapshot --dsn URL -o FILE"
		case BaselineRole:
			return "make one with pgadvise analyze --format json -o FILE"
		}
	}
	return ""
}
