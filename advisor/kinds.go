package advisor

import (
	"fmt"
	"time"

	"github.com/pgadvise/pgadvise/analyzer"
)

// KindInfo describes one kind of recommendation, as go/analysis's Analyzer
// describes an analysis: its name, how readers present it, and the pass
// that makes it. Advise runs the passes of Kinds in order; the report's
// sections, the migrations' order, --fail-on and the JSON Schema's enum all
// read the same list, so that a new kind is one new file (its pass and its
// entry) plus its tests.
type KindInfo struct {
	// Kind is the name recommendations carry ("create_index").
	Kind Kind
	// Title heads the kind's section of a report.
	Title string
	// Rank orders migrations: lower first. New structures come before
	// drops, so that no query loses an index before its replacement exists.
	Rank int
	// FileWord starts the file names of the kind's migrations
	// ("create_orders_user_id_idx").
	FileWord string
	// Detail is the detail its recommendations carry besides the header.
	Detail Detail

	// pass makes the kind's recommendations. Kinds that one pass makes
	// together (drop_index and unused_index: index hygiene) share it; it
	// runs once.
	pass *pass
}

// Detail names the typed detail of a recommendation (Recommendation's
// Index, Summary, Partition or Distribution).
type Detail int

// The details.
const (
	DetailIndex     Detail = iota + 1 // Index
	DetailSummary                     // Summary
	DetailPartition                   // Partition, or Distribution (a partitioning across nodes)
)

// CheckDetail reports an error unless r carries exactly one detail, the
// one its kind declares.
func (r *Recommendation) CheckDetail() error {
	set := 0
	for _, p := range []bool{r.Index != nil, r.Summary != nil, r.Partition != nil, r.Distribution != nil} {
		if p {
			set++
		}
	}
	k, ok := LookupKind(string(r.Kind))
	switch {
	case !ok:
		return fmt.Errorf("advisor: %s on %s: no such kind", r.Kind, r.Table)
	case set != 1:
		return fmt.Errorf("advisor: %s on %s: %d details, want 1", r.Kind, r.Table, set)
	case k.Detail == DetailIndex && r.Index == nil,
		k.Detail == DetailSummary && r.Summary == nil,
		k.Detail == DetailPartition && r.Partition == nil && r.Distribution == nil:
		return fmt.Errorf("advisor: %s on %s: not the detail its kind declares", r.Kind, r.Table)
	}
	return nil
}

// pass is one step of Advise: it reads the model (and what earlier passes
// left in the run) and returns recommendations and rejected candidates.
type pass struct {
	run func(*run) (recs, rejected []Recommendation)
}

// run is the state of one Advise call that its passes share.
type run struct {
	m          *model
	w          *analyzer.Workload
	opt        Options
	res        *Result
	minBenefit float64
	budget     float64
	now        time.Time
	// sel is the index selection, and after the run cost of each access
	// with the chosen indexes, once the create_index pass has run.
	sel   *selection
	after map[*accessModel]float64
}

// kinds is the list of recommendation kinds, in the order of a report's
// sections. Each pass may read what the passes before it left in the run.
var kinds = []KindInfo{
	{Kind: KindCreateIndex, Title: "Indexes to create", Rank: 0, FileWord: "create", Detail: DetailIndex, pass: indexPass},
	{Kind: KindDropIndex, Title: "Indexes to drop", Rank: 3, FileWord: "drop", Detail: DetailIndex, pass: hygienePass},
	{Kind: KindSummaryTable, Title: "Summary tables", Rank: 1, FileWord: "summary", Detail: DetailSummary, pass: summaryPass},
	{Kind: KindPartition, Title: "Partitioning", Rank: 2, FileWord: "partition", Detail: DetailPartition, pass: partitionPass},
	{Kind: KindUnusedIndex, Title: "Indexes no captured query used (low confidence)", Rank: 4, FileWord: "drop", Detail: DetailIndex, pass: hygienePass},
}

// Kinds returns the recommendation kinds, in the order of a report's
// sections.
func Kinds() []KindInfo { return append([]KindInfo(nil), kinds...) }

// LookupKind returns the description of a kind, and whether it is one.
func LookupKind(name string) (KindInfo, bool) {
	for _, k := range kinds {
		if string(k.Kind) == name {
			return k, true
		}
	}
	return KindInfo{}, false
}
