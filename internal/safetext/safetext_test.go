package safetext

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/encoding/protojson"
)

func TestLineBlockComment(t *testing.T) {
	tests := []struct {
		in, line, block, comment string
	}{
		{"orders_tenant_id_idx", "orders_tenant_id_idx", "orders_tenant_id_idx", "orders_tenant_id_idx"},
		{"Serves 2 queries (40 calls): −1.8M, é, 日本", "Serves 2 queries (40 calls): −1.8M, é, 日本", "Serves 2 queries (40 calls): −1.8M, é, 日本", "Serves 2 queries (40 calls): −1.8M, é, 日本"},
		{"a\nDROP TABLE t; --", `a\x0aDROP TABLE t; --`, "a\nDROP TABLE t; --", `a\x0aDROP TABLE t; --`},
		{"cr\r\nlf\rx", `cr\x0d\x0alf\x0dx`, "cr\nlf\\x0dx", `cr\x0d\x0alf\x0dx`},
		{"tab\there", `tab\x09here`, "tab\there", `tab\x09here`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`, `\x1b[31mred\x1b[0m`, `\x1b[31mred\x1b[0m`},
		{"c1 \u009b2J nel \u0085", `c1 \u009b2J nel \u0085`, `c1 \u009b2J nel \u0085`, `c1 \u009b2J nel \u0085`},
		{"rtl \u202e sep \u2028 del \x7f", `rtl \u202e sep \u2028 del \x7f`, `rtl \u202e sep \u2028 del \x7f`, `rtl \u202e sep \u2028 del \x7f`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`, `bad \xff\xfe utf8`, `bad \xff\xfe utf8`},
		{"-- +goose Down", "-- +goose Down", "-- +goose Down", `-- \x2bgoose Down`},
		{"+GOOSE envsub on", "+GOOSE envsub on", "+GOOSE envsub on", `\x2bGOOSE envsub on`},
		{"migrate:down", "migrate:down", "migrate:down", `migrate\x3adown`},
		{"${flyway:user}", "${flyway:user}", "${flyway:user}", `$\x7bflyway:user}`},
		{`back\slash */ /*`, `back\slash */ /*`, `back\slash */ /*`, `back\slash */ /*`},
	}
	for _, tt := range tests {
		if got := Line(tt.in); got != tt.line {
			t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.line)
		}
		if got := Block(tt.in); got != tt.block {
			t.Errorf("Block(%q) = %q, want %q", tt.in, got, tt.block)
		}
		if got := Comment(tt.in); got != tt.comment {
			t.Errorf("Comment(%q) = %q, want %q", tt.in, got, tt.comment)
		}
	}
}

func TestSQL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a_idx ON public.t (a);", "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a_idx ON public.t (a);"},
		{"CREATE TABLE x (\n  a int\n);", "CREATE TABLE x (\n  a int\n);"},
		{"CREATE INDEX \"i\nDROP TABLE t; --\" ON public.\"T\" (a);", `CREATE INDEX U&"i\000ADROP TABLE t; --" ON public."T" (a);`},
		{"CREATE INDEX i ON t (a) WHERE s = 'v\n-- +goose Down\n'';\\';", `CREATE INDEX i ON t (a) WHERE s = E'v\x0a-- +goose Down\x0a'';\\';`},
		{`SELECT "${HOME}", '${HOME}', "a""b` + "\x1b" + `"`, `SELECT U&"\0024{HOME}", E'\x24{HOME}', U&"a""b\001B"`},
		{"SELECT 1 -- +goose Down\r\n;", "SELECT 1 --" + ` \x2bgoose Down` + "\n;"},
		{"SELECT /* a\n*/ 1;", `SELECT /* a\x0a*/ 1;`},
		{"SELECT 'a'\n'b';", `SELECT E'ab';`},
		{"SELECT \"\u202e\U0001F600\";", `SELECT U&"\202E` + "\U0001F600" + `";`},
		{"SELECT 1;\f", "SELECT 1; "},
	}
	for _, tt := range tests {
		got, err := SQL(tt.in)
		if err != nil {
			t.Errorf("SQL(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("SQL(%q) =\n%s\nwant\n%s", tt.in, got, tt.want)
		}
		sameTrees(t, tt.in, got)
	}
	for _, bad := range []string{
		"SELECT \"a\xffb\"",                 // not UTF-8
		"SELECT 1\x00\nDROP TABLE t;",       // the scanner stops at NUL
		"SELECT U&\"a\n!0061\" UESCAPE '!'", // UESCAPE
		"SELECT 'unterminated\n",
	} {
		if got, err := SQL(bad); err == nil {
			t.Errorf("SQL(%q) = %q, want an error", bad, got)
		}
	}
}

// sameTrees checks that two texts parse to the same statements.
func sameTrees(t testing.TB, a, b string) {
	t.Helper()
	if ta, tb := trees(t, a), trees(t, b); ta != tb {
		t.Errorf("%q and %q parse differently:\n%s\n%s", a, b, ta, tb)
	}
}

func trees(t testing.TB, s string) string {
	t.Helper()
	res, err := pg_query.Parse(s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	var out []string
	for _, st := range res.Stmts {
		js, err := protojson.Marshal(st.Stmt)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(js, &v); err != nil {
			t.Fatal(err)
		}
		dropLocations(v)
		b, _ := json.Marshal(v)
		out = append(out, string(b))
	}
	return strings.Join(out, "\n")
}

func dropLocations(v any) {
	switch x := v.(type) {
	case map[string]any:
		delete(x, "location")
		for _, e := range x {
			dropLocations(e)
		}
	case []any:
		for _, e := range x {
			dropLocations(e)
		}
	}
}

func TestMarkdown(t *testing.T) {
	tests := []struct{ fn, in, want string }{
		{"cell", "public.orders", "public.orders"},
		{"cell", "a | b", `a \| b`},
		{"cell", "line 1\nline 2\r\nline 3\rline 4", "line 1<br>line 2<br>line 3<br>line 4"},
		{"cell", "</details><img src=x> & [l](u) `c` \\", "&lt;/details&gt;&lt;img src=x&gt; &amp; \\[l\\](u) \\`c\\` \\\\"},
		{"cell", "esc \x1b[31m", `esc \\x1b\[31m`},
		{"codecell", "t_a_idx", "`t_a_idx`"},
		{"codecell", "a|b<c>", "`a\\|b<c>`"},
		{"codecell", "a`b", "a\\`b"},
		{"codecell", "a\\|b", "a\\\\\\|b"},
		{"codecell", "", ""},
		{"code", "0123abcd", "`0123abcd`"},
		{"code", "a``b", "```a``b```"},
		{"code", "`x", "`` `x ``"},
		{"code", "a\nb", "`a\\x0ab`"},
		{"text", "Serves 6 queries (115 calls): estimated read cost −1.8M", "Serves 6 queries (115 calls): estimated read cost −1.8M"},
		{"text", "a\n\n# b <img> | `c`", "a # b &lt;img&gt; \\| \\`c\\`"},
		{"text", "# heading", "\\# heading"},
		{"text", "12. item", "12\\. item"},
		{"text", "- item", "\\- item"},
		{"html", "a<b>&\"'\n", "a&lt;b&gt;&amp;&#34;&#39;\\x0a"},
	}
	for _, tt := range tests {
		var got string
		switch tt.fn {
		case "cell":
			got = MarkdownCell(tt.in)
		case "codecell":
			got = MarkdownCodeCell(tt.in)
		case "code":
			got = MarkdownCode(tt.in)
		case "text":
			got = MarkdownText(tt.in)
		case "html":
			got = HTML(tt.in)
		}
		if got != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.fn, tt.in, got, tt.want)
		}
	}
	if got := MarkdownFenced("sql", "SELECT '```'\r\nx\ry"); got != "````sql\nSELECT '```'\nx\\x0dy\n````\n\n" {
		t.Errorf("MarkdownFenced = %q", got)
	}
}

func TestJSON(t *testing.T) {
	in := []byte(`{"a":"x` + "\u009b\u202e\u2066" + `y","b":"é"}`)
	want := `{"a":"x\u009b\u202e\u2066y","b":"é"}`
	if got := string(JSON(in)); got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
	var v map[string]string
	if err := json.Unmarshal(JSON(in), &v); err != nil || v["a"] != "x\u009b\u202e\u2066y" {
		t.Errorf("does not read back: %v %q", err, v)
	}
	plain := []byte(`{"a":"b"}`)
	if got := JSON(plain); &got[0] != &plain[0] {
		t.Error("plain JSON copied")
	}
}

// TestCleanJSON: JSON's test on the bytes agrees with escape's on the
// string it replaced.
func TestCleanJSON(t *testing.T) {
	for _, s := range []string{"", `{"a":"b"}`, "a\nb\tc", "x\ny\tz\r", "\x1b", "\x7f", "é", "\u0085", "\u009f", "\u00a0",
		"\u2028", "\u202e", "\u2066", "\u061c", "\ufffd", "\xff", "a\xc3", "\xed\xa0\x80", "\u00e9\x00"} {
		b, _ := strconv.Unquote(`"` + s + `"`)
		if got, want := cleanJSON([]byte(b)), escape(b, keepNewlineTab) == b; got != want {
			t.Errorf("cleanJSON(%q) = %v, want %v", b, got, want)
		}
	}
}

// FuzzSQL: for any name and value, the statement SQL writes is one line of
// text without control characters or "${", with no marker in its comment, and parses to the same
// statement as the input; or SQL refuses it (not UTF-8, NUL).
func FuzzSQL(f *testing.F) {
	for _, s := range []string{"a", "evil\nDROP TABLE t; --", "x\r-- +goose Down", "${HOME}", "\x1b[31m", "'\"\\", "\u202e", "a\x00b", "\xff"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		ident := `"` + strings.ReplaceAll("n"+name, `"`, `""`) + `"`
		lit := `'` + strings.ReplaceAll(value, `'`, `''`) + `'`
		stmt := "CREATE INDEX " + ident + " ON public." + ident + " (" + ident + ") WHERE " + ident + " = " + lit + " -- " + strings.NewReplacer("\n", " ", "\r", " ").Replace(value) + "\n;"
		if _, err := pg_query.Parse(stmt); err != nil {
			t.Skip() // not SQL to begin with (a NUL, say)
		}
		got, err := SQL(stmt)
		if err != nil {
			if !strings.ContainsRune(stmt, 0) && strings.ToValidUTF8(stmt, "") == stmt {
				t.Fatalf("SQL refuses valid UTF-8 without NUL: %v\n%q", err, stmt)
			}
			return
		}
		for _, r := range got {
			if r != '\n' && (unicode.IsControl(r) || hostileRune(r)) {
				t.Fatalf("%U in %q", r, got)
			}
		}
		if strings.Contains(got, "${") || strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, "\n;") {
			t.Fatalf("not one line and a ';': %q", got)
		}
		// The comment is what the scanner says it is: a " -- " inside a quoted
		// name or string is not one.
		for _, comment := range comments(t, got) {
			if strings.Contains(strings.ToLower(comment), "+goose") || strings.Contains(comment, "migrate:") {
				t.Fatalf("a tool marker left in the comment %q of %q", comment, got)
			}
		}
		sameTrees(t, stmt, got)
	})
}

// comments returns the text of every comment token in sql.
func comments(t *testing.T, sql string) []string {
	t.Helper()
	res, err := pg_query.Scan(sql)
	if err != nil {
		t.Fatalf("scan %q: %v", sql, err)
	}
	var out []string
	for _, tok := range res.Tokens {
		if tok.Token == pg_query.Token_SQL_COMMENT || tok.Token == pg_query.Token_C_COMMENT {
			out = append(out, sql[tok.Start:tok.End])
		}
	}
	return out
}
