package report

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pgadvise/pgadvise/advisor"
	"github.com/pgadvise/pgadvise/capture"
	"github.com/pgadvise/pgadvise/catalog"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

const schemaPath = "schema/pgadvise-report.v1.json"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", schemaPath, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schemaPath, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatalf("compile %s: %v", schemaPath, err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, name string, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("%s does not validate against %s:\n%v", name, schemaPath, err)
	}
}

// TestGoldenReportsValidate checks every golden JSON report of the CLI's
// tests against the published schema.
func TestGoldenReportsValidate(t *testing.T) {
	s := compileSchema(t)
	n := 0
	err := filepath.WalkDir("../cmd/pgadvise/testdata", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var probe struct {
			Version *int `json:"version"`
		}
		if json.Unmarshal(data, &probe) != nil || probe.Version == nil {
			return nil // not a report (a fixture of another kind)
		}
		n++
		validate(t, s, path, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n += validateInputGoldens(t, s)
	if n < 5 {
		t.Fatalf("only %d golden reports found under ../cmd/pgadvise/testdata", n)
	}
}

// validateInputGoldens validates the reports the CLI's tests hold as an
// "input" member alone (testdata/*.input: the report equals fixtures.json
// but for it), each put into fixtures.json. It returns how many.
func validateInputGoldens(t *testing.T, s *jsonschema.Schema) int {
	t.Helper()
	paths, err := filepath.Glob("../cmd/pgadvise/testdata/*.input")
	if err != nil {
		t.Fatal(err)
	}
	base, err := os.ReadFile("../cmd/pgadvise/testdata/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		member, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var doc, input map[string]json.RawMessage
		if err := json.Unmarshal(base, &doc); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte("{"+strings.TrimSuffix(strings.TrimSpace(string(member)), ",")+"}"), &input); err != nil || input["input"] == nil {
			t.Fatalf("%s: not a report's input member: %v", path, err)
		}
		doc["input"] = input["input"]
		data, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		validate(t, s, path, data)
	}
	return len(paths)
}

// TestFullDocumentValidates fills every optional field, so that the schema's
// descriptions of fields the goldens lack are checked too.
func TestFullDocumentValidates(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, fullDocument()); err != nil {
		t.Fatal(err)
	}
	validate(t, compileSchema(t), "fullDocument()", buf.Bytes())

	// And the schema is not vacuous: a wrong kind, a missing field fail.
	s := compileSchema(t)
	for name, mutate := range map[string]func(m map[string]any){
		"bad kind":       func(m map[string]any) { rec(m)["kind"] = "create_table" },
		"no ddl":         func(m map[string]any) { delete(rec(m), "ddl") },
		"bad version":    func(m map[string]any) { m["version"] = 2 },
		"bad confidence": func(m map[string]any) { rec(m)["confidence"] = "medium" },
		"bad verification status": func(m map[string]any) {
			m["advice"].(map[string]any)["verification"].(map[string]any)["status"] = "ok"
		},
	} {
		var m map[string]any
		if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		mutate(m)
		data, _ := json.Marshal(m)
		inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if s.Validate(inst) == nil {
			t.Errorf("%s: validates, want an error", name)
		}
	}
}

func rec(m map[string]any) map[string]any {
	return m["recommendations"].([]any)[0].(map[string]any)
}

// TestSchemaCoversDocument walks the Go types of the Document: every JSON
// field must be described in the schema, required exactly when it is always
// written (no omitempty). A field added to the Document without its schema
// entry fails here.
func TestSchemaCoversDocument(t *testing.T) {
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	defs, _ := root["$defs"].(map[string]any)
	resolve := func(s map[string]any) map[string]any {
		for {
			ref, ok := s["$ref"].(string)
			if !ok {
				return s
			}
			s, _ = defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
			if s == nil {
				t.Fatalf("dangling $ref %s", ref)
			}
		}
	}
	var walk func(typ reflect.Type, s map[string]any, where string)
	walk = func(typ reflect.Type, s map[string]any, where string) {
		s = resolve(s)
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
			if typ.Kind() != reflect.Uint8 {
				if items, ok := s["items"].(map[string]any); ok {
					s = resolve(items)
				}
			}
		}
		if typ.Kind() != reflect.Struct || typ == reflect.TypeOf(time.Time{}) {
			return // time.Time is a date-time string
		}
		if typ == reflect.TypeOf(Recommendation{}) {
			typ = reflect.TypeOf(recommendationJSON{}) // what its MarshalJSON writes
		}
		props, _ := s["properties"].(map[string]any)
		var required []string
		for _, r := range s["required"].([]any) {
			required = append(required, r.(string))
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" || !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" {
				name = f.Name
			}
			p, ok := props[name].(map[string]any)
			if !ok {
				t.Errorf("%s.%s (%q) is not described in %s", where, f.Name, name, schemaPath)
				continue
			}
			omit := strings.Contains(opts, "omitempty")
			if isReq := slices.Contains(required, name); isReq == omit {
				t.Errorf("%s.%s (%q): required in the schema = %v, but omitempty = %v", where, f.Name, name, isReq, omit)
			}
			walk(f.Type, p, where+"."+f.Name)
		}
	}
	walk(reflect.TypeOf(Document{}), root, "Document")
}

