package catalog

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parse reads src and fails the test on parse failures or warnings.
func parse(t *testing.T, src string) *Schema {
	t.Helper()
	s, rep, err := ParseDDL(src)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed != 0 || len(rep.Warnings) != 0 {
		t.Fatalf("report: %+v", rep)
	}
	return s
}

func mustTable(t *testing.T, s *Schema, schema, name string) *Table {
	t.Helper()
	tb := s.Lookup(schema, name)
	if tb == nil {
		var names []string
		for _, x := range s.SortedTables() {
			names = append(names, x.Name.String())
		}
		t.Fatalf("no table %s.%s; have %v", schema, name, names)
	}
	return tb
}

func mustIndex(t *testing.T, tb *Table, name string) Index {
	t.Helper()
	for _, ix := range tb.Indexes {
		if ix.Name == name {
			return ix
		}
	}
	var names []string
	for _, ix := range tb.Indexes {
		names = append(names, ix.Name)
	}
	t.Fatalf("no index %s on %s; have %v", name, tb.Name, names)
	return Index{}
}

func indexNames(tb *Table) []string {
	var names []string
	for _, ix := range tb.Indexes {
		names = append(names, ix.Name)
	}
	return names
}

func ptr[T any](v T) *T { return &v }

func TestAlterTableForms(t *testing.T) {
	base := `CREATE TABLE public.users (id integer NOT NULL, email text, org integer, during tstzrange);
CREATE TABLE public.orgs (id integer NOT NULL);
CREATE TABLE public.events (at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE public.events_2024 (at date NOT NULL);
`
	tests := []struct {
		name  string
		alter string
		check func(t *testing.T, s *Schema)
	}{
		{"add primary key", `ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);`,
			func(t *testing.T, s *Schema) {
				u := mustTable(t, s, "public", "users")
				want := Index{Name: "users_pkey", Table: u.Name, Method: "btree", Unique: true, Constraint: ConstraintPrimaryKey,
					Keys: []IndexKey{{Column: "id"}}, Definition: "CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)"}
				if diff := cmp.Diff(want, mustIndex(t, u, "users_pkey")); diff != "" {
					t.Error(diff)
				}
				if diff := cmp.Diff([]string{"id"}, u.PrimaryKey); diff != "" {
					t.Error(diff)
				}
			}},
		{"add unique", `ALTER TABLE ONLY public.users ADD CONSTRAINT users_email_key UNIQUE (email);`,
			func(t *testing.T, s *Schema) {
				u := mustTable(t, s, "public", "users")
				ix := mustIndex(t, u, "users_email_key")
				if !ix.Unique || ix.Constraint != ConstraintUnique {
					t.Errorf("index %+v", ix)
				}
				if diff := cmp.Diff([][]string{{"email"}}, u.Uniques); diff != "" {
					t.Error(diff)
				}
			}},
		{"add unique without a name", `ALTER TABLE public.users ADD UNIQUE (email, org);`,
			func(t *testing.T, s *Schema) {
				mustIndex(t, mustTable(t, s, "public", "users"), "users_email_org_key")
			}},
		{"add foreign key", `ALTER TABLE ONLY public.users ADD CONSTRAINT users_org_fkey FOREIGN KEY (org) REFERENCES public.orgs(id) ON DELETE CASCADE;`,
			func(t *testing.T, s *Schema) {
				want := []ForeignKey{{Name: "users_org_fkey", Columns: []string{"org"}, RefTable: QualifiedName{"public", "orgs"}, RefColumns: []string{"id"}}}
				if diff := cmp.Diff(want, mustTable(t, s, "public", "users").ForeignKeys); diff != "" {
					t.Error(diff)
				}
			}},
		{"add foreign key to a primary key", `ALTER TABLE public.orgs ADD PRIMARY KEY (id); ALTER TABLE public.users ADD FOREIGN KEY (org) REFERENCES orgs;`,
			func(t *testing.T, s *Schema) {
				want := []ForeignKey{{Name: "users_org_fkey", Columns: []string{"org"}, RefTable: QualifiedName{"public", "orgs"}, RefColumns: []string{"id"}}}
				if diff := cmp.Diff(want, mustTable(t, s, "public", "users").ForeignKeys); diff != "" {
					t.Error(diff)
				}
			}},
		{"add exclusion", `ALTER TABLE ONLY public.users ADD CONSTRAINT users_excl EXCLUDE USING gist (org WITH =, during WITH &&) WHERE (org > 0);`,
			func(t *testing.T, s *Schema) {
				ix := mustIndex(t, mustTable(t, s, "public", "users"), "users_excl")
				want := Index{Name: "users_excl", Table: QualifiedName{"public", "users"}, Method: "gist", Constraint: ConstraintExclusion,
					Keys: []IndexKey{{Column: "org"}, {Column: "during"}}, Predicate: "org > 0",
					Definition: "CREATE INDEX users_excl ON public.users USING gist (org, during) WHERE org > 0"}
				if diff := cmp.Diff(want, ix); diff != "" {
					t.Error(diff)
				}
			}},
		{"unique using index", `CREATE UNIQUE INDEX users_email_idx ON public.users USING btree (email);
ALTER TABLE public.users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;`,
			func(t *testing.T, s *Schema) {
				u := mustTable(t, s, "public", "users")
				if diff := cmp.Diff([]string{"users_email_key"}, indexNames(u)); diff != "" {
					t.Error(diff)
				}
				ix := u.Indexes[0]
				if ix.Constraint != ConstraintUnique || ix.Definition != "CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)" {
					t.Errorf("index %+v", ix)
				}
				if diff := cmp.Diff([][]string{{"email"}}, u.Uniques); diff != "" {
					t.Error(diff)
				}
			}},
		{"primary key using index", `CREATE UNIQUE INDEX users_id_idx ON public.users (id);
ALTER TABLE public.users ADD PRIMARY KEY USING INDEX users_id_idx;`,
			func(t *testing.T, s *Schema) {
				u := mustTable(t, s, "public", "users")
				if ix := mustIndex(t, u, "users_id_idx"); ix.Constraint != ConstraintPrimaryKey {
					t.Errorf("index %+v", ix)
				}
				if diff := cmp.Diff([]string{"id"}, u.PrimaryKey); diff != "" {
					t.Error(diff)
				}
			}},
		{"attach partition", `ALTER TABLE ONLY public.events ATTACH PARTITION public.events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');`,
			func(t *testing.T, s *Schema) {
				p := mustTable(t, s, "public", "events_2024")
				if p.PartitionOf == nil || *p.PartitionOf != (QualifiedName{"public", "events"}) ||
					p.PartitionBound != "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" {
					t.Errorf("partition %+v", p)
				}
			}},
		{"detach partition", `ALTER TABLE public.events ATTACH PARTITION public.events_2024 DEFAULT;
ALTER TABLE public.events DETACH PARTITION public.events_2024;`,
			func(t *testing.T, s *Schema) {
				if p := mustTable(t, s, "public", "events_2024"); p.PartitionOf != nil || p.PartitionBound != "" {
					t.Errorf("partition %+v", p)
				}
			}},
		{"set default nextval", `ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);`,
			func(t *testing.T, s *Schema) {
				if c := mustTable(t, s, "public", "users").Column("id"); c.Default != "nextval('public.users_id_seq'::regclass)" {
					t.Errorf("column %+v", c)
				}
			}},
		{"drop default, set not null", `ALTER TABLE public.users ALTER COLUMN id SET DEFAULT 1; ALTER TABLE public.users ALTER COLUMN id DROP DEFAULT, ALTER COLUMN email SET NOT NULL;`,
			func(t *testing.T, s *Schema) {
				u := mustTable(t, s, "public", "users")
				if c := u.Column("id"); c.Default != "" {
					t.Errorf("column %+v", c)
				}
				if c := u.Column("email"); !c.NotNull {
					t.Errorf("column %+v", c)
				}
			}},
		{"add column", `ALTER TABLE public.users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(), ADD COLUMN IF NOT EXISTS email text;`,
			func(t *testing.T, s *Schema) {
				u := mustTable(t, s, "public", "users")
				want := Column{Name: "created_at", Type: "timestamp with time zone", NotNull: true, Default: "now()"}
				if diff := cmp.Diff(&want, u.Column("created_at")); diff != "" {
					t.Error(diff)
				}
				if len(u.Columns) != 5 {
					t.Errorf("columns %+v", u.Columns)
				}
			}},
		{"add column with a unique constraint", `ALTER TABLE public.users ADD COLUMN handle text UNIQUE;`,
			func(t *testing.T, s *Schema) {
				mustIndex(t, mustTable(t, s, "public", "users"), "users_handle_key")
			}},
		{"identity", `ALTER TABLE public.users ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME public.users_id_seq START WITH 1);`,
			func(t *testing.T, s *Schema) {
				if c := mustTable(t, s, "public", "users").Column("id"); c.Identity != "always" {
					t.Errorf("column %+v", c)
				}
			}},
		{"alter type, drop column", `CREATE INDEX users_org_idx ON public.users (org); ALTER TABLE public.users ALTER COLUMN email TYPE varchar(320), DROP COLUMN org;`,
			func(t *testing.T, s *Schema) {
				u := mustTable(t, s, "public", "users")
				if c := u.Column("email"); c.Type != "character varying(320)" {
					t.Errorf("column %+v", c)
				}
				if u.Column("org") != nil || len(u.Indexes) != 0 {
					t.Errorf("table %+v", u)
				}
			}},
		{"drop constraint", `ALTER TABLE public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id); ALTER TABLE public.users DROP CONSTRAINT users_pkey;`,
			func(t *testing.T, s *Schema) {
				u := mustTable(t, s, "public", "users")
				if len(u.PrimaryKey) != 0 || len(u.Indexes) != 0 {
					t.Errorf("table %+v", u)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, parse(t, base+tc.alter))
		})
	}
}

