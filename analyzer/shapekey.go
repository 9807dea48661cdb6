package analyzer

import "bytes"

// This file holds the cheap, pure-Go pass that keeps the C parser off the hot
// path. A slow log's statements carry literal values, so nearly every raw text
// is unique; fingerprinting each one with pg_query (~30 µs) would cap ingestion
// near 16 MB/s. appendShapeKey blanks what the parser would treat as constants
// and drops what it ignores (comments, runs of white space), so texts that
// differ only in their values share one key. pg_query runs once per new key.
//
// The rule that keeps this safe: two texts with one key must have one
// fingerprint. The pass therefore only blanks tokens that are constants to
// PostgreSQL's lexer (quoted strings, numbers, $n parameters, dollar-quoted
// strings) and collapses a list only in the one place the fingerprint ignores
// its length, IN (...). The reverse need not hold: texts with different keys
// may share a fingerprint (SELECT vs select), which costs a parse, not
// correctness. TestShapeKeyMatchesFingerprint and FuzzShapeKey check the rule
// against pg_query itself.

// literalMark replaces every constant in a key.
const literalMark = '?'

// inListMark replaces the contents of an IN list made only of constants.
const inListMark = "?*"

// appendShapeKey appends the shape key of q to dst and returns it.
func appendShapeKey(dst, q []byte) []byte {
	return scanShape(dst, q, nil)
}

// literalSpan is the byte range of one constant in the scanned text.
type literalSpan struct {
	start, end int
	kind       byte // 's' string, 'n' number, 'p' parameter, 'd' dollar-quoted
}

// scanShape appends the key of q to dst. When spans is non-nil it also
// records where each constant is, which the tests use to vary them.
func scanShape(dst, q []byte, spans *[]literalSpan) []byte {
	start := len(dst)
	pendingSpace := false
	// inListAt is the index in dst just past the "(" of an "IN (" being
	// scanned, or -1; inListDepth is the paren depth of that "(".
	inListAt, depth, inListDepth := -1, 0, 0
	lastIdent := -1 // index in dst where the last identifier starts, or -1

	emit := func(b ...byte) {
		if pendingSpace && len(dst) > start {
			dst = append(dst, ' ')
		}
		pendingSpace = false
		dst = append(dst, b...)
	}
	mark := func(from, to int, kind byte) {
		emit(literalMark)
		lastIdent = -1
		if spans != nil {
			*spans = append(*spans, literalSpan{from, to, kind})
		}
	}

	i, n := 0, len(q)
	for i < n {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			pendingSpace = true
			i++
		case c == '-' && i+1 < n && q[i+1] == '-':
			for i < n && q[i] != '\n' {
				i++
			}
			pendingSpace = true
		case c == '/' && i+1 < n && q[i+1] == '*':
			// Block comments nest in PostgreSQL.
			level := 0
			for i < n {
				if q[i] == '/' && i+1 < n && q[i+1] == '*' {
					level++
					i += 2
				} else if q[i] == '*' && i+1 < n && q[i+1] == '/' {
					level--
					i += 2
					if level == 0 {
						break
					}
				} else {
					i++
				}
			}
			pendingSpace = true
		case c == '\'':
			// A string constant. A one-letter prefix just before it (E'',
			// B'', X'', N'') belongs to the constant.
			from := i
			escapes := false
			if lastIdent >= 0 && len(dst)-lastIdent == 1 && !pendingSpace {
				switch dst[lastIdent] {
				case 'E', 'e':
					escapes = true
					fallthrough
				case 'B', 'b', 'X', 'x', 'N', 'n':
					dst = dst[:lastIdent]
					from--
				}
			}
			i = skipQuoted(q, i, escapes)
			// Adjacent string constants separated by a newline are one
			// constant to the lexer ('a'\n'b').
			for {
				j := i
				sawNewline := false
				for j < n && (q[j] == ' ' || q[j] == '\t' || q[j] == '\n' || q[j] == '\r') {
					if q[j] == '\n' {
						sawNewline = true
					}
					j++
				}
				if sawNewline && j < n && q[j] == '\'' {
					i = skipQuoted(q, j, escapes)
					continue
				}
				break
			}
			mark(from, i, 's')
		case c == '"':
			j := i + 1
			for j < n {
				if q[j] == '"' {
					if j+1 < n && q[j+1] == '"' {
						j += 2
						continue
					}
					j++
					break
				}
				j++
			}
			emit(q[i:j]...)
			lastIdent = -1
			i = j
		case c == '$':
			j := i + 1
			for j < n && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			// The lexer ends a parameter at its last digit: "$1abc" is $1
			// followed by the alias abc, so a parameter is blanked whatever
			// comes next (a number scan of "0B" after "$" would be wrong).
			if j > i+1 {
				mark(i, j, 'p')
				i = j
				break
			}
			// A dollar-quoted string: $$...$$ or $tag$...$tag$.
			j = i + 1
			for j < n && isIdentByte(q[j]) && q[j] != '$' && !(j == i+1 && q[j] >= '0' && q[j] <= '9') {
				j++
			}
			if j < n && q[j] == '$' {
				from, tag := i, q[i:j+1]
				end := indexFrom(q, tag, j+1)
				if end < 0 {
					i = n // unterminated: the rest is the string
				} else {
					i = end + len(tag)
				}
				mark(from, i, 'd')
				break
			}
			emit(c)
			lastIdent = -1
			i++
		case c >= '0' && c <= '9' || c == '.' && i+1 < n && q[i+1] >= '0' && q[i+1] <= '9':
			j := skipNumber(q, i)
			if j < n && isIdentStart(q[j]) {
				// "1abc" is a syntax error to PostgreSQL 15+ ("trailing
				// junk"); keep it as is rather than guess.
				for j < n && isIdentByte(q[j]) {
					j++
				}
				emit(q[i:j]...)
				lastIdent = -1
				i = j
				break
			}
			mark(i, j, 'n')
			i = j
		case isIdentStart(c):
			j := i + 1
			for j < n && isIdentByte(q[j]) {
				j++
			}
			emit(q[i:j]...)
			lastIdent = len(dst) - (j - i)
			i = j
		case c == '(':
			depth++
			isIn := lastIdent >= 0 && len(dst)-lastIdent == 2 &&
				(dst[lastIdent] == 'i' || dst[lastIdent] == 'I') &&
				(dst[lastIdent+1] == 'n' || dst[lastIdent+1] == 'N')
			emit(c)
			lastIdent = -1
			if isIn && inListAt < 0 {
				inListAt, inListDepth = len(dst), depth
			}
			i++
		case c == ')':
			if inListAt >= 0 && depth == inListDepth {
				if onlyMarks(dst[inListAt:]) {
					dst = append(dst[:inListAt], inListMark...)
				}
				inListAt = -1
				pendingSpace = false
			}
			depth--
			emit(c)
			lastIdent = -1
			i++
		default:
			emit(c)
			lastIdent = -1
			i++
		}
	}
	return dst
}

