package capture

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"
)

// A .sql input is read in chunks of whole statements (sqlChunk bytes or a
// little more), each split by the PostgreSQL scanner: memory stays bounded
// whatever the input's size. sqlLexer finds where statements end, so that a
// chunk never cuts one.
const (
	sqlChunk = 1 << 20
	// maxSQLPending bounds the text held without a statement's end in
	// sight (an unterminated string or dollar quote runs to the end of the
	// input): past it, what is held is split as it is, and the scanner's
	// error recovery takes it from there.
	maxSQLPending = 8 * MaxStatementBytes
)

// maxSQLErrors bounds how often the splitter restarts after a scanner error.
const maxSQLErrors = 1000

// sqlFormat is a plain .sql file: what no other format takes (Detect
// also takes a name ending in .sql for one).
var sqlFormat = &formatInfo{format: FormatSQL, read: readSQL}

// readSQL reads a plain SQL file: each statement once, untimed. psql
// meta-command lines (`\set`, `\connect`, ...) and the data of
// `COPY ... FROM stdin;` blocks are ignored; a line that is not UTF-8 (or holds
// a NUL byte) is counted and the statement it is part of is dropped. It
// streams: a line longer than maxSQLPending is counted as too long (with
// the statement it is part of) and not held.
func readSQL(br *bufio.Reader, e *engine) error {
	return readSQLChunks(br, e, sqlChunk)
}