func TestDefaultIndexNames(t *testing.T) {
	s := parse(t, `
CREATE TABLE t (
    a int PRIMARY KEY,
    b int UNIQUE,
    c int,
    d tstzrange,
    UNIQUE (b, c),
    EXCLUDE USING gist (c WITH =, d WITH &&),
    FOREIGN KEY (c) REFERENCES t (b)
);
CREATE INDEX ON t (c);
CREATE INDEX ON t (c);
CREATE INDEX ON t (lower(b::text));
CREATE INDEX ON t ((b + c), c) INCLUDE (a);
CREATE TABLE t_b_idx (x int);
CREATE INDEX ON t ((b::text));
CREATE INDEX ON t (b);
CREATE TABLE "Quoted Table" ("Col" int PRIMARY KEY);
`)
	tb := mustTable(t, s, "public", "t")
	want := []string{"t_pkey", "t_b_key", "t_b_c_key", "t_c_d_excl", "t_c_idx", "t_c_idx1", "t_lower_idx", "t_expr_c_a_idx", "t_b_idx1", "t_b_idx2"}
	if diff := cmp.Diff(want, indexNames(tb)); diff != "" {
		t.Errorf("index names (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]ForeignKey{{Name: "t_c_fkey", Columns: []string{"c"}, RefTable: tb.Name, RefColumns: []string{"b"}}}, tb.ForeignKeys); diff != "" {
		t.Error(diff)
	}
	q := mustTable(t, s, "public", "Quoted Table")
	ix := mustIndex(t, q, "Quoted Table_pkey")
	if ix.Definition != `CREATE UNIQUE INDEX "Quoted Table_pkey" ON public."Quoted Table" USING btree ("Col")` {
		t.Errorf("definition %s", ix.Definition)
	}
}

func TestMakeObjectName(t *testing.T) {
	long := strings.Repeat("x", 70)
	tests := []struct{ n1, n2, label, want string }{
		{"users", "", "pkey", "users_pkey"},
		{"users", "email", "key", "users_email_key"},
		// The real name PostgreSQL 15 chose (testdata/handwritten_pg_dump_15.sql).
		{"a_very_long_table_name_that_goes_on_and_on_and_on_forever_xyz", "a_very_long_column_name_that_is_also_quite_long_another_long_column_name", "key",
			"a_very_long_table_name_that_g_a_very_long_column_name_that__key"},
		{long, "", "pkey", strings.Repeat("x", 58) + "_pkey"},
		// Never split a UTF-8 character.
		{strings.Repeat("é", 40), "", "idx", strings.Repeat("é", 29) + "_idx"},
	}
	for _, tc := range tests {
		got := makeObjectName(tc.n1, tc.n2, tc.label)
		if got != tc.want {
			t.Errorf("makeObjectName(%q, %q, %q) = %q, want %q", tc.n1, tc.n2, tc.label, got, tc.want)
		}
		if len(got) > 63 {
			t.Errorf("%q is longer than 63 bytes", got)
		}
	}
}

func TestIndexKeys(t *testing.T) {
	tests := []struct {
		def  string
		want []IndexKey
	}{
		{"(a)", []IndexKey{{Column: "a"}}},
		{"(a DESC)", []IndexKey{{Column: "a", Desc: true}}},
		{"(a NULLS FIRST)", []IndexKey{{Column: "a", NullsFirst: ptr(true)}}},
		{"(a ASC NULLS LAST)", []IndexKey{{Column: "a"}}},
		{"(a DESC NULLS LAST)", []IndexKey{{Column: "a", Desc: true, NullsFirst: ptr(false)}}},
		{"(a DESC NULLS FIRST)", []IndexKey{{Column: "a", Desc: true}}},
		{"(b text_pattern_ops)", []IndexKey{{Column: "b", Opclass: "text_pattern_ops"}}},
		{"(b public.gin_trgm_ops)", []IndexKey{{Column: "b", Opclass: "public.gin_trgm_ops"}}},
		{"(((a)))", []IndexKey{{Column: "a"}}},
		{"(lower((b)::text))", []IndexKey{{Expression: "lower(b::text)"}}},
		{"((b || 'x'::text) DESC, a)", []IndexKey{{Expression: "b || 'x'::text", Desc: true}, {Column: "a"}}},
		{`("Mixed" varchar_pattern_ops DESC)`, []IndexKey{{Column: "Mixed", Opclass: "varchar_pattern_ops", Desc: true}}},
	}
	for _, tc := range tests {
		s := parse(t, `CREATE TABLE t (a int, b text, "Mixed" varchar); CREATE INDEX i ON t `+tc.def+";")
		ix := mustIndex(t, mustTable(t, s, "", "t"), "i")
		if diff := cmp.Diff(tc.want, ix.Keys); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.def, diff)
		}
	}
}

