package pipeline

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/report"
)

// fixtures is the README's run: the bundled schema and slow-query log,
// with the command's default options.
func fixtures() Config {
	return Config{
		Inputs:     []string{"../fixtures/slow.log"},
		SchemaFile: "../fixtures/schema.sql",
		Advisor: advisor.Options{MinBenefit: advisor.DefaultMinBenefitShare, MinBenefitIsShare: true,
			MaxStaleness: advisor.DefaultMaxStaleness},
	}
}

// TestRunIsTheCommand: the pipeline run from a Config gives, byte for byte,
// the report the command writes for the same flags (its golden file, which
// names the files as seen from cmd/pgadvise).
func TestRunIsTheCommand(t *testing.T) {
	t.Chdir("../cmd/pgadvise")
	cfg := fixtures()
	cfg.Inputs, cfg.SchemaFile = []string{"../../fixtures/slow.log"}, "../../fixtures/schema.sql"
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := report.WriteJSON(&got, res.Document); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("the pipeline's report differs from pgadvise analyze --format json's (cmd/pgadvise/testdata/fixtures.json)")
	}
	if res.Workload == nil || res.Advice == nil || len(res.Advice.Recommendations) == 0 || res.Verified != nil {
		t.Errorf("result: workload %v, advice %v, verified %v", res.Workload != nil, res.Advice != nil, res.Verified)
	}
}

// slowClock advances a second at each reading: every phase lasts long
// enough to be drawn. The progress line reads it from several goroutines.
type slowClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *slowClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// TestRunProgress: on a terminal the progress line covers the reading and,
// when it lasts, the advisor's phase; it is erased before the run returns.
func TestRunProgress(t *testing.T) {
	var line bytes.Buffer
	clock := &slowClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	cfg := fixtures()
	cfg.Progress = report.NewProgress(&line, 0, clock.now)
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := line.String()
	for _, want := range []string{"reading ", "../fixtures/slow.log",
		"advising: " + strconv.Itoa(len(res.Workload.Shapes)) + " shapes, ", " candidates priced…"} {
		if !strings.Contains(out, want) {
			t.Errorf("the progress line never showed %q:\n%q", want, out)
		}
	}
	if !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("the line was not erased at the end: %q", out[max(0, len(out)-60):])
	}
}

// TestRunStatements: a workload that comes from no file (a benchmark's
// queries) runs through the same steps, named as the Source is.
func TestRunStatements(t *testing.T) {
	var msg bytes.Buffer
	queries := []string{
		"SELECT * FROM orders WHERE customer_id = 42",
		"SELECT * FROM orders WHERE customer_id = 7",
		"SELECT count(*) FROM orders WHERE status = 'paid'",
	}
	cfg := fixtures()
	cfg.Inputs, cfg.Messages = nil, &msg
	cfg.Statements = &Source{Name: "generated", Read: func(emit func(*capture.Statement) error) (*capture.Stats, error) {
		st := &capture.Stats{Name: "generated", Format: capture.FormatSQL}
		for i, q := range queries {
			st.Statements++
			if err := emit(&capture.Statement{Query: []byte(q), Calls: 100, Line: int64(i + 1)}); err != nil {
				return nil, err
			}
		}
		return st, nil
	}}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	d := res.Document
	if len(d.Input.Files) != 1 || d.Input.Files[0].Name != "generated" || d.Input.Statements != 300 || len(res.Workload.Shapes) != 2 {
		t.Errorf("input %+v, %d shapes; want the source's 300 statements in 2 shapes", d.Input, len(res.Workload.Shapes))
	}
	if msg.Len() != 0 {
		t.Errorf("messages: %q", msg.String())
	}
}

// TestRunMessages: what a person should know goes to Messages, and a
// failure is an error naming what failed.
func TestRunMessages(t *testing.T) {
	var msg bytes.Buffer
	empty := t.TempDir() + "/empty.log"
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fixtures()
	cfg.Inputs, cfg.Messages = []string{empty}, &msg
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg.String(), "pgadvise: no statements found in the input(s)") {
		t.Errorf("messages: %q", msg.String())
	}
	cfg.Inputs = []string{t.TempDir() + "/missing.log"}
	if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "missing.log") {
		t.Errorf("a missing input: %v", err)
	}
}
