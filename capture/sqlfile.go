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

// maxSQLBytes is the largest .sql input read: it is read whole.
const maxSQLBytes = 256 << 20

// maxSQLErrors bounds how often the splitter restarts after a scanner error.
const maxSQLErrors = 1000

// readSQL reads a plain SQL file: each statement once, untimed. psql
// meta-command lines (`\set`, `\connect`, ...) and the data of
// `COPY ... FROM stdin;` blocks are ignored; a line that is not UTF-8 (or holds
// a NUL byte) is counted and the statement it is part of is dropped.
func readSQL(br *bufio.Reader, e *engine) error {
	data, err := io.ReadAll(io.LimitReader(br, maxSQLBytes+1))
	if err != nil {
		return err
	}
	if len(data) > maxSQLBytes {
		e.st.Skip(ReasonTooLong, 1)
		return nil
	}
	bad := blankNonSQL(data, e.st)
	text := string(data)
	lines := lineCounter{text: text, line: 1}
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
			return emit(stmts, locate(rest, stmts), base)
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

// blankNonSQL blanks, in place, what is not SQL: psql meta-command lines and
// the data lines of COPY ... FROM stdin. In lines that are not UTF-8 or hold a
// NUL byte it blanks the bad bytes; it counts those lines and returns them, so
// that the statements holding them are dropped.
func blankNonSQL(data []byte, st *Stats) badLines {
	var bad badLines
	inCopy := false
	for off, n := 0, int64(1); off < len(data); n++ {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off
		}
		line := data[off:end]
		trimmed := bytes.TrimSpace(line)
		switch {
		case inCopy:
			inCopy = !bytes.Equal(trimmed, []byte(`\.`))
			blank(line)
		case !utf8.Valid(line):
			st.Skip(ReasonInvalidUTF8, n)
			bad = append(bad, n)
			blankBad(line)
		case bytes.IndexByte(line, 0) >= 0:
			st.Skip(ReasonGarbage, n)
			bad = append(bad, n)
			blankBad(line)
		case len(trimmed) > 0 && trimmed[0] == '\\':
			blank(line)
		case isCopyFromStdin(trimmed):
			inCopy = true
		}
		off = end + 1
	}
	return bad
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