func TestCreateIndexForms(t *testing.T) {
	s := parse(t, `CREATE TABLE public.t (a int, b text, c jsonb, deleted_at timestamptz, status text);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_a ON ONLY public.t USING btree (a) INCLUDE (b, status) WHERE (deleted_at IS NULL);
CREATE INDEX t_c ON t USING GIN (c jsonb_path_ops);
CREATE INDEX t_status ON t (status) WHERE status = 'active' AND a > 0;
CREATE INDEX t_b ON t (b) WITH (fillfactor = 70);
CREATE INDEX IF NOT EXISTS t_b ON t (a);`)
	tb := mustTable(t, s, "public", "t")
	want := []Index{
		{Name: "t_a", Table: tb.Name, Method: "btree", Unique: true, Keys: []IndexKey{{Column: "a"}}, Include: []string{"b", "status"},
			Predicate: "deleted_at IS NULL", Definition: "CREATE UNIQUE INDEX t_a ON public.t USING btree (a) INCLUDE (b, status) WHERE deleted_at IS NULL"},
		{Name: "t_c", Table: tb.Name, Method: "gin", Keys: []IndexKey{{Column: "c", Opclass: "jsonb_path_ops"}},
			Definition: "CREATE INDEX t_c ON public.t USING gin (c jsonb_path_ops)"},
		{Name: "t_status", Table: tb.Name, Method: "btree", Keys: []IndexKey{{Column: "status"}}, Predicate: "status = 'active' AND a > 0",
			Definition: "CREATE INDEX t_status ON public.t USING btree (status) WHERE status = 'active' AND a > 0"},
		{Name: "t_b", Table: tb.Name, Method: "btree", Keys: []IndexKey{{Column: "b"}},
			Definition: "CREATE INDEX t_b ON public.t USING btree (b) WITH (fillfactor=70)"},
	}
	if diff := cmp.Diff(want, tb.Indexes); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestIdentifiers(t *testing.T) {
	s := parse(t, `CREATE SCHEMA "Sales";
CREATE TABLE "Sales"."Big Orders" ("Id" int, "order" text, Total NUMERIC(10, 2));
CREATE TABLE Upper_Case (ID INT);
CREATE INDEX "Idx" ON "Sales"."Big Orders" ("Id", "order");`)
	tb := mustTable(t, s, "Sales", "Big Orders")
	var cols []string
	for _, c := range tb.Columns {
		cols = append(cols, c.Name)
	}
	if diff := cmp.Diff([]string{"Id", "order", "total"}, cols); diff != "" {
		t.Error(diff)
	}
	if got := tb.Name.String(); got != `"Sales"."Big Orders"` {
		t.Errorf("String() = %s", got)
	}
	if ix := mustIndex(t, tb, "Idx"); ix.Definition != `CREATE INDEX "Idx" ON "Sales"."Big Orders" USING btree ("Id", "order")` {
		t.Errorf("definition %s", ix.Definition)
	}
	u := mustTable(t, s, "public", "upper_case")
	if u.Columns[0].Name != "id" {
		t.Errorf("columns %+v", u.Columns)
	}
}

func TestQuoteIdent(t *testing.T) {
	tests := map[string]string{
		"name": "name", "status": "status", "data": "data", "users": "users", "_x1": "_x1", "text": "text",
		"user": `"user"`, "order": `"order"`, "select": `"select"`, "table": `"table"`, "char": `"char"`, "between": `"between"`,
		"Mixed": `"Mixed"`, "with space": `"with space"`, "1a": `"1a"`, "a$b": `"a$b"`, `a"b`: `"a""b"`, "": `""`, "é": `"é"`,
	}
	for in, want := range tests {
		if got := QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
	if got := (QualifiedName{"public", "order"}).String(); got != `public."order"` {
		t.Errorf("String() = %s", got)
	}
}

// TestQuoteIdentKeywords checks every keyword of PostgreSQL 15
// (testdata/pg15_keywords.txt, from pg_get_keywords()): quote_ident quotes
// all but the unreserved ones.
func TestQuoteIdentKeywords(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "pg15_keywords.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		word, cat, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(word, "#") {
			continue
		}
		n++
		quoted := QuoteIdent(word) != word
		if quoted != (cat != "U") {
			t.Errorf("QuoteIdent(%q) = %s; category %s", word, QuoteIdent(word), cat)
		}
	}
	if n < 400 {
		t.Errorf("only %d keywords read", n)
	}
}

