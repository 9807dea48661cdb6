package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgadvise/pgadvise/internal/outfile"
)

// TestOutputIsNeverAnInput: -o naming an input (directly, through a
// symbolic link, or as the file standard input reads) is refused with exit
// 1, and the input is left as it was.
func TestOutputIsNeverAnInput(t *testing.T) {
	dir := t.TempDir()
	copyFile := func(src, name string) string {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	log := copyFile("../../fixtures/slow.log", "in.log")
	schema := copyFile("../../fixtures/schema.sql", "schema.sql")
	link := filepath.Join(dir, "report.txt")
	if err := os.Symlink(log, link); err != nil {
		t.Fatal(err)
	}
	baseline := filepath.Join(dir, "base.json")
	if code, _, errOut := runCLI(t, "", "analyze", "--schema", schema, "--format", "json", "-o", baseline, log); code != exitOK {
		t.Fatalf("baseline: exit %d: %s", code, errOut)
	}
	before := map[string][]byte{}
	for _, p := range []string{log, schema, baseline} {
		b, _ := os.ReadFile(p)
		before[p] = b
	}
	tests := []struct {
		name string
		args []string
	}{
		{"the log", []string{"analyze", "-o", log, log}},
		{"the schema", []string{"analyze", "--schema", schema, "-o", schema, log}},
		{"a link to the log", []string{"analyze", "-o", link, log}},
		{"the baseline", []string{"analyze", "--baseline", baseline, "--format", "json", "-o", baseline, log}},
		{"a relative path", []string{"analyze", "-o", filepath.Join(dir, ".", "in.log"), log}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tt.args...)
			if code != exitError || !strings.Contains(errOut, "the output is one of the inputs") {
				t.Errorf("exit %d, stderr:\n%s", code, errOut)
			}
		})
	}
	t.Run("standard input", func(t *testing.T) {
		f, err := os.Open(log)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var out, errOut bytes.Buffer
		if code := Do([]string{"analyze", "-o", log, "-"}, f, &out, &errOut); code != exitError {
			t.Errorf("exit %d, stderr:\n%s", code, errOut.String())
		}
	})
	for p, b := range before {
		if got, _ := os.ReadFile(p); !bytes.Equal(got, b) {
			t.Errorf("%s was changed", p)
		}
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
}

// TestOutputFile: -o writes what standard output would get, with mode
// 0600 when the report holds values (--show-values).
func TestOutputFile(t *testing.T) {
	dir := t.TempDir()
	args := []string{"analyze", "--schema", "../../fixtures/schema.sql", "--format", "json", "../../fixtures/slow.log"}
	for _, tt := range []struct {
		extra []string
		mode  os.FileMode
	}{
		{nil, outfile.ModeDefault},
		{[]string{"--show-values"}, outfile.ModePrivate},
	} {
		a := append(append([]string(nil), args...), tt.extra...)
		code, want, errOut := runCLI(t, "", a...)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		path := filepath.Join(dir, "report.json")
		if code, _, errOut := runCLI(t, "", append(a, "-o", path)...); code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%v: the file differs from standard output", tt.extra)
		}
		fi, _ := os.Stat(path)
		if tt.mode == outfile.ModePrivate && fi.Mode().Perm() != tt.mode {
			t.Errorf("%v: mode %v, want %v", tt.extra, fi.Mode().Perm(), tt.mode)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("left behind: %v", entries)
		}
	}
}

// TestHugeNumbers: a pg_stat_statements export with times that sum to
// +Inf and calls near 2^63 gives a JSON report (no +Inf) without negative
// counts; the rows out of range are counted as malformed_value.
func TestHugeNumbers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pgss.csv")
	csv := "query,calls,total_exec_time,max_exec_time,rows\n" +
		"SELECT * FROM t WHERE a = $1,5,1e308,1e308,1\n" +
		"SELECT * FROM t WHERE a = $1,5,1e308,1e308,1\n" +
		"SELECT * FROM t WHERE b = $1,9223372036854775807,1,1,1\n" +
		"SELECT * FROM t WHERE b = $1,9223372036854775807,1,1,1\n" +
		"SELECT * FROM t WHERE c = $1,1000000000000000,1e15,1e15,1000000000000000\n" +
		"SELECT * FROM t WHERE c = $1,1000000000000000,1e15,1e15,1000000000000000\n"
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "analyze", "--format", "json", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Input struct {
			Statements int64 `json:"statements"`
		} `json:"input"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Input.Statements != 1_000_000_000_000_000 {
		t.Errorf("statements %d", doc.Input.Statements)
	}
	if !strings.Contains(errOut, "skipped 4 malformed_value (first at line 2)") {
		t.Errorf("stderr:\n%s", errOut)
	}
	_, text, _ := runCLI(t, "", "analyze", path)
	if strings.Contains(text, "-9,") || strings.Contains(out, ": -") {
		t.Errorf("a negative number in the report:\n%s", text)
	}
}

// TestMigrateNeverOverwritesAnInput: migration files are created, never
// written over an existing file: not over inputs in the migrations folder,
// nor through a link there that names an input; a --dir that is an input
// file is an error.
func TestMigrateNeverOverwritesAnInput(t *testing.T) {
	dir := t.TempDir()
	inputs := map[string][]byte{}
	for _, src := range []string{"../../fixtures/schema.sql", "../../fixtures/slow.log"} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.Base(src))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		inputs[p] = b
	}
	log, schema := filepath.Join(dir, "slow.log"), filepath.Join(dir, "schema.sql")
	if err := os.Symlink(log, filepath.Join(dir, "0001_pgadvise.up.sql")); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runMigrateCLI(t, "--tool", "sql", "--dir", dir, "--schema", schema, log)
	if code != exitOK || !strings.Contains(out, "migration(s)") {
		t.Fatalf("exit %d:\n%s%s", code, out, errOut)
	}
	if code, _, _ := runMigrateCLI(t, "--tool", "sql", "--dir", log, "--schema", schema, log); code != exitError {
		t.Errorf("--dir naming the input log: exit %d", code)
	}
	for p, b := range inputs {
		if got, _ := os.ReadFile(p); !bytes.Equal(got, b) {
			t.Errorf("%s was changed", p)
		}
	}
}
