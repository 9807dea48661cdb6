package safetext

import (
	"fmt"
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// SQL returns SQL text in which no quoted identifier, string constant or
// comment holds a character that a reader of the file could take for more
// than part of that token. The names in pgadvise's statements are quoted
// (catalog.QuoteIdent) and PostgreSQL reads them right even with a newline
// inside; but migration tools read files line by line before PostgreSQL sees
// them (goose takes any line starting with "-- +goose" for an annotation,
// dbmate splits at "-- migrate:down", Flyway replaces ${name} anywhere), and
// a person reviews the file in a terminal. So a token holding a control
// character, a Unicode line separator, a bidirectional control, or "${"
// is rewritten to an equivalent one without it:
//
//	"a<LF>b"        U&"a\000Ab"     (PostgreSQL's Unicode escapes)
//	'a<LF>b'        E'a\x0ab'       (C-style escapes; ' doubled, \ as \\)
//	-- a<ESC>b      -- a\x1bb       (as Comment escapes it)
//
// Both forms are read the same in every setting of
// standard_conforming_strings; escapes above U+007F need a UTF8 database, as
// such names do. Between tokens, CR LF and CR become LF and form feeds and
// vertical tabs spaces. Text with nothing to rewrite is returned as it is.
//
// SQL fails on text PostgreSQL's scanner rejects, on a name or string that
// is not valid UTF-8, and on token forms it does not rewrite (a Unicode
// identifier with UESCAPE, a bit string split over lines).
func SQL(text string) (string, error) {
	if !mayNeedRewrite(text) {
		return text, nil
	}
	res, err := pg_query.Scan(text)
	if err != nil {
		return "", fmt.Errorf("scan: %w", err)
	}
	var b strings.Builder
	b.Grow(len(text) + 32)
	pos := 0
	for i, tok := range res.Tokens {
		start, end := int(tok.Start), int(tok.End)
		if start < pos || end < start || end > len(text) {
			return "", fmt.Errorf("scan: token %d out of order", i)
		}
		if !isSpace(text[pos:start]) {
			return "", fmt.Errorf("scan: text between tokens: %s", Line(text[pos:start]))
		}
		b.WriteString(gap(text[pos:start]))
		raw := text[start:end]
		out := raw
		if tokenNeedsRewrite(tok.Token, raw) {
			if out, err = rewriteToken(tok.Token, raw, res.Tokens[i+1:]); err != nil {
				return "", err
			}
		}
		b.WriteString(out)
		pos = end
	}
	// The scanner reads C strings: text after a NUL byte would be left
	// unread here, and is refused like anything else no token holds.
	if !isSpace(text[pos:]) {
		return "", fmt.Errorf("scan: text after the last token: %s", Line(text[pos:]))
	}
	b.WriteString(gap(text[pos:]))
	return b.String(), nil
}

// mayNeedRewrite reports text that may hold a token to rewrite: a newline
// or tab (which may be inside a token), a hostile character, invalid UTF-8,
// "${", or a marker a tool reads in comments.
func mayNeedRewrite(s string) bool {
	return strings.ContainsAny(s, "\n\t") || Block(s) != s || strings.Contains(s, "${") || defuseMarkers(s) != s
}

// tokenNeedsRewrite reports a token holding a character Line escapes, or
// "${", or, for a comment, a tool marker.
func tokenNeedsRewrite(kind pg_query.Token, raw string) bool {
	if Line(raw) != raw || strings.Contains(raw, "${") {
		return true
	}
	return (kind == pg_query.Token_SQL_COMMENT || kind == pg_query.Token_C_COMMENT) && defuseMarkers(raw) != raw
}

// isSpace reports text that is white space only, as PostgreSQL's scanner
// skips it between tokens.
func isSpace(s string) bool {
	for _, c := range []byte(s) {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' {
			return false
		}
	}
	return true
}

// gap normalizes the white space between two tokens.
func gap(s string) string {
	if !strings.ContainsAny(s, "\r\f\v") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.NewReplacer("\r", "\n", "\f", " ", "\v", " ").Replace(s)
}