func TestLookup(t *testing.T) {
	s := parse(t, `CREATE TABLE public.users (id int); CREATE TABLE app.users (id int);
CREATE TABLE app.items (id int); CREATE TABLE a.dup (x int); CREATE TABLE b.dup (x int);`)
	tests := []struct {
		schema, name string
		want         string // "" for nil
	}{
		{"", "users", "public.users"},
		{"public", "users", "public.users"},
		{"app", "users", "app.users"},
		{"", "items", "app.items"},
		{"public", "items", ""},
		{"", "dup", ""},
		{"b", "dup", "b.dup"},
		{"", "missing", ""},
	}
	for _, tc := range tests {
		got := ""
		if tb := s.Lookup(tc.schema, tc.name); tb != nil {
			got = tb.Name.String()
		}
		if got != tc.want {
			t.Errorf("Lookup(%q, %q) = %q, want %q", tc.schema, tc.name, got, tc.want)
		}
	}
	var nilSchema *Schema
	if nilSchema.Lookup("", "users") != nil || nilSchema.SortedTables() != nil {
		t.Error("nil schema")
	}
}

func TestSearchPath(t *testing.T) {
	s := parse(t, `CREATE TABLE a (x int);
SET search_path = app, public;
CREATE TABLE b (x int);
CREATE INDEX a_x ON a (x);
SET search_path TO "My Schema", "$user";
CREATE TABLE c (x int);
SELECT pg_catalog.set_config('search_path', '', false);
CREATE TABLE d (x int);
SET search_path = 'sales, public';
CREATE TABLE e (x int);
RESET search_path;
CREATE TABLE f (x int);`)
	for _, q := range []QualifiedName{{"public", "a"}, {"app", "b"}, {"My Schema", "c"}, {"public", "d"}, {"sales, public", "e"}, {"public", "f"}} {
		if s.Tables[q] == nil {
			t.Errorf("no table %s", q)
		}
	}
	mustIndex(t, mustTable(t, s, "public", "a"), "a_x")
}