// readSQLChunks is readSQL splitting chunks of at least chunk bytes.
func readSQLChunks(br *bufio.Reader, e *engine, chunk int) error {
	r := sqlReader{e: e, bufLine: 1, chunk: chunk}
	var line []byte
	for n := int64(1); ; n++ {
		line = line[:0]
		tooLong := false
		var err error
		for {
			var frag []byte
			frag, err = br.ReadSlice('\n')
			if !tooLong && len(line)+len(frag) > maxSQLPending {
				tooLong, line = true, line[:0]
			}
			if !tooLong {
				line = append(line, frag...)
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			return err
		}
		if tooLong {
			// Nothing that long is a statement capture passes on: it is
			// dropped with what is held, and the lexer starts afresh.
			if ferr := r.flush(r.cut); ferr != nil { // the whole statements before it
				return ferr
			}
			e.st.Skip(ReasonTooLong, n)
			r.buf, r.bad, r.lex = r.buf[:0], r.bad[:0], sqlLexer{}
			r.bufLine = n + 1
		} else if len(line) > 0 {
			if cerr := r.add(line, n); cerr != nil {
				return cerr
			}
		}
		if err == io.EOF {
			return r.flush(len(r.buf))
		}
	}
}

// sqlReader holds the text of a .sql input not yet split.
type sqlReader struct {
	e       *engine
	buf     []byte   // text from line bufLine on
	bufLine int64    // the line buf starts at
	bad     badLines // lines of buf not UTF-8 or with a NUL
	lex     sqlLexer
	cut     int  // end of the last whole statement in buf (after its semicolon)
	chunk   int  // split once cut reaches it
	inCopy  bool // in the data of a COPY ... FROM stdin
}

// add takes line n (with its newline): what is not SQL is blanked, and the
// text held is split once a chunk of whole statements is there.
func (r *sqlReader) add(line []byte, n int64) error {
	start := len(r.buf)
	r.buf = append(r.buf, line...)
	line = r.buf[start:]
	switch trimmed := bytes.TrimSpace(line); {
	case r.inCopy:
		r.inCopy = !bytes.Equal(trimmed, []byte(`\.`))
		blank(line)
	case !utf8.Valid(line):
		r.e.st.Skip(ReasonInvalidUTF8, n)
		r.bad = append(r.bad, n)
		blankBad(line)
	case bytes.IndexByte(line, 0) >= 0:
		r.e.st.Skip(ReasonGarbage, n)
		r.bad = append(r.bad, n)
		blankBad(line)
	case len(trimmed) > 0 && trimmed[0] == '\\':
		blank(line)
	case isCopyFromStdin(trimmed):
		r.inCopy = true
	}
	r.lex.scan(line, func(i int) { r.cut = start + i + 1 })
	switch {
	case r.cut >= r.chunk:
		return r.flush(r.cut)
	case len(r.buf) >= maxSQLPending:
		r.lex = sqlLexer{}
		return r.flush(len(r.buf))
	}
	return nil
}

// flush splits and emits buf[:end], and keeps the rest.
func (r *sqlReader) flush(end int) error {
	if end == 0 {
		return nil
	}
	text := string(r.buf[:end])
	err := emitSQL(r.e, text, r.bufLine, r.bad)
	r.bufLine += int64(strings.Count(text, "\n"))
	r.buf = append(r.buf[:0], r.buf[end:]...)
	r.cut = 0
	keep := r.bad[:0]
	for _, b := range r.bad {
		if b >= r.bufLine {
			keep = append(keep, b)
		}
	}
	r.bad = keep
	return err
}

// emitSQL splits text, whose first line is line first of the input, into
// statements with the PostgreSQL scanner and emits them; the statements
// holding a bad line are dropped. Past a scanner error, the statements before
// the one holding it are emitted, and splitting goes on after the next
// semicolon.
//
// The scanner's split drops, without an error, the text of a statement
// whose parentheses do not balance (and with it the rest of the text): when
// it returns fewer statements than the text holds, each statement is split
// alone, and one that yields nothing is counted as malformed.
func emitSQL(e *engine, text string, first int64, bad badLines) error {
	return splitSQL(e, text, first, bad, false)
}

// splitSQL is emitSQL; alone says text is one statement's piece, split
// again on its own.
func splitSQL(e *engine, text string, first int64, bad badLines, alone bool) error {
	lines := lineCounter{text: text, line: first}
	var buf []byte
	emit := func(stmts []string, starts []int, base int) error {
		for i, s := range stmts {
			if s == "" {
				continue
			}
			first := lines.at(base + starts[i])
			last := first + int64(strings.Count(s, "\n"))
			if bad.any(first, last) {
				continue
			}
			buf = append(buf[:0], s...)
			if err := e.emitOne(buf, nil, first, false, 0, true); err != nil {
				return err
			}
		}
		return nil
	}
	for base, nerr := 0, 0; base < len(text); nerr++ {
		rest := text[base:]
		stmts, err := pg_query.SplitWithScanner(rest, true)
		if err == nil {
			pieces, balanced := sqlPieces([]byte(rest), false), true
			if n := nonEmpty(stmts); n != codePieces(pieces) {
				if alone {
					if n == 0 {
						e.st.Skip(ReasonBadRecord, lines.at(base+firstNonSpace(rest)))
						return nil
					}
				} else {
					balanced = false
				}
			}
			if balanced {
				return emit(stmts, locate(rest, stmts), base)
			}
			var l sqlLexer
			l.scan([]byte(rest), nil)
			if last := pieces[len(pieces)-1]; l.parens != 0 {
				// An unclosed parenthesis hides the semicolons after it,
				// in the last piece: it is cut at each of them.
				pieces = pieces[:len(pieces)-1]
				for _, p := range sqlPieces([]byte(rest[last.start:last.end]), true) {
					pieces = append(pieces, sqlPiece{last.start + p.start, last.start + p.end, p.code})
				}
			}
			for _, p := range pieces {
				if p.code {
					if err := splitSQL(e, rest[p.start:p.end], lines.at(base+p.start), bad, true); err != nil {
						return err
					}
				}
			}
			return nil
		}
		var pe *parser.Error
		if !errors.As(err, &pe) || pe.Cursorpos <= 0 || nerr >= maxSQLErrors {
			e.st.Skip(ReasonBadRecord, lines.at(base+firstNonSpace(rest)))
			return nil
		}
		// The text is good up to the token at the cursor: emit the
		// statements before the one holding it, then go on after the next
		// semicolon.
		pos := byteOffset(rest, pe.Cursorpos-1)
		stmts, _ = pg_query.SplitWithScanner(rest[:pos], true)
		starts := locate(rest, stmts)
		badStart := 0
		if n := len(stmts); n > 0 {
			end := starts[n-1] + len(stmts[n-1])
			if semi := strings.LastIndexByte(rest[end:pos], ';'); semi >= 0 {
				badStart = end + semi + 1
			} else {
				badStart, stmts = starts[n-1], stmts[:n-1]
			}
		}
		if err := emit(stmts, starts, base); err != nil {
			return err
		}
		badStart += firstNonSpace(rest[badStart:])
		e.st.Skip(ReasonBadRecord, lines.at(base+badStart))
		semi := strings.IndexByte(rest[pos:], ';')
		if semi < 0 {
			break
		}
		base += pos + semi + 1
	}
	return nil
}

// nonEmpty counts the statements that are not empty.
func nonEmpty(stmts []string) int {
	n := 0
	for _, s := range stmts {
		if s != "" {
			n++
		}
	}
	return n
}

// codePieces counts the pieces that hold a statement.
func codePieces(pieces []sqlPiece) int {
	n := 0
	for _, p := range pieces {
		if p.code {
			n++
		}
	}
	return n
}

// locate finds where each statement starts in text: they are pieces of it,
// in order, separated by semicolons and white space.
func locate(text string, stmts []string) []int {
	starts := make([]int, len(stmts))
	off := 0
	for i, s := range stmts {
		j := strings.Index(text[off:], s)
		if j < 0 { // cannot happen; keep the position of the previous one
			starts[i] = off
			continue
		}
		starts[i] = off + j
		off += j + len(s)
	}
	return starts
}

// isCopyFromStdin reports whether line is a whole `COPY ... FROM stdin;`
// statement, as pg_dump writes them before their data.
func isCopyFromStdin(line []byte) bool {
	const head, tail = "copy ", "from stdin;"
	return len(line) >= len(head)+len(tail) &&
		strings.EqualFold(string(line[:len(head)]), head) &&
		strings.EqualFold(string(line[len(line)-len(tail):]), tail)
}

// blankBad replaces the bytes that are not UTF-8, and NUL bytes, with spaces.
func blankBad(b []byte) {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == 0 || r == utf8.RuneError && n == 1 {
			b[i] = ' '
		}
		i += n
	}
}

func blank(b []byte) {
	for i := range b {
		if b[i] != '\n' {
			b[i] = ' '
		}
	}
}

// badLines lists line numbers, ascending.
type badLines []int64

// any reports whether a line in [first, last] is bad.
func (b badLines) any(first, last int64) bool {
	lo, hi := 0, len(b)
	for lo < hi {
		m := (lo + hi) / 2
		if b[m] < first {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(b) && b[lo] <= last
}

// lineCounter turns byte offsets, asked in increasing order, into line numbers.
type lineCounter struct {
	text string
	off  int
	line int64
}

func (c *lineCounter) at(off int) int64 {
	if off < c.off { // not increasing: count again from the start
		c.off, c.line = 0, 1
	}
	c.line += int64(strings.Count(c.text[c.off:off], "\n"))
	c.off = off
	return c.line
}

// byteOffset returns the byte offset of character n (0-based) of s.
func byteOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

func firstNonSpace(s string) int {
	return len(s) - len(strings.TrimLeft(s, " \t\r\n\f\v"))
}