// rewriteToken returns the safe form of one token; next are the tokens after it.
func rewriteToken(kind pg_query.Token, raw string, next []*pg_query.ScanToken) (string, error) {
	switch kind {
	case pg_query.Token_SQL_COMMENT:
		return "--" + Comment(strings.TrimPrefix(raw, "--")), nil
	case pg_query.Token_C_COMMENT:
		inner := strings.TrimSuffix(strings.TrimPrefix(raw, "/*"), "*/")
		inner = strings.NewReplacer("/*", `/\x2a`, "*/", `*\x2f`).Replace(Comment(inner))
		return "/*" + inner + "*/", nil
	case pg_query.Token_IDENT, pg_query.Token_UIDENT:
		if kind == pg_query.Token_UIDENT && len(next) > 0 && next[0].Token == pg_query.Token_UESCAPE {
			return "", fmt.Errorf("cannot rewrite %s with UESCAPE", Line(raw))
		}
		name, err := decodeIdent(raw)
		if err != nil {
			return "", err
		}
		return QuoteUnicodeIdent(name)
	case pg_query.Token_SCONST, pg_query.Token_USCONST:
		if kind == pg_query.Token_USCONST && len(next) > 0 && next[0].Token == pg_query.Token_UESCAPE {
			return "", fmt.Errorf("cannot rewrite %s with UESCAPE", Line(raw))
		}
		v, err := decodeString(raw)
		if err != nil {
			return "", err
		}
		return QuoteEscapeString(v)
	}
	return "", fmt.Errorf("cannot rewrite the token %s", Line(raw))
}

// decodeIdent returns the name an identifier token stands for, as
// PostgreSQL's own scanner reads it.
func decodeIdent(raw string) (string, error) {
	res, err := pg_query.Parse("SELECT 1 AS " + raw)
	if err != nil {
		return "", fmt.Errorf("identifier %s: %w", Line(raw), err)
	}
	if len(res.Stmts) == 1 {
		if tl := res.Stmts[0].GetStmt().GetSelectStmt().GetTargetList(); len(tl) == 1 {
			if name := tl[0].GetResTarget().GetName(); name != "" {
				return name, nil
			}
		}
	}
	return "", fmt.Errorf("identifier %s: not a name", Line(raw))
}

// decodeString returns the value of a string constant token.
func decodeString(raw string) (string, error) {
	res, err := pg_query.Parse("SELECT " + raw)
	if err != nil {
		return "", fmt.Errorf("string %s: %w", Line(raw), err)
	}
	if len(res.Stmts) == 1 {
		if tl := res.Stmts[0].GetStmt().GetSelectStmt().GetTargetList(); len(tl) == 1 {
			if c := tl[0].GetResTarget().GetVal().GetAConst(); c != nil && c.GetSval() != nil {
				return c.GetSval().GetSval(), nil
			}
		}
	}
	return "", fmt.Errorf("string %s: not a string constant", Line(raw))
}

// mustEscapeInToken reports a character QuoteUnicodeIdent and
// QuoteEscapeString write as an escape: a hostile one, or the $ of "${".
func mustEscapeInToken(s string, i int, r rune) bool {
	return hostileRune(r) || r == '$' && strings.HasPrefix(s[i+1:], "{")
}

// QuoteUnicodeIdent quotes a name as a PostgreSQL Unicode identifier,
// U&"...", with the characters Line would escape, and the $ of "${", written
// as \XXXX or \+XXXXXX escapes: the result is one line of printable text
// for any valid UTF-8 name. Use catalog.QuoteIdent for names; this is for
// the names it would leave with such characters inside (SQL calls it).
func QuoteUnicodeIdent(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", fmt.Errorf("identifier %s is not valid UTF-8", Line(name))
	}
	var b strings.Builder
	b.WriteString(`U&"`)
	for i, r := range name {
		switch {
		case r == '"':
			b.WriteString(`""`)
		case r == '\\':
			b.WriteString(`\\`)
		case mustEscapeInToken(name, i, r):
			if r <= 0xffff {
				fmt.Fprintf(&b, `\%04X`, r)
			} else {
				fmt.Fprintf(&b, `\+%06X`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String(), nil
}

// QuoteEscapeString quotes a value as a PostgreSQL escape string, E'...',
// with ' doubled, \ as \\, and the characters Line would escape, and the $
// of "${", as \xNN, \uNNNN or \UNNNNNNNN: one line of printable text for
// any valid UTF-8 value.
func QuoteEscapeString(v string) (string, error) {
	if !utf8.ValidString(v) {
		return "", fmt.Errorf("string %s is not valid UTF-8", Line(v))
	}
	var b strings.Builder
	b.WriteString(`E'`)
	for i, r := range v {
		switch {
		case r == '\'':
			b.WriteString(`''`)
		case r == '\\':
			b.WriteString(`\\`)
		case mustEscapeInToken(v, i, r):
			switch {
			case r < 0x80:
				fmt.Fprintf(&b, `\x%02x`, r)
			case r <= 0xffff:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String(), nil
}