func TestColumnTypes(t *testing.T) {
	tests := map[string]string{
		"int":                            "integer",
		"INTEGER":                        "integer",
		"int4":                           "integer",
		"pg_catalog.int4":                "integer",
		"int8":                           "bigint",
		"smallint":                       "smallint",
		"bool":                           "boolean",
		"float8":                         "double precision",
		"float(3)":                       "real",
		"float":                          "double precision",
		"decimal(5,1)":                   "numeric(5,1)",
		"numeric(7)":                     "numeric(7,0)",
		"varchar":                        "character varying",
		"character varying(20)":          "character varying(20)",
		"char(2)":                        "character(2)",
		"character":                      "character(1)",
		"bpchar":                         "bpchar",
		`"char"`:                         `"char"`,
		"timestamptz":                    "timestamp with time zone",
		"timestamp(3) with time zone":    "timestamp(3) with time zone",
		"timestamp without time zone":    "timestamp without time zone",
		"time with time zone":            "time with time zone",
		"interval hour to minute":        "interval hour to minute",
		"interval(2)":                    "interval(2)",
		"bit varying":                    "bit varying",
		"text[]":                         "text[]",
		"int[][]":                        "integer[]",
		"varchar(3) ARRAY":               "character varying(3)[]",
		"public.citext":                  "public.citext",
		`"My Schema"."My Type"`:          `"My Schema"."My Type"`,
		"public.geometry(Point, 4326)":   "public.geometry(point,4326)",
		"jsonb":                          "jsonb",
		"uuid":                           "uuid",
		"double precision":               "double precision",
		"serial":                         "integer",
		"bigserial":                      "bigint",
		"smallserial":                    "smallint",
		"timestamp(0) without time zone": "timestamp(0) without time zone",
	}
	for in, want := range tests {
		s := parse(t, "CREATE TABLE t (c "+in+");")
		if got := mustTable(t, s, "public", "t").Columns[0].Type; got != want {
			t.Errorf("%s: got %q, want %q", in, got, want)
		}
	}
}

