package capture

import (
	"bytes"
	"math/bits"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// HoldsSecret reports whether a statement text is, or contains, a utility
// statement that can carry a secret in clear: CREATE/ALTER ROLE (or USER)
// ... PASSWORD, CREATE/ALTER USER MAPPING or SERVER ... OPTIONS, ALTER
// SYSTEM, COPY ... PROGRAM, CREATE/ALTER SUBSCRIPTION ... CONNECTION, SET
// (also ALTER ROLE/DATABASE ... SET) of a setting whose name suggests a
// secret, and any other utility statement (a DO block, a function body)
// whose text mentions a password, secret, token or credential.
// PostgreSQL does not normalize utility statements: pg_stat_statements and
// the logs hold them as typed. The engine skips such statements as
// ReasonSecret, so their text never reaches the analyzer, a report or a
// snapshot.
//
// Detection uses the PostgreSQL parser. It is only asked about texts that
// are not a single SELECT, INSERT, UPDATE, DELETE or MERGE (checked first,
// from the first keyword and the absence of a semicolon inside) and that
// hold one of the words these statements need (PASSWORD, OPTIONS, SYSTEM,
// PROGRAM, CONNECTION, SECRET, TOKEN, CREDENTIAL, KEY); a text it cannot
// parse, or that holds a NUL byte, counts as holding a secret (when unsure,
// redact).
func HoldsSecret(q []byte) bool {
	hasNUL := bytes.IndexByte(q, 0) >= 0
	if !hasNUL && singleDML(q) {
		return false // most of a workload, decided without reading it all
	}
	if !hasWord(q, triggerWords) {
		return false
	}
	if hasNUL {
		return true // the parser, in C, would stop reading at the NUL
	}
	tree, err := pg_query.Parse(string(q))
	if err != nil {
		return true
	}
	for _, raw := range tree.GetStmts() {
		text := stmtText(q, raw)
		if stmtHoldsSecret(raw.GetStmt(), text) {
			return true
		}
	}
	return false
}

// triggerWords are the words without which no statement HoldsSecret looks
// for can be written. Keywords cannot be quoted, so they appear as such in
// any spelling of those statements.
var triggerWords = newWordSet("passw", "option", "system", "program", "connection", "secret", "token", "credential", "key")

// secretWords mark the text of another utility statement as secret;
// settingWords a setting's name.
var (
	secretWords  = newWordSet("passw", "secret", "token", "credential")
	settingWords = newWordSet("passw", "secret", "token", "credential", "key")
)

// wordSet finds any of a few lower-case ASCII words in a text, in any case.
// It looks only at the bytes a word starts with: every statement of a log
// passes through it.
type wordSet struct {
	words  []string
	first  [256]uint16 // bit i: words[i] starts with this byte, in either case
	second [256]uint16 // bit i: this byte is the second of words[i]
}

func newWordSet(words ...string) *wordSet {
	ws := &wordSet{words: words}
	for i, w := range words {
		ws.first[w[0]] |= 1 << i
		ws.first[w[0]-'a'+'A'] |= 1 << i
		ws.second[w[1]] |= 1 << i
		ws.second[w[1]-'a'+'A'] |= 1 << i
	}
	return ws
}

// hasWord reports whether q contains one of the set's words, in any case.
func hasWord(q []byte, ws *wordSet) bool {
	for i := 0; i+1 < len(q); i++ {
		m := ws.first[q[i]] & ws.second[q[i+1]]
		for m != 0 {
			j := bits.TrailingZeros16(m)
			m &^= 1 << j
			if w := ws.words[j]; len(q)-i >= len(w) && equalFoldASCII(q[i:i+len(w)], w) {
				return true
			}
		}
	}
	return false
}

func equalFoldASCII(b []byte, lower string) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// singleDML reports whether q is one statement that starts (after comments
// and parentheses) with SELECT, INSERT, UPDATE, DELETE, MERGE, WITH, VALUES
// or TABLE: no utility statement. A text with a semicolon before its end
// may hold more statements and is not single.
func singleDML(q []byte) bool {
	if i := bytes.IndexByte(bytes.TrimRight(q, " \t\r\n;"), ';'); i >= 0 {
		return false
	}
	word := firstWord(q)
	for _, kw := range dmlKeywords {
		if len(word) == len(kw) && equalFoldASCII(word, kw) {
			return true
		}
	}
	return false
}

// dmlKeywords start a SELECT, INSERT, UPDATE, DELETE or MERGE.
var dmlKeywords = []string{"select", "insert", "update", "delete", "with", "merge", "values", "table"}

// firstWord is the first keyword of q after white space, comments and
// opening parentheses.
func firstWord(q []byte) []byte {
	i := 0
	for i < len(q) {
		switch {
		case q[i] == ' ' || q[i] == '\t' || q[i] == '\n' || q[i] == '\r' || q[i] == '\f' || q[i] == '(':
			i++
		case bytes.HasPrefix(q[i:], []byte("--")):
			nl := bytes.IndexByte(q[i:], '\n')
			if nl < 0 {
				return nil
			}
			i += nl + 1
		case bytes.HasPrefix(q[i:], []byte("/*")):
			depth := 0
			for i < len(q) {
				if bytes.HasPrefix(q[i:], []byte("/*")) {
					depth++
					i += 2
				} else if bytes.HasPrefix(q[i:], []byte("*/")) {
					depth--
					i += 2
					if depth == 0 {
						break
					}
				} else {
					i++
				}
			}
			if depth != 0 {
				return nil
			}
		default:
			j := i
			for j < len(q) && (q[j]|0x20 >= 'a' && q[j]|0x20 <= 'z') {
				j++
			}
			return q[i:j]
		}
	}
	return nil
}

// stmtText is the text of one statement of a parse of q.
func stmtText(q []byte, raw *pg_query.RawStmt) []byte {
	start, n := int(raw.GetStmtLocation()), int(raw.GetStmtLen())
	if start < 0 || start > len(q) {
		return q
	}
	if n <= 0 || start+n > len(q) {
		return q[start:]
	}
	return q[start : start+n]
}

// stmtHoldsSecret decides for one parsed statement.
func stmtHoldsSecret(n *pg_query.Node, text []byte) bool {
	switch s := n.GetNode().(type) {
	case *pg_query.Node_SelectStmt, *pg_query.Node_InsertStmt, *pg_query.Node_UpdateStmt,
		*pg_query.Node_DeleteStmt, *pg_query.Node_MergeStmt:
		return false
	case *pg_query.Node_ExplainStmt:
		return stmtHoldsSecret(s.ExplainStmt.GetQuery(), text)
	case *pg_query.Node_CreateRoleStmt:
		return hasOption(s.CreateRoleStmt.GetOptions(), "password")
	case *pg_query.Node_AlterRoleStmt:
		return hasOption(s.AlterRoleStmt.GetOptions(), "password")
	case *pg_query.Node_CreateUserMappingStmt:
		return len(s.CreateUserMappingStmt.GetOptions()) > 0
	case *pg_query.Node_AlterUserMappingStmt:
		return len(s.AlterUserMappingStmt.GetOptions()) > 0
	case *pg_query.Node_CreateForeignServerStmt:
		return len(s.CreateForeignServerStmt.GetOptions()) > 0
	case *pg_query.Node_AlterForeignServerStmt:
		return len(s.AlterForeignServerStmt.GetOptions()) > 0
	case *pg_query.Node_AlterSystemStmt, *pg_query.Node_CreateSubscriptionStmt, *pg_query.Node_AlterSubscriptionStmt:
		return true
	case *pg_query.Node_CopyStmt:
		return s.CopyStmt.GetIsProgram() || hasWord(text, secretWords)
	case *pg_query.Node_VariableSetStmt:
		return secretSetting(s.VariableSetStmt)
	case *pg_query.Node_AlterRoleSetStmt:
		return secretSetting(s.AlterRoleSetStmt.GetSetstmt())
	case *pg_query.Node_AlterDatabaseSetStmt:
		return secretSetting(s.AlterDatabaseSetStmt.GetSetstmt())
	}
	// Another utility statement: a DO block or a function body may build
	// any of the above as a string.
	return hasWord(text, secretWords)
}

// hasOption reports whether a list of DefElem has one named name.
func hasOption(opts []*pg_query.Node, name string) bool {
	for _, o := range opts {
		if o.GetDefElem().GetDefname() == name {
			return true
		}
	}
	return false
}

// secretSetting reports whether a SET names a setting that suggests a secret.
func secretSetting(s *pg_query.VariableSetStmt) bool {
	return s != nil && hasWord([]byte(s.GetName()), settingWords)
}