// fullDocument is a document with every optional field set.
func fullDocument() *Document {
	return &Document{
		Version: Version,
		Input: Input{
			Files:  []File{{Name: "slow.log", Format: "stderr", Bytes: 10, Lines: 2, Statements: 1}},
			Schema: "schema.sql", SchemaTables: 1, Statements: 1, Records: 1, Shapes: 1,
			Skipped: 1, SkippedByReason: map[string]int64{"other_message": 1},
			SkippedWhere: map[string][]string{"other_message": {"slow.log:1"}},
		},
		Queries: []Query{{
			Fingerprint: "0123456789abcdef", Query: "SELECT * FROM t WHERE a = $1", Kind: "select",
			Calls: 3, TotalMS: 1.5, MeanMS: 0.5, MaxMS: 1, Timed: true, Tables: []string{"public.t"},
			Sample: "SELECT * FROM t WHERE a = 42", SampleParams: []string{"42"},
		}},
		Tables: []Table{{
			Table: "public.t", Known: true, Reads: 3,
			Columns:    []Column{{Column: "a", Filters: map[string]int64{"eq": 3}, Expression: true, Joins: 1, GroupBy: 1, OrderBy: 1, Projected: 1, Updated: 1}},
			FilterSets: []FilterSet{{Columns: []string{"a"}, Calls: 3, TotalMS: 1.5, Queries: []string{"0123456789abcdef"}}},
			Queries:    []string{"0123456789abcdef"},
		}},
		Advice: Advice{Assumptions: []string{"x"}, WorkloadCost: 100, WorkloadCostAfter: 10, MinBenefit: 1, BudgetBytes: 1e9, Evaluations: 5,
			Verification: &VerificationSummary{Status: "partial", Note: "n", PlannerCost: 10, PlannerCostAfter: 1, Measured: 1, LeftOut: 1,
				Unmeasured: []UnmeasuredQuery{{Fingerprint: "0123456789abcdef", Calls: 3, Status: "not_explained", Reason: `ERROR: invalid input syntax for type integer: "…" (SQLSTATE 22P02)`}},
				Verified:   1, WhatIfCalls: 2, Pruned: []string{"i"}},
			Execution: &ExecutionSummary{Status: "done", Note: "n", Kept: 1, Runs: 8, Rounds: 3, MinGain: 0.1, MaxRegression: 0.1,
				StatementTimeoutMS: 30000, BudgetMS: 600000, ElapsedMS: 12, BudgetExhausted: true, Pruned: []string{"i"}}},
		Recommendations: []Recommendation{{Recommendation: advisor.Recommendation{Kind: "summary_table", Table: catalog.QualifiedName{Schema: "public", Name: "t"}, DDL: "CREATE MATERIALIZED VIEW t_daily AS SELECT 1;", Benefit: 90, WriteCost: 1, SizeBytes: 8192, SavedMS: 1, Queries: []string{"0123456789abcdef"}, Reason: "r", Confidence: "high", DownDDL: "DROP MATERIALIZED VIEW IF EXISTS t_daily;", ContainsLiteral: true, Steps: []string{"CREATE MATERIALIZED VIEW t_daily AS SELECT 1;", "-- refresh nightly"}, Verification: &advisor.Verification{Status: "verified", Note: "n", CostBefore: 10, CostAfter: 1,
			Queries: []advisor.QueryVerification{{Fingerprint: "0123456789abcdef", CostBefore: 10, CostAfter: 1, UsesIndex: true, Error: "e"}}}, Summary: &advisor.SummaryDetail{Name: "t_daily", RewrittenQueries: []advisor.RewrittenQuery{{Fingerprint: "0123456789abcdef", Original: "SELECT …", Rewritten: "SELECT … FROM t_daily"}}}}, Execution: &Execution{Status: "kept", Note: "n", DDL: "CREATE INDEX i ON t (a);", BuildMS: 3, MSBefore: 30, MSAfter: 3,
			Queries: []QueryExecution{{Fingerprint: "0123456789abcdef", Calls: 3, Samples: 1, Runs: 3, MSBefore: 10, MSAfter: 1,
				BeforeTimedOut: true, AfterTimedOut: true, UsesIndex: true, NotMeasured: "x"}}}}},
		Rejected: []Recommendation{},
		Baseline: &Baseline{Path: "old.json", Unchanged: 2, Gone: []BaselineItem{{Kind: "create_index", Table: "public.t", Index: "i", DDL: "CREATE INDEX …"}}},
	}
}

// TestSchemaKindsAreTheAdvisorsKinds checks that the JSON Schema's enum of
// recommendation kinds is the advisor's list of kinds: a kind added to one
// and not the other fails here.
func TestSchemaKindsAreTheAdvisorsKinds(t *testing.T) {
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Defs struct {
			Recommendation struct {
				Properties struct {
					Kind struct {
						Enum []string `json:"enum"`
					} `json:"kind"`
				} `json:"properties"`
			} `json:"recommendation"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", schemaPath, err)
	}
	got := slices.Clone(doc.Defs.Recommendation.Properties.Kind.Enum)
	var want []string
	for _, k := range advisor.Kinds() {
		want = append(want, string(k.Kind))
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(got) == 0 || !slices.Equal(got, want) {
		t.Errorf("%s: recommendation kind enum %q, the advisor's kinds %q", schemaPath, got, want)
	}
}

// TestSchemaFormatsAreCaptures: the JSON Schema's enum of input file
// formats is capture's list of formats.
func TestSchemaFormatsAreCaptures(t *testing.T) {
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Defs map[string]struct {
			Properties map[string]struct {
				Enum []string `json:"enum"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", schemaPath, err)
	}
	got := slices.Clone(doc.Defs["file"].Properties["format"].Enum)
	var want []string
	for _, f := range capture.Formats() {
		want = append(want, string(f))
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(got) == 0 || !slices.Equal(got, want) {
		t.Errorf("%s: file format enum %q, capture's formats %q", schemaPath, got, want)
	}
}