func TestSerialAndInlineConstraints(t *testing.T) {
	s := parse(t, `CREATE TABLE "Events" (id serial PRIMARY KEY, n int NOT NULL DEFAULT 0 CHECK (n >= 0), note text NULL, at timestamptz DEFAULT CURRENT_TIMESTAMP);`)
	tb := mustTable(t, s, "public", "Events")
	want := []Column{
		{Name: "id", Type: "integer", NotNull: true, Default: `nextval('public."Events_id_seq"'::regclass)`},
		{Name: "n", Type: "integer", NotNull: true, Default: "0"},
		{Name: "note", Type: "text"},
		{Name: "at", Type: "timestamp with time zone", Default: "current_timestamp"},
	}
	if diff := cmp.Diff(want, tb.Columns); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Events_pkey"}, indexNames(tb)); diff != "" {
		t.Error(diff)
	}
}

func TestViews(t *testing.T) {
	s := parse(t, `CREATE TABLE public.users (id bigint NOT NULL, email text, created_at timestamptz);
CREATE VIEW public.v AS SELECT u.id, u.email AS mail, now() AS ts, 1::int AS one, count(*) FROM public.users u GROUP BY 1, 2;
CREATE VIEW public.star AS SELECT * FROM public.users;
CREATE VIEW public.named (a, b) AS SELECT id, email FROM public.users;
CREATE OR REPLACE VIEW public.star AS SELECT id FROM public.users;
CREATE MATERIALIZED VIEW public.mv AS SELECT id, created_at FROM public.users WITH NO DATA;
CREATE INDEX mv_created ON public.mv (created_at);
CREATE TABLE public.copy AS SELECT id FROM public.users;`)
	v := mustTable(t, s, "public", "v")
	want := []Column{{Name: "id", Type: "bigint"}, {Name: "mail", Type: "text"}, {Name: "ts"}, {Name: "one", Type: "integer"}, {Name: "count"}}
	if v.Kind != KindView {
		t.Errorf("kind %s", v.Kind)
	}
	if diff := cmp.Diff(want, v.Columns); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Column{{Name: "id", Type: "bigint"}}, mustTable(t, s, "public", "star").Columns); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]Column{{Name: "a", Type: "bigint"}, {Name: "b", Type: "text"}}, mustTable(t, s, "public", "named").Columns); diff != "" {
		t.Error(diff)
	}
	mv := mustTable(t, s, "public", "mv")
	if mv.Kind != KindMaterializedView || len(mv.Columns) != 2 {
		t.Errorf("mv %+v", mv)
	}
	mustIndex(t, mv, "mv_created")
	if c := mustTable(t, s, "public", "copy"); c.Kind != KindTable {
		t.Errorf("copy %+v", c)
	}
}

