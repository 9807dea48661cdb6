package report

import (
	"encoding/json"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/catalog"
)

// Recommendation is one piece of advice in the report: the advisor's
// typed recommendation (the header every kind has, and the detail of its
// kind), and what the run learned of it afterwards. Benefit and WriteCost
// are in planner cost units summed over the workload's calls.
//
// Its JSON is the v1 document's flat list of members (recommendationJSON),
// written and read by MarshalJSON and UnmarshalJSON alone.
type Recommendation struct {
	advisor.Recommendation
	// Assumed says that Benefit and SizeBytes rest on an assumed table size
	// (no statistics for the table): they compare recommendations with one
	// another, not with the real database.
	Assumed bool
	// Execution is what measured execution found (--verify=execute).
	Execution *Execution
}

// Label names the recommendation in the report (the JSON's "index"
// member): the index, the summary table or the partitioned table it
// creates or drops; for a Citus distribution, which creates nothing of its
// own, "distributed by" and the column.
func (r Recommendation) Label() string {
	if d := r.Distribution; d != nil {
		return "distributed by " + d.Column
	}
	return r.Name()
}

// recommendationJSON is a recommendation as the v1 document writes it: one
// flat object whatever the kind, the detail's members empty where they do
// not apply. Its members and their order are the format; see
// schema/pgadvise-report.v1.json.
type recommendationJSON struct {
	Kind            string            `json:"kind"`
	Table           string            `json:"table"`
	Index           string            `json:"index"`
	DDL             string            `json:"ddl"`
	Benefit         float64           `json:"benefit"`
	WriteCost       float64           `json:"write_cost"`
	SizeBytes       int64             `json:"size_bytes"`
	SavedMS         float64           `json:"saved_ms,omitempty"`
	Assumed         bool              `json:"assumed,omitempty"`
	Queries         []string          `json:"queries"`
	Reason          string            `json:"reason"`
	Confidence      string            `json:"confidence"`
	ContainsLiteral bool              `json:"contains_literal,omitempty"`
	DownDDL         string            `json:"down_ddl,omitempty"`
	Steps           []string          `json:"steps,omitempty"`
	Rewritten       []rewrittenJSON   `json:"rewritten_queries,omitempty"`
	PartitionKey    string            `json:"partition_key,omitempty"`
	Strategy        string            `json:"strategy,omitempty"`
	PrunedShare     float64           `json:"pruned_share,omitempty"`
	Verification    *verificationJSON `json:"verification,omitempty"`
	Execution       *Execution        `json:"execution,omitempty"`
}

// rewrittenJSON is a served query as it reads from a summary table.
type rewrittenJSON struct {
	Fingerprint string `json:"fingerprint"`
	Original    string `json:"original"`
	Rewritten   string `json:"rewritten"`
}

// verificationJSON is what the planner said of a recommendation (HypoPG).
type verificationJSON struct {
	Status     string              `json:"status"` // verified, not_used, unverifiable
	Note       string              `json:"note,omitempty"`
	CostBefore float64             `json:"cost_before"`
	CostAfter  float64             `json:"cost_after"`
	Queries    []queryVerification `json:"queries,omitempty"`
}

// queryVerification is one query's planner cost without and with the index.
type queryVerification struct {
	Fingerprint string  `json:"fingerprint"`
	CostBefore  float64 `json:"cost_before"`
	CostAfter   float64 `json:"cost_after"`
	UsesIndex   bool    `json:"uses_index"`
	Error       string  `json:"error,omitempty"`
}

