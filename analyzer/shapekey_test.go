package analyzer

import (
	"strings"
	"testing"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

func TestShapeKey(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"numbers", "SELECT * FROM t WHERE id = 1", "SELECT * FROM t WHERE id = 42", true},
		{"strings", "SELECT * FROM t WHERE s = 'a'", "SELECT * FROM t WHERE s = 'it''s'", true},
		{"escape string", `SELECT E'a\'b' FROM t`, "SELECT 'x' FROM t", true},
		{"params vs literals", "SELECT * FROM t WHERE id = $1", "SELECT * FROM t WHERE id = 7", true},
		{"whitespace and comments", "SELECT  *\n\tFROM t -- hi\n WHERE /* c /* nested */ */ id = 1", "SELECT * FROM t WHERE id = 2", true},
		{"in list length", "SELECT * FROM t WHERE id IN (1, 2, 3)", "SELECT * FROM t WHERE id IN (7)", true},
		{"in list of params", "SELECT * FROM t WHERE id IN ($1, $2)", "SELECT * FROM t WHERE id IN ($1)", true},
		{"keyword case differs", "SELECT * FROM t WHERE id IN ($1)", "select * from t where id in ($1)", false}, // a different key, same fingerprint: one more parse, never a wrong grouping
		{"dollar quoted", "SELECT $$a;b$$ FROM t", "SELECT $x$ q $x$ FROM t", true},
		{"identifier digits stay", "SELECT * FROM t1", "SELECT * FROM t2", false},
		{"quoted identifiers stay", `SELECT "a1" FROM t`, `SELECT "a2" FROM t`, false},
		{"function args do not collapse", "SELECT substr(s, 1, 2) FROM t", "SELECT substr(s, 1) FROM t", false},
		{"values do not collapse", "INSERT INTO t VALUES (1, 2)", "INSERT INTO t VALUES (1)", false},
		{"decimal and exponent", "SELECT 1.5e3, .5 FROM t", "SELECT 2, 3 FROM t", true},
		{"typed literal", "SELECT * FROM t WHERE d > date '2024-01-01'", "SELECT * FROM t WHERE d > date '2023-05-05'", true},
		{"different columns", "SELECT a FROM t", "SELECT b FROM t", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ka := string(appendShapeKey(nil, []byte(tt.a)))
			kb := string(appendShapeKey(nil, []byte(tt.b)))
			if (ka == kb) != tt.same {
				t.Errorf("keys %q and %q: same = %v, want %v", ka, kb, ka == kb, tt.same)
			}
		})
	}
}

// keyCorpus is realistic SQL whose literals the fingerprint check varies.
var keyCorpus = []string{
	"SELECT * FROM orders WHERE tenant_id = 42 AND status = 'pending' ORDER BY created_at DESC LIMIT 20",
	"SELECT id FROM users WHERE lower(email) = 'a@b.c' AND deleted_at IS NULL",
	"SELECT o.id, sum(oi.qty * oi.price) FROM orders o JOIN order_items oi ON oi.order_id = o.id WHERE o.created_at BETWEEN '2024-01-01' AND '2024-02-01' GROUP BY 1",
	"SELECT * FROM products WHERE attributes @> '{\"color\": \"red\"}' AND tags && ARRAY['a','b'] AND price > 10.5",
	"UPDATE orders SET status = 'shipped', updated_at = now() WHERE id = 123",
	"INSERT INTO events (tenant_id, kind, payload) VALUES (1, 'click', '{}') ON CONFLICT (id) DO UPDATE SET payload = EXCLUDED.payload",
	"DELETE FROM events WHERE created_at < now() - interval '30 days'",
	"SELECT * FROM t WHERE id IN (1, 2, 3) AND x = E'a\\'b' AND y = $$z$$ AND z = -5",
	"SELECT 1e10, 0x1F, 1_000, .5, 5. FROM t",
	"SELECT * FROM t WHERE a = 'x'\n'y'",
	"WITH r AS (SELECT * FROM t WHERE a > 3) SELECT count(*) FROM r WHERE b LIKE 'abc%'",
	"SELECT * FROM t WHERE (a, b) > (1, 2) ORDER BY a, b LIMIT 50 OFFSET 100",
	// The lexer ends a parameter at its digits: $1 then the alias abc.
	"SELECT $1abc, $0B FROM t",
}

// TestShapeKeyMatchesFingerprint checks the rule the cache depends on: two
// texts with one key have one fingerprint. Each literal the key pass blanks is
// replaced with another value, and IN lists are lengthened; pg_query must then
// agree that the statement is the same.
func TestShapeKeyMatchesFingerprint(t *testing.T) {
	for _, q := range keyCorpus {
		checkKeyFingerprint(t, q)
	}
}

func checkKeyFingerprint(t *testing.T, q string) {
	t.Helper()
	want, err := pg_query.Fingerprint(q)
	if err != nil {
		return // the analyzer never keys texts the parser rejects
	}
	var spans []literalSpan
	key := scanShape(nil, []byte(q), &spans)
	// Every span the key pass blanked must be a constant to the parser:
	// replacing them all with other constants keeps the fingerprint.
	variant := varyLiterals(q, spans)
	got, err := pg_query.Fingerprint(variant)
	if err != nil {
		t.Fatalf("variant %q of %q does not parse: %v", variant, q, err)
	}
	if got != want {
		t.Errorf("%q and %q share key %q but fingerprints differ: %s vs %s", q, variant, key, want, got)
	}
}

// varyLiterals replaces every literal span with another literal of its kind.
func varyLiterals(q string, spans []literalSpan) string {
	var b strings.Builder
	last := 0
	for _, s := range spans {
		b.WriteString(q[last:s.start])
		switch s.kind {
		case 's':
			// Keep a prefix letter: the variant must be the same kind of constant.
			switch q[s.start] {
			case 'E', 'e':
				b.WriteString(`E'v\'x'`)
			case 'B', 'b':
				b.WriteString("B'101'")
			case 'X', 'x':
				b.WriteString("X'1f'")
			case 'N', 'n':
				b.WriteString("N'v'")
			default:
				b.WriteString("'v''x'")
			}
		case 'n':
			b.WriteString(" 987 ")
		case 'p':
			b.WriteString(" $9 ")
		case 'd':
			b.WriteString("$q$w$q$")
		}
		last = s.end
	}
	b.WriteString(q[last:])
	return b.String()
}

func FuzzShapeKey(f *testing.F) {
	for _, q := range keyCorpus {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if !utf8.ValidString(q) || len(q) > 4096 {
			return
		}
		key := appendShapeKey(nil, []byte(q))
		if len(key) > 2*len(q)+8 {
			t.Fatalf("key of %d bytes for %d bytes of input", len(key), len(q))
		}
		checkKeyFingerprint(t, q)
	})
}