func TestPartitions(t *testing.T) {
	s := parse(t, `CREATE TABLE m (id int, at date, region text) PARTITION BY RANGE (at, (lower(region)));
CREATE TABLE m_2024 PARTITION OF m (region NOT NULL) FOR VALUES FROM ('2024-01-01', MINVALUE) TO ('2025-01-01', MAXVALUE);
CREATE TABLE l (k text) PARTITION BY LIST (k);
CREATE TABLE l_ab PARTITION OF l FOR VALUES IN ('a', 'b', NULL);
CREATE TABLE h (k int) PARTITION BY HASH (k);
CREATE TABLE h_0 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 0) PARTITION BY LIST (k);
CREATE INDEX ON h (k);`)
	m := mustTable(t, s, "public", "m")
	if diff := cmp.Diff(&PartitionSpec{Strategy: "range", Keys: []string{"at", "lower(region)"}}, m.PartitionBy); diff != "" {
		t.Error(diff)
	}
	p := mustTable(t, s, "public", "m_2024")
	if p.PartitionBound != "FOR VALUES FROM ('2024-01-01', MINVALUE) TO ('2025-01-01', MAXVALUE)" {
		t.Errorf("bound %q", p.PartitionBound)
	}
	wantCols := []Column{{Name: "id", Type: "integer"}, {Name: "at", Type: "date"}, {Name: "region", Type: "text", NotNull: true}}
	if diff := cmp.Diff(wantCols, p.Columns); diff != "" {
		t.Errorf("partition columns (-want +got):\n%s", diff)
	}
	if b := mustTable(t, s, "public", "l_ab").PartitionBound; b != "FOR VALUES IN ('a', 'b', NULL)" {
		t.Errorf("bound %q", b)
	}
	h0 := mustTable(t, s, "public", "h_0")
	if h0.PartitionBound != "FOR VALUES WITH (modulus 2, remainder 0)" || h0.Kind != KindPartitionedTable {
		t.Errorf("h_0 %+v", h0)
	}
	mustIndex(t, mustTable(t, s, "public", "h"), "h_k_idx")
	mustIndex(t, h0, "h_0_k_idx")
}

