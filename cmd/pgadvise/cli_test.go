package main

import (
	"bytes"
	"encoding/json"
	"flag"
	goldenfile "github.com/pgadvise/pgadvise/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Do(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got, *update)
}

// TestAnalyzeFixtures runs the README's command on the bundled fixtures, in
// each output format and for each input format of the same captured workload.
func TestAnalyzeFixtures(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
		// sameAs names the golden report this one equals but for its
		// "input" member: golden then holds that member alone.
		sameAs string
	}{
		{"fixtures.txt", []string{"analyze", "--schema", "../../fixtures/schema.sql", "../../fixtures/slow.log"}, ""},
		{"fixtures.json", []string{"analyze", "--schema", "../../fixtures/schema.sql", "--format", "json", "../../fixtures/slow.log"}, ""},
		{"fixtures-noschema.json", []string{"analyze", "../../fixtures/slow.log", "--format", "json"}, ""},
		{"fixtures-csvlog.input", []string{"analyze", "--schema", "../../fixtures/schema.sql", "--format", "json", "../../fixtures/slow.csv"}, "fixtures.json"},
		{"fixtures-jsonlog.input", []string{"analyze", "--schema", "../../fixtures/schema.sql", "--format", "json", "../../fixtures/slow.json"}, "fixtures.json"},
		{"fixtures-pgss.json", []string{"analyze", "--schema", "../../fixtures/schema.sql", "--format", "json", "../../fixtures/pgss.csv"}, ""},
		{"fixtures-sql.json", []string{"analyze", "--schema", "../../fixtures/schema.sql", "--format", "json", "../../fixtures/workload.sql"}, ""},
		{"fixtures-noisy.input", []string{"analyze", "--schema", "../../fixtures/schema.sql", "--format", "json", "../../fixtures/noisy.log"}, "fixtures.json"},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != exitOK {
				t.Fatalf("exit %d, stderr:\n%s", code, errOut)
			}
			if tt.sameAs != "" {
				input, rest := splitInput(out)
				golden(t, tt.golden, input)
				want, err := os.ReadFile(filepath.Join("testdata", tt.sameAs))
				if err != nil {
					t.Fatal(err)
				}
				if _, wantRest := splitInput(string(want)); rest != wantRest {
					t.Errorf("the report differs from %s beyond its input member:\n%s", tt.sameAs, cmp.Diff(wantRest, rest))
				}
			} else {
				golden(t, tt.golden, out)
			}
			// Same input, same bytes.
			if _, again, _ := runCLI(t, "", tt.args...); again != out {
				t.Error("output differs between two runs on the same input")
			}
		})
	}
}

// splitInput cuts a JSON report's "input" member (its lines) from the rest.
func splitInput(doc string) (input, rest string) {
	start := strings.Index(doc, "\n  \"input\": ")
	if start < 0 {
		return "", doc
	}
	end := strings.Index(doc[start+1:], "\n  \"")
	if end < 0 {
		return "", doc
	}
	end += start + 1
	return doc[start+1 : end+1], doc[:start+1] + doc[end+1:]
}

