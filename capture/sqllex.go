package capture

import "bytes"

// Bounds on how deeply a statement may nest before capture refuses it
// (TooDeep). PostgreSQL's scanner takes time quadratic in the nesting of
// /* comments */ (20,000 unclosed ones take about 20 seconds, and the
// analyzer scans, parses, fingerprints and normalizes each statement), and
// its parser recurses on parentheses and brackets. Handwritten and generated
// SQL stay far below these bounds; a statement at them passes through the
// parser in milliseconds.
const (
	// MaxNesting is the deepest nesting of parentheses and brackets.
	MaxNesting = 1000
	// MaxCommentNesting is the deepest nesting of block comments.
	MaxCommentNesting = 100
)

// TooDeep reports whether q nests parentheses and brackets deeper than
// MaxNesting, or block comments deeper than MaxCommentNesting, outside
// string literals, quoted identifiers, dollar quotes and line comments. It
// is asked before any call of the PostgreSQL parser: such a statement is
// skipped (ReasonTooDeep), never parsed. Most texts are decided by counting
// bytes, without reading them as SQL.
func TooDeep(q []byte) bool {
	if len(q) <= 2*MaxCommentNesting {
		return false // too short to open that many comments, or parentheses
	}
	if bytes.Count(q, slashStar) <= MaxCommentNesting &&
		(len(q) <= MaxNesting || bytes.Count(q, openParen)+bytes.Count(q, openBracket) <= MaxNesting) {
		return false // the counts bound the depths
	}
	var l sqlLexer
	l.scan(q, nil)
	return l.maxNesting > MaxNesting || l.maxComments > MaxCommentNesting
}

var slashStar, openParen, openBracket = []byte("/*"), []byte("("), []byte("[")

// sqlLexer follows PostgreSQL's lexical structure far enough to tell where
// statements end and how deeply they nest: string literals ('…' with ”
// doubled, E'…' with backslash escapes), quoted identifiers ("…" with ""
// doubled), dollar quotes ($$…$$, $tag$…$tag$), line comments (-- to the
// end of the line) and nested block comments. Its state carries from one
// call of scan to the next, so a text may be fed in pieces cut anywhere but
// inside a two-byte token (”, "", /*, */, --, a dollar tag): at line ends,
// for instance.
type sqlLexer struct {
	mode     byte   // 0 (SQL), '\'' (literal), 'e' (E'' literal), '"', '$', '-' (line comment), '*' (block comment)
	tag      []byte // the dollar quote's $tag$
	comments int    // block comment nesting
	nesting  int    // parentheses and brackets open
	parens   int    // parentheses open: the scanner splits only outside them
	// code says a statement began since the last semicolon: a byte in
	// SQL that is neither white space nor part of a comment.
	code bool
	// anyDepth: semi is called inside parentheses too.
	anyDepth bool
	// maxNesting and maxComments are the deepest nestings seen.
	maxNesting, maxComments int
	// escaped: the last byte of an E'' literal was a backslash.
	escaped bool
}

// scan reads b, calling semi (if not nil) with the offset of each
// semicolon outside parentheses: where the scanner ends a statement.
func (l *sqlLexer) scan(b []byte, semi func(int)) {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch l.mode {
		case 0:
			if c != ';' && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' &&
				!(c == '-' || c == '/') {
				l.code = true
			}
			switch c {
			case ';':
				if semi != nil && (l.parens == 0 || l.anyDepth) {
					semi(i)
				}
			case '(', '[':
				l.nesting++
				l.maxNesting = max(l.maxNesting, l.nesting)
				if c == '(' {
					l.parens++
				}
			case ')', ']':
				if l.nesting > 0 {
					l.nesting--
				}
				if c == ')' && l.parens > 0 {
					l.parens--
				}
			case '\'':
				l.mode = '\''
				if i > 0 && (b[i-1] == 'e' || b[i-1] == 'E') && (i == 1 || !isIdentByte(b[i-2])) {
					l.mode = 'e'
				}
			case '"':
				l.mode = '"'
			case '-':
				if i+1 < len(b) && b[i+1] == '-' {
					l.mode = '-'
					i++
				} else {
					l.code = true
				}
			case '/':
				if i+1 < len(b) && b[i+1] == '*' {
					l.mode, l.comments = '*', 1
					l.maxComments = max(l.maxComments, 1)
					i++
				} else {
					l.code = true
				}
			case '$':
				if n := dollarTag(b[i:]); n > 0 && (i == 0 || !isIdentByte(b[i-1])) {
					l.mode, l.tag = '$', append(l.tag[:0], b[i:i+n]...)
					i += n - 1
				}
			}
		case '\'', '"':
			if c == l.mode {
				if i+1 < len(b) && b[i+1] == c {
					i++ // doubled: still inside
				} else {
					l.mode = 0
				}
			}
		case 'e':
			switch {
			case l.escaped:
				l.escaped = false
			case c == '\\':
				l.escaped = true
			case c == '\'':
				if i+1 < len(b) && b[i+1] == '\'' {
					i++
				} else {
					l.mode = 0
				}
			}
		case '$':
			if c == '$' && bytes.HasPrefix(b[i:], l.tag) {
				l.mode = 0
				i += len(l.tag) - 1
			}
		case '-':
			if c == '\n' {
				l.mode = 0
			}
		case '*':
			switch {
			case c == '/' && i+1 < len(b) && b[i+1] == '*':
				l.comments++
				l.maxComments = max(l.maxComments, l.comments)
				i++
			case c == '*' && i+1 < len(b) && b[i+1] == '/':
				l.comments--
				if l.comments == 0 {
					l.mode = 0
				}
				i++
			}
		}
	}
}

// dollarTag returns the length of the dollar-quote opener at the start of
// b ($$ or $tag$, the tag an identifier not starting with a digit), or 0.
func dollarTag(b []byte) int {
	for i := 1; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '$':
			return i + 1
		case c >= '0' && c <= '9':
			if i == 1 {
				return 0 // $1: a parameter
			}
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
		default:
			return 0
		}
	}
	return 0
}

// isIdentByte reports whether c can be part of an identifier or keyword.
func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// sqlPiece is one statement's span of a text, from after the semicolon
// before it to its own semicolon (or the end), and whether it holds code.
type sqlPiece struct {
	start, end int
	code       bool
}

// sqlPieces cuts text at its semicolons: those outside parentheses, or
// with anyDepth all those outside literals and comments.
func sqlPieces(text []byte, anyDepth bool) []sqlPiece {
	var out []sqlPiece
	l := sqlLexer{anyDepth: anyDepth}
	start := 0
	l.scan(text, func(i int) {
		out = append(out, sqlPiece{start, i, l.code})
		start, l.code = i+1, false
	})
	return append(out, sqlPiece{start, len(text), l.code})
}
