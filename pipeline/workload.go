package pipeline

// Reading the workload: the input files, a Source, or the database's
// pg_stat_statements (live, or as a snapshot saved it).

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/safetext"
)

// readWorkload feeds a every statement of the workload and returns what
// each input read.
func (r *runner) readWorkload(ctx context.Context, a *analyzer.Analyzer) ([]*capture.Stats, error) {
	cfg := r.cfg
	emit := func(st *capture.Statement) error { a.Add(st); return nil }
	var stats []*capture.Stats
	for _, in := range cfg.Inputs {
		a.SetSource(in)
		st, err := r.readInput(in, emit)
		if err != nil {
			return nil, err
		}
		stats = append(stats, st)
		if summary := SkipSummary(st); summary != "" {
			fmt.Fprintf(r.msg, "pgadvise: %s: skipped %s\n", safetext.Line(in), summary)
		}
	}
	if src := cfg.Statements; src != nil {
		a.SetSource(src.Name)
		st, err := src.Read(emit)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src.Name, err)
		}
		stats = append(stats, st)
	}
	st, err := r.db.readWorkload(ctx, a, r.cfg.SnapshotPath, r.msg)
	if err != nil {
		return nil, err
	}
	if st != nil {
		stats = append(stats, st)
	}
	return stats, nil
}

// readInput reads one input (a path, or - for standard input) as
// capture.ReadFile does, through the progress line when there is one.
func (r *runner) readInput(in string, emit func(*capture.Statement) error) (*capture.Stats, error) {
	cfg, prog := r.cfg, r.cfg.Progress
	if prog == nil {
		if in == "-" {
			return capture.Read(cfg.Stdin, "-", cfg.InputFormat, emit)
		}
		return capture.ReadFile(in, cfg.InputFormat, emit)
	}
	defer prog.Clear() // messages about this input follow on a clean line
	counted := func(st *capture.Statement) error {
		prog.Statement()
		return emit(st)
	}
	if in == "-" {
		return capture.Read(prog.Reader(cfg.Stdin, "-"), "-", cfg.InputFormat, counted)
	}
	f, err := os.Open(in)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return capture.Read(prog.Reader(f, in), in, cfg.InputFormat, counted)
}

// SkipSummary describes what st skipped for reasons a person should look
// at ("3 invalid_utf8 (first at line 12)"); routine skips, such as
// protocol steps, are only in the report.
func SkipSummary(st *capture.Stats) string {
	var parts []string
	for reason, c := range st.Skipped {
		if reason.Routine() {
			continue
		}
		parts = append(parts, fmt.Sprintf("%d %s (first at line %d)", c.Count, reason, c.FirstLines[0]))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// replaySnapshot hands a snapshot's workload to emit as
// ReadPGStatStatementsLive hands the rows it read.
func replaySnapshot(snap *catalog.Snapshot, name string, emit func(*capture.Statement) error) *capture.Stats {
	st := &capture.Stats{Name: name, Format: capture.FormatPGSS}
	for i, w := range snap.Workload {
		line := int64(i + 1)
		st.Lines = line
		st.Bytes += int64(len(w.Query))
		switch {
		case strings.TrimSpace(w.Query) == "":
			st.Skip(capture.ReasonNoQueryText, line)
			continue
		case w.Calls == 0:
			st.Skip(capture.ReasonNoCalls, line)
			continue
		case len(w.Query) > capture.MaxStatementBytes:
			st.Skip(capture.ReasonTooLong, line)
			continue
		case !utf8.ValidString(w.Query):
			st.Skip(capture.ReasonInvalidUTF8, line)
			continue
		case !capture.ValidCount(w.Calls) || !capture.ValidCount(w.Rows) || !capture.ValidMS(w.TotalMS) || !capture.ValidMS(w.MaxMS):
			st.Skip(capture.ReasonBadValue, line)
			continue
		case capture.TooDeep([]byte(w.Query)):
			st.Skip(capture.ReasonTooDeep, line)
			continue
		case capture.HoldsSecret([]byte(w.Query)):
			// A snapshot of an older pgadvise, or made by hand.
			st.Skip(capture.ReasonSecret, line)
			continue
		}
		st.Statements++
		_ = emit(&capture.Statement{Query: []byte(w.Query), Calls: w.Calls, Timed: true,
			TotalMS: w.TotalMS, MaxMS: w.MaxMS, Rows: w.Rows, Line: line})
	}
	return st
}