// skipQuoted returns the index just past the string constant that starts with
// the quote at q[i]. escapes enables backslash escapes (E'...').
func skipQuoted(q []byte, i int, escapes bool) int {
	n := len(q)
	j := i + 1
	for j < n {
		switch q[j] {
		case '\\':
			if escapes {
				j += 2
				continue
			}
		case '\'':
			if j+1 < n && q[j+1] == '\'' {
				j += 2
				continue
			}
			return j + 1
		}
		j++
	}
	return n
}

// skipNumber returns the index just past the numeric constant at q[i]:
// integers (with PostgreSQL 16's 0x/0o/0b forms and _ separators), decimals
// and exponents.
func skipNumber(q []byte, i int) int {
	n := len(q)
	j := i
	if q[j] == '0' && j+1 < n && (q[j+1]|0x20 == 'x' || q[j+1]|0x20 == 'o' || q[j+1]|0x20 == 'b') {
		j += 2
		for j < n && (isHex(q[j]) || q[j] == '_') {
			j++
		}
		return j
	}
	for j < n && (q[j] >= '0' && q[j] <= '9' || q[j] == '_') {
		j++
	}
	if j < n && q[j] == '.' && !(j+1 < n && q[j+1] == '.') {
		j++
		for j < n && (q[j] >= '0' && q[j] <= '9' || q[j] == '_') {
			j++
		}
	}
	if j < n && q[j]|0x20 == 'e' {
		k := j + 1
		if k < n && (q[k] == '+' || q[k] == '-') {
			k++
		}
		if k < n && q[k] >= '0' && q[k] <= '9' {
			for k < n && q[k] >= '0' && q[k] <= '9' {
				k++
			}
			j = k
		}
	}
	return j
}

func onlyMarks(b []byte) bool {
	seen := false
	for _, c := range b {
		switch c {
		case literalMark:
			seen = true
		case ',', ' ':
		default:
			return false
		}
	}
	return seen
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdentByte(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '$'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f'
}

func indexFrom(q, sep []byte, from int) int {
	if k := bytes.Index(q[from:], sep); k >= 0 {
		return from + k
	}
	return -1
}