func TestIgnoredStatements(t *testing.T) {
	src := `\restrict abc123
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
COMMENT ON EXTENSION citext IS 'x; y';
CREATE FUNCTION public.f() RETURNS bigint
    LANGUAGE sql
    BEGIN ATOMIC
 SELECT 1;
 SELECT 2;
END;
CREATE FUNCTION public.g() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RETURN NEW; -- a ; in a body
END $$;
CREATE SEQUENCE public.s START WITH 1;
CREATE TABLE public.t (id integer);
ALTER TABLE public.t OWNER TO postgres;
ALTER SEQUENCE public.s OWNED BY public.t.id;
GRANT SELECT ON TABLE public.t TO PUBLIC;
REVOKE ALL ON TABLE public.t FROM PUBLIC;
\connect other
CREATE TRIGGER tr BEFORE UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION public.g();
CREATE TYPE public.mood AS ENUM ('a', 'b');
CREATE SCHEMA x;
COPY public.t (id) FROM stdin;
1
2
\.
\unrestrict abc123
`
	s, rep, err := ParseDDL(src)
	if err != nil {
		t.Fatal(err)
	}
	mustTable(t, s, "public", "t")
	want := &DDLReport{Statements: 16, Used: 1, Ignored: 15, IgnoredKinds: map[string]int{
		"VariableSetStmt": 1, "SelectStmt": 1, "CreateExtensionStmt": 1, "CommentStmt": 1, "CreateFunctionStmt": 2,
		"CreateSeqStmt": 1, "AlterTableStmt": 1, "AlterSeqStmt": 1, "GrantStmt": 2, "CreateTrigStmt": 1,
		"CreateEnumStmt": 1, "CreateSchemaStmt": 1, "CopyStmt": 1,
	}}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name        string
		src         string
		tables      []string // tables that must still be read
		failedLines []int
	}{
		{"empty", "", nil, nil},
		{"only comments", "-- nothing\n/* here */\n", nil, nil},
		{"garbage", "CREATE TABLE a (x int);\nthis is not sql;\nCREATE TABLE b (y int);\n", []string{"a", "b"}, []int{2}},
		{"truncated create table", "CREATE TABLE a (x int);\nCREATE TABLE b (\n  y int,\n", []string{"a"}, []int{2}},
		{"truncated in the middle", "CREATE TABLE a (x int;\nCREATE TABLE b (y int);\n", []string{"b"}, []int{1}},
		{"unterminated string", "CREATE TABLE a (x int);\nCOMMENT ON TABLE a IS 'oops;\nCREATE TABLE b (y int);\n", []string{"a", "b"}, []int{2}},
		{"unterminated dollar quote", "CREATE TABLE a (x int);\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1;\nCREATE TABLE b (y int);\n", []string{"a", "b"}, []int{2}},
		{"unterminated comment", "CREATE TABLE a (x int);\n/* never closed;\nCREATE TABLE b (y int);\n", []string{"a", "b"}, []int{2}},
		{"bad literal", "CREATE TABLE a (x int DEFAULT 1abc);\nCREATE TABLE b (y int);\n", []string{"b"}, []int{1}},
		{"non-UTF-8 bytes", "CREATE TABLE a (x int);\nCOMMENT ON TABLE a IS '\xff\xfe';\nCREATE TABLE \xc3\x28 (y int);\nCREATE TABLE b (y int);\n", []string{"a", "b"}, []int{2, 3}},
		{"invalid escape", "CREATE TABLE a (x int); SELECT E'\\xff';\nCREATE TABLE b (y int);\n", []string{"a", "b"}, []int{1}},
		{"NUL bytes are blanks", "CREATE TABLE a (x int);\x00\nCREATE TABLE b (y \x00int);\n", []string{"a", "b"}, nil},
		{"unbalanced parentheses", "CREATE TABLE a (x int));\nCREATE TABLE b (y int);\nCREATE TABLE c ((z int);\nCREATE TABLE d (y int);\n", []string{"b", "d"}, []int{1, 3}},
		{"statement without a keyword", "foo;\nCREATE TABLE b (y int); bar; CREATE TABLE c (z int);", []string{"b", "c"}, []int{1, 2}},
		{"index on a missing table", "CREATE INDEX i ON nowhere (x);\nCREATE TABLE b (y int);\n", []string{"b"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, rep, err := ParseDDL(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range tc.tables {
				mustTable(t, s, "public", name)
			}
			if diff := cmp.Diff(tc.failedLines, rep.FailedLines); diff != "" {
				t.Errorf("failed lines (-want +got):\n%s\nreport %+v", diff, rep)
			}
			if rep.Failed != len(tc.failedLines) || len(rep.Errors) != rep.Failed {
				t.Errorf("report %+v", rep)
			}
			if rep.Used+rep.Ignored+rep.Failed != rep.Statements {
				t.Errorf("counts do not add up: %+v", rep)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	_, rep, err := ParseDDL("CREATE TABLE a (x int);\nCREATE TABLE a (y int);\n\nCREATE INDEX i ON nowhere (x);\nALTER TABLE a ADD CONSTRAINT k UNIQUE USING INDEX nope;\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"line 2: relation public.a already exists",
		"line 4: CREATE INDEX i: relation public.nowhere does not exist",
		`line 5: index "nope" of relation public.a does not exist`,
	}
	if diff := cmp.Diff(want, rep.Warnings); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if rep.Used != 1 || rep.Ignored != 3 {
		t.Errorf("report %+v", rep)
	}
}

func TestReadDDLFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.sql")
	_, _, err := ReadDDLFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v", err)
	}
	good := filepath.Join(t.TempDir(), "schema.sql")
	if err := os.WriteFile(good, []byte("CREATE TABLE t (id int PRIMARY KEY);"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, rep, err := ReadDDLFile(good)
	if err != nil || rep.Used != 1 {
		t.Fatalf("%v %+v", err, rep)
	}
	mustIndex(t, mustTable(t, s, "public", "t"), "t_pkey")
}

func TestLineNumbers(t *testing.T) {
	src := "-- header\n\n/* a\n comment */ CREATE TABLE a (x int);\n\n-- c\nCREATE TABLE b (x int;\nSELECT 1;\n   BROKEN;"
	_, rep, err := ParseDDL(src)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{7, 9}, rep.FailedLines); diff != "" {
		t.Error(diff)
	}
	if charToByteOffset("aé b", 3) != 4 || charToByteOffset("abc", 10) != 3 {
		t.Error("charToByteOffset")
	}
}
