package capture

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// deepInputs are statements past the nesting bounds, and near misses that
// must pass.
var deepInputs = []struct {
	name string
	q    string
	deep bool
}{
	{"20k unclosed comments", "SELECT 1 " + strings.Repeat("/*", 20_000), true},
	{"closed comments past the bound", "SELECT 1 " + strings.Repeat("/*", MaxCommentNesting+1) + strings.Repeat("*/", MaxCommentNesting+1), true},
	{"comments at the bound", "SELECT 1 " + strings.Repeat("/*", MaxCommentNesting) + strings.Repeat("*/", MaxCommentNesting), false},
	{"many comments one after the other", "SELECT 1" + strings.Repeat(" /* c */", 5*MaxCommentNesting), false},
	{"parentheses past the bound", "SELECT " + strings.Repeat("(", MaxNesting+1) + "1" + strings.Repeat(")", MaxNesting+1), true},
	{"parentheses at the bound", "SELECT " + strings.Repeat("(", MaxNesting) + "1" + strings.Repeat(")", MaxNesting), false},
	{"brackets and parentheses", "SELECT ARRAY" + strings.Repeat("[(", MaxNesting/2+1) + "1" + strings.Repeat(")]", MaxNesting/2+1), true},
	{"unclosed parentheses", "SELECT " + strings.Repeat("(", 1_000_000), true},
	{"many parentheses side by side", "SELECT " + strings.Repeat("(1)+", 10*MaxNesting) + "1", false},
	{"parentheses in a literal", "SELECT '" + strings.Repeat("(", 10*MaxNesting) + "'", false},
	{"parentheses in an E'' literal", `SELECT E'\'` + strings.Repeat("(", 10*MaxNesting) + "'", false},
	{"parentheses in a quoted name", `SELECT 1 AS "` + strings.Repeat("(", 10*MaxNesting) + `"`, false},
	{"parentheses in a dollar quote", "SELECT $x$ ' " + strings.Repeat("(", 10*MaxNesting) + "$x$", false},
	{"comments in a line comment", "SELECT 1 -- " + strings.Repeat("/*", 10*MaxCommentNesting) + "\n", false},
	{"comments in a literal", "SELECT '" + strings.Repeat("/*", 10*MaxCommentNesting) + "'", false},
	{"parentheses after a literal", "SELECT 'it''s' " + strings.Repeat("(", MaxNesting+1), true},
	{"parentheses in a comment", "SELECT 1 /* " + strings.Repeat("(", 10*MaxNesting) + " */", false},
}

func TestTooDeep(t *testing.T) {
	for _, c := range deepInputs {
		if got := TooDeep([]byte(c.q)); got != c.deep {
			t.Errorf("%s: TooDeep = %v, want %v", c.name, got, c.deep)
		}
	}
}

// TestTooDeepIsSkipped: a statement past the bounds is counted as
// statement_too_deep and never passed on (so never parsed); the one after
// it is read as usual.
func TestTooDeepIsSkipped(t *testing.T) {
	for _, c := range deepInputs {
		var log bytes.Buffer
		fmt.Fprintf(&log, "2026-11-25 16:42:47.334 UTC [1] app@db LOG:  duration: 0.100 ms  statement: %s\n", c.q)
		log.WriteString("2026-11-25 16:42:47.335 UTC [1] app@db LOG:  duration: 0.100 ms  statement: SELECT 2\n")
		var got []string
		st, err := Read(bytes.NewReader(log.Bytes()), "deep", FormatStderr, func(s *Statement) error {
			got = append(got, string(s.Query))
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		skipped := 0
		if s := st.Skipped[ReasonTooDeep]; s != nil {
			skipped = int(s.Count)
		}
		want := 0
		if c.deep {
			want = 1
		}
		if skipped != want || len(got) != 2-want || got[len(got)-1] != "SELECT 2" {
			t.Errorf("%s: %d skipped as too deep, %d statements passed on; want %d and %d", c.name, skipped, len(got), want, 2-want)
		}
	}
}

// BenchmarkTooDeep shows the time of the pre-check on the worst inputs (a
// statement of the 1 MiB cap), against seconds for the parser.
func BenchmarkTooDeep(b *testing.B) {
	for _, q := range []string{strings.Repeat("/*", MaxStatementBytes/2), strings.Repeat("(", MaxStatementBytes)} {
		b.Run(fmt.Sprintf("%.2s", q), func(b *testing.B) {
			b.SetBytes(int64(len(q)))
			for i := 0; i < b.N; i++ {
				if !TooDeep([]byte(q)) {
					b.Fatal("not too deep")
				}
			}
		})
	}
}

func FuzzTooDeep(f *testing.F) {
	for _, c := range deepInputs {
		if len(c.q) < 4096 {
			f.Add(c.q)
		}
	}
	f.Add("SELECT $$ ( $$, $a$ [ $a$, E'\\' (', \"((\" -- ((\n /* /* */ */ (1)")
	f.Fuzz(func(t *testing.T, q string) {
		var l sqlLexer
		l.scan([]byte(q), nil)
		if TooDeep([]byte(q)) != (l.maxNesting > MaxNesting || l.maxComments > MaxCommentNesting) {
			t.Fatalf("the fast path and the lexer disagree on %q", q)
		}
		if l.maxNesting > strings.Count(q, "(")+strings.Count(q, "[") || l.maxComments > strings.Count(q, "/*") {
			t.Fatalf("depths past the counts of %q", q)
		}
	})
}
