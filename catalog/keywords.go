package catalog

import (
	"sync"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// keywordCache remembers isReservedKeyword's answers: QuoteIdent is called
// for every name printed, and each answer costs a call into the scanner.
var keywordCache = struct {
	sync.Mutex
	m map[string]bool
}{m: make(map[string]bool)}

const keywordCacheMax = 4096

// isReservedKeyword reports whether s, a plain lower-case identifier, is a
// keyword that quote_ident must quote: any keyword other than an UNRESERVED
// one (column-name, type/function-name and fully reserved keywords). It asks
// PostgreSQL's own scanner (as bundled in pg_query), so the list is the
// parser's.
func isReservedKeyword(s string) bool {
	if s == "" {
		return false
	}
	keywordCache.Lock()
	v, ok := keywordCache.m[s]
	keywordCache.Unlock()
	if ok {
		return v
	}
	v = scanKeywordKind(s) > pg_query.KeywordKind_UNRESERVED_KEYWORD
	keywordCache.Lock()
	if len(keywordCache.m) < keywordCacheMax {
		keywordCache.m[s] = v
	}
	keywordCache.Unlock()
	return v
}

// scanKeywordKind returns the keyword kind of s when s scans as exactly one
// keyword token, else NO_KEYWORD.
func scanKeywordKind(s string) pg_query.KeywordKind {
	res, err := pg_query.Scan(s)
	if err != nil || res == nil || len(res.Tokens) != 1 {
		return pg_query.KeywordKind_NO_KEYWORD
	}
	tok := res.Tokens[0]
	if tok.Start != 0 || int(tok.End) != len(s) {
		return pg_query.KeywordKind_NO_KEYWORD
	}
	return tok.KeywordKind
}