// MarshalJSON writes the recommendation as the v1 document does.
func (r Recommendation) MarshalJSON() ([]byte, error) {
	out := recommendationJSON{
		Kind: r.kind(), Table: r.table(), Index: r.Label(), DDL: r.DDL,
		Benefit: r.Benefit, WriteCost: r.WriteCost, SizeBytes: r.SizeBytes, SavedMS: r.SavedMS, Assumed: r.Assumed,
		Queries: r.Queries, Reason: r.Reason, Confidence: r.Confidence, ContainsLiteral: r.ContainsLiteral,
		DownDDL: r.DownDDL, Steps: r.Steps, Execution: r.Execution,
	}
	if out.Queries == nil {
		out.Queries = []string{}
	}
	for _, rw := range r.rewritten() {
		out.Rewritten = append(out.Rewritten, rewrittenJSON{rw.Fingerprint, rw.Original, rw.Rewritten})
	}
	out.PartitionKey, out.Strategy, out.PrunedShare = r.Partitioning()
	if v := r.Verification; v != nil {
		out.Verification = &verificationJSON{Status: string(v.Status), Note: v.Note, CostBefore: v.CostBefore, CostAfter: v.CostAfter}
		for _, q := range v.Queries {
			out.Verification.Queries = append(out.Verification.Queries, queryVerification{q.Fingerprint, q.CostBefore, q.CostAfter, q.UsesIndex, q.Error})
		}
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a recommendation of a v1 document (a baseline): the
// kind, and for a partition its strategy, say which detail the members
// fill.
func (r *Recommendation) UnmarshalJSON(data []byte) error {
	var in recommendationJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	*r = Recommendation{Assumed: in.Assumed, Execution: in.Execution}
	a := &r.Recommendation
	a.Kind, a.Table, a.DDL = advisor.Kind(in.Kind), catalog.ParseQualifiedName(in.Table), in.DDL
	a.Benefit, a.WriteCost, a.SizeBytes, a.SavedMS = in.Benefit, in.WriteCost, in.SizeBytes, in.SavedMS
	a.Queries, a.Reason, a.Confidence, a.ContainsLiteral = in.Queries, in.Reason, in.Confidence, in.ContainsLiteral
	a.DownDDL, a.Steps = in.DownDDL, in.Steps
	k, _ := advisor.LookupKind(in.Kind)
	switch {
	case k.Detail == advisor.DetailSummary:
		a.Summary = &advisor.SummaryDetail{Name: in.Index}
		for _, rw := range in.Rewritten {
			a.Summary.RewrittenQueries = append(a.Summary.RewrittenQueries, advisor.RewrittenQuery{Fingerprint: rw.Fingerprint, Original: rw.Original, Rewritten: rw.Rewritten})
		}
	case k.Detail == advisor.DetailPartition && in.Strategy == advisor.StrategyCitus:
		a.Distribution = &advisor.DistributionDetail{Column: in.PartitionKey, PrunedShare: in.PrunedShare}
	case k.Detail == advisor.DetailPartition:
		a.Partition = &advisor.PartitionDetail{Parent: in.Index, Key: in.PartitionKey, Strategy: in.Strategy, PrunedShare: in.PrunedShare}
	default: // the index kinds, and a kind this version does not know
		a.Index = &advisor.IndexDetail{Name: in.Index}
	}
	if v := in.Verification; v != nil {
		a.Verification = &advisor.Verification{Status: advisor.VerificationStatus(v.Status), Note: v.Note, CostBefore: v.CostBefore, CostAfter: v.CostAfter}
		for _, q := range v.Queries {
			a.Verification.Queries = append(a.Verification.Queries, advisor.QueryVerification{Fingerprint: q.Fingerprint,
				CostBefore: q.CostBefore, CostAfter: q.CostAfter, UsesIndex: q.UsesIndex, Error: q.Error})
		}
	}
	return nil
}

// kind is the header's kind as the report writes it.
func (r Recommendation) kind() string { return string(r.Kind) }

// table is the header's table as the report writes it: schema.name, or the
// name alone when a report read back (a baseline written by hand) gave no
// schema.
func (r Recommendation) table() string {
	if r.Table.Schema == "" {
		return catalog.QuoteIdent(r.Table.Name)
	}
	return r.Table.String()
}

// rewritten is how each query a summary table serves reads from it (nil
// for the other kinds).
func (r Recommendation) rewritten() []advisor.RewrittenQuery {
	if r.Summary == nil {
		return nil
	}
	return r.Summary.RewrittenQueries
}

// partitionKey is the column a partitioning or a distribution splits by.
func partitionKey(r Recommendation) string {
	key, _, _ := r.Partitioning()
	return key
}
