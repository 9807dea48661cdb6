package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pgadvise/pgadvise/analyzer"
	"github.com/pgadvise/pgadvise/internal/filekind"
)

// Baseline records the comparison of a run with an earlier report.
type Baseline struct {
	// Path is the earlier report's file.
	Path string `json:"path"`
	// Unchanged counts this run's recommendations that the baseline already
	// had: they are left out of Recommendations.
	Unchanged int `json:"unchanged"`
	// Gone lists the baseline's recommendations this run no longer makes
	// (applied since, or no longer worth it).
	Gone []BaselineItem `json:"gone"`
}

// BaselineItem names a recommendation of the baseline.
type BaselineItem struct {
	Kind  string `json:"kind"`
	Table string `json:"table"`
	Index string `json:"index,omitempty"`
	DDL   string `json:"ddl"`
}

// ReadBaseline reads an earlier run's JSON report (pgadvise analyze --format
// json) for FilterBaseline.
func ReadBaseline(path string) (*Document, error) {
	kind, err := filekind.DetectFile(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	if err := filekind.Check(path, kind, filekind.BaselineRole); err != nil {
		return nil, fmt.Errorf("baseline %w", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	defer f.Close()
	return decodeBaseline(f, path)
}

func decodeBaseline(r io.Reader, path string) (*Document, error) {
	var d Document
	dec := json.NewDecoder(r)
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("baseline %s: not a pgadvise JSON report: %w", path, err)
	}
	if d.Version != Version {
		return nil, fmt.Errorf("baseline %s: report version %d, want %d (a pgadvise analyze --format json output)", path, d.Version, Version)
	}
	return &d, nil
}

// baselineKey identifies a recommendation across runs: its kind, table and
// DDL (white space folded), so that the same advice matches whatever its
// figures became.
func baselineKey(kind, table, ddl string) string {
	return kind + "\x00" + table + "\x00" + strings.Join(strings.Fields(ddl), " ")
}

// FilterBaseline keeps in d only the recommendations the baseline did not
// have (matched on kind, table and DDL), and records in d.Baseline how many
// were left out and which of the baseline's are gone. path is only recorded.
func FilterBaseline(d *Document, base *Document, path string) {
	old := make(map[string]bool, len(base.Recommendations))
	for _, r := range base.Recommendations {
		old[baselineKey(r.kind(), r.table(), r.DDL)] = true
	}
	now := make(map[string]bool, len(d.Recommendations))
	b := &Baseline{Path: path, Gone: []BaselineItem{}}
	kept := make([]Recommendation, 0, len(d.Recommendations))
	for _, r := range d.Recommendations {
		k := baselineKey(r.kind(), r.table(), r.DDL)
		now[k] = true
		if old[k] {
			b.Unchanged++
			continue
		}
		kept = append(kept, r)
	}
	for _, r := range base.Recommendations {
		k := baselineKey(r.kind(), r.table(), r.DDL)
		if !now[k] {
			now[k] = true // list a duplicate of the baseline once
			b.Gone = append(b.Gone, BaselineItem{Kind: r.kind(), Table: r.table(), Index: r.Label(), DDL: r.DDL})
		}
	}
	d.Recommendations = kept
	d.Baseline = b
}

// IncludeSamples adds to each query of d the text of one execution with its
// real values, and its bind parameters, from the workload. They can hold
// customer data: call it only when the user asked (--show-values).
func IncludeSamples(d *Document, w *analyzer.Workload) {
	byFP := make(map[string]*analyzer.QueryShape, len(w.Shapes))
	for _, s := range w.Shapes {
		byFP[s.Fingerprint] = s
	}
	for i := range d.Queries {
		q := &d.Queries[i]
		if s := byFP[q.Fingerprint]; s != nil {
			q.Sample = s.SampleQuery
			if len(s.SampleParams) > 0 {
				q.SampleParams = append([]string(nil), s.SampleParams...)
			}
		}
	}
}