// TestLogFormatsAgree checks that the stderr, csvlog and jsonlog captures of
// one workload give the same query shapes and call counts: the readers must
// not lose or invent executions.
func TestLogFormatsAgree(t *testing.T) {
	calls := func(input string) map[string]int64 {
		code, out, errOut := runCLI(t, "", "analyze", "--format", "json", "--schema", "../../fixtures/schema.sql", input)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", input, code, errOut)
		}
		var doc struct {
			Queries []struct {
				Fingerprint string `json:"fingerprint"`
				Calls       int64  `json:"calls"`
			} `json:"queries"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		m := map[string]int64{}
		for _, q := range doc.Queries {
			m[q.Fingerprint] = q.Calls
		}
		return m
	}
	stderr := calls("../../fixtures/slow.log")
	if len(stderr) < 20 {
		t.Fatalf("only %d shapes in the stderr fixture", len(stderr))
	}
	for _, other := range []string{"../../fixtures/slow.csv", "../../fixtures/slow.json"} {
		if diff := cmp.Diff(stderr, calls(other)); diff != "" {
			t.Errorf("%s disagrees with slow.log (-stderr +%s):\n%s", other, filepath.Base(other), diff)
		}
	}
}

func TestAnalyzeStdin(t *testing.T) {
	sql := "SELECT * FROM orders WHERE id = 1;\nSELECT * FROM orders WHERE id = 2;\n"
	code, out, errOut := runCLI(t, sql, "analyze", "--input-format", "sql", "--format", "json", "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Input struct {
			Statements int64 `json:"statements"`
		} `json:"input"`
		Queries []struct {
			Calls  int64    `json:"calls"`
			Tables []string `json:"tables"`
		} `json:"queries"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Input.Statements != 2 || len(doc.Queries) != 1 || doc.Queries[0].Calls != 2 || doc.Queries[0].Tables[0] != "public.orders" {
		t.Errorf("got %+v", doc)
	}
}

func TestCommandLineErrors(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"no command", nil, exitUsage, "Usage:"},
		{"unknown command", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"no input", []string{"analyze"}, exitUsage, "no INPUT given"},
		{"bad format", []string{"analyze", "--format", "xml", "x.log"}, exitUsage, "want text, json or markdown"},
		{"bad input format", []string{"analyze", "--input-format", "xml", "x.log"}, exitUsage, "--input-format"},
		{"missing input", []string{"analyze", "/nonexistent/slow.log"}, exitError, "/nonexistent/slow.log"},
		{"missing schema", []string{"analyze", "--schema", "/nonexistent/schema.sql", "../../fixtures/slow.log"}, exitError, "/nonexistent/schema.sql"},
		{"unknown flag", []string{"analyze", "--frob", "x.log"}, exitUsage, "flag provided but not defined"},
		{"zero staleness", []string{"analyze", "--max-staleness", "0s", "x.log"}, exitUsage, "--max-staleness 0s"},
		{"staleness without unit", []string{"analyze", "--max-staleness", "15", "x.log"}, exitUsage, "max-staleness"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, tt.code, tt.inStderr)
			}
		})
	}
}

// TestMaxStaleness checks that --max-staleness reaches the summary advice:
// the fixture's dashboard summaries are priced and described with the
// period asked for.
func TestMaxStaleness(t *testing.T) {
	for _, tt := range []struct{ flag, want string }{{"", "every 15 minutes"}, {"2h", "every 2 hours"}} {
		args := []string{"analyze", "--schema", "../../fixtures/schema.sql", "../../fixtures/slow.log"}
		if tt.flag != "" {
			args = append(args, "--max-staleness", tt.flag)
		}
		code, out, errOut := runCLI(t, "", args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if !strings.Contains(out, tt.want) {
			t.Errorf("--max-staleness %q: no %q in the report", tt.flag, tt.want)
		}
		if tt.flag != "" && strings.Contains(out, "every 15 minutes") {
			t.Errorf("--max-staleness %q: the report still says every 15 minutes", tt.flag)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"analyze", "--help"}, {"help", "analyze"}} {
		code, out, errOut := runCLI(t, "", args...)
		if code != exitOK || !strings.Contains(out+errOut, "Usage:") {
			t.Errorf("%v: exit %d, no usage text", args, code)
		}
	}
	if code, out, _ := runCLI(t, "", "analyze", "--help"); code != exitOK || !strings.Contains(out, "Examples:") {
		t.Errorf("analyze --help: exit %d, want examples on stdout: %q", code, out)
	}
	if code, out, _ := runCLI(t, "", "version"); code != exitOK || !strings.HasPrefix(out, "pgadvise ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

func TestEmptyInput(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.log")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "analyze", "--format", "json", empty)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "no statements found") || !strings.Contains(out, `"empty_input": 1`) {
		t.Errorf("stderr %q, stdout %q", errOut, out)
	}
}

// TestMessagesEscaped: a message quoting a name from outside (here a file
// name) reaches standard error with its control characters escaped: no
// terminal sequence, no carriage return overwriting the line.
func TestMessagesEscaped(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "x\r::error::forged\x1b[31m.sql")
	code, _, stderr := runCLI(t, "", "analyze", "--schema", name, "../../fixtures/slow.log")
	if code == exitOK {
		t.Fatalf("a missing schema file exited 0: %q", stderr)
	}
	if strings.ContainsAny(stderr, "\r\x1b") {
		t.Errorf("stderr carries the name raw: %q", stderr)
	}
	if !strings.Contains(stderr, "forged") {
		t.Errorf("stderr lacks the (escaped) name: %q", stderr)
	}
}
