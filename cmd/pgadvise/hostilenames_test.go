package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHostileFileNamesInMessages: a file name is text from outside. One
// with a newline and an escape sequence in it, and a parser error that
// quotes the file's own text, must not start a line of their own on
// stderr nor reach the terminal as a sequence.
func TestHostileFileNamesInMessages(t *testing.T) {
	dir := t.TempDir()
	schema := filepath.Join(dir, "schema\npgadvise: all clear\x1b[2J.sql")
	if err := os.WriteFile(schema, []byte("CREATE TABLE t (id bigint PRIMARY KEY);\nCREATE TABLE u (id bigint\n\x1b[31m;\n"), 0o644); err != nil {
		t.Skipf("this file system does not take such a name: %v", err)
	}
	logFile := filepath.Join(dir, "slow\n\x1b[31m.log")
	if err := os.WriteFile(logFile, []byte("2026-12-05 10:00:00 UTC [1] LOG:  duration: 5.0 ms  statement: SELECT id FROM t WHERE id = 1\nnot a log line at all\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, stderr := runCLI(t, "", "analyze", "--schema", schema, logFile)
	if strings.Contains(stderr, "\x1b") {
		t.Errorf("stderr carries an escape sequence:\n%q", stderr)
	}
	for _, line := range strings.Split(strings.TrimRight(stderr, "\n"), "\n") {
		if !strings.HasPrefix(line, "pgadvise") {
			t.Errorf("a stderr line does not start with pgadvise: %q\nall of it:\n%q", line, stderr)
		}
	}
	if !strings.Contains(stderr, "could not be parsed") || !strings.Contains(stderr, "skipped") {
		t.Errorf("stderr lacks the schema or the skip message:\n%q", stderr)
	}
}
