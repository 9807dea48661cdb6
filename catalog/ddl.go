package catalog

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"
)

// DDLReport says how much of a DDL file ParseDDL could use.
type DDLReport struct {
	// Statements is the number of SQL statements found (psql meta-commands
	// and comments are not statements).
	Statements int `json:"statements"`
	// Used counts the statements that changed the schema.
	Used int `json:"used"`
	// Ignored counts the statements that parsed but do not matter for the
	// schema (SET, COMMENT, GRANT, CREATE FUNCTION, ...) or could not be
	// applied (see Warnings).
	Ignored int `json:"ignored"`
	// Failed counts the statements that did not parse.
	Failed int `json:"failed"`
	// FailedLines holds the 1-based line numbers of the first few failed
	// statements.
	FailedLines []int `json:"failed_lines,omitempty"`
	// Errors holds the first few parse errors, as "line N: message".
	Errors []string `json:"errors,omitempty"`
	// Warnings holds the first few statements that parsed but could not be
	// applied, e.g. an index on a table the file never creates, as
	// "line N: message".
	Warnings []string `json:"warnings,omitempty"`
	// IgnoredKinds counts the ignored statements by parse node type, e.g.
	// "VariableSetStmt", "CommentStmt", "CreateFunctionStmt".
	IgnoredKinds map[string]int `json:"ignored_kinds,omitempty"`
}

// maxReported caps FailedLines, Errors and Warnings.
const maxReported = 10

func (r *DDLReport) fail(line int, msg string) {
	r.Failed++
	if len(r.FailedLines) < maxReported {
		r.FailedLines = append(r.FailedLines, line)
	}
	if len(r.Errors) < maxReported {
		r.Errors = append(r.Errors, fmt.Sprintf("line %d: %s", line, msg))
	}
}

func (r *DDLReport) warn(line int, format string, args ...any) {
	if len(r.Warnings) < maxReported {
		r.Warnings = append(r.Warnings, fmt.Sprintf("line %d: ", line)+fmt.Sprintf(format, args...))
	}
}

func (r *DDLReport) ignore(kind string) {
	r.Ignored++
	if r.IgnoredKinds == nil {
		r.IgnoredKinds = make(map[string]int)
	}
	r.IgnoredKinds[kind]++
}

// ReadDDLFile reads a file of DDL and calls ParseDDL on it.
func ReadDDLFile(path string) (*Schema, *DDLReport, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading DDL: %w", err)
	}
	s, rep, err := ParseDDL(string(b))
	if err != nil {
		return s, rep, fmt.Errorf("%s: %w", path, err)
	}
	return s, rep, nil
}

// ParseDDL reads DDL as `pg_dump -s` (or a hand-written schema file) prints
// it and returns the schema. Statements it cannot parse, or that do not
// matter for the schema (SET, COMMENT, GRANT, functions, ...), are counted in
// the DDLReport; the rest is still read. It never panics: an internal error
// is returned with what was read until then.
func ParseDDL(src string) (schema *Schema, rep *DDLReport, err error) {
	r := newReader()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("catalog: internal error reading DDL at line %d: %v", r.line, p)
		}
		schema, rep = r.s, r.rep
	}()
	src = cleanSource(src)
	lines := lineStarts(src)
	chunks := splitStatements(src)
	for i := 0; i < len(chunks); i++ {
		c := chunks[i]
		text := src[c.start:c.end]
		r.line = lineAt(lines, c.start+firstTokenOffset(text))
		if c.err != nil {
			r.rep.Statements++
			r.rep.fail(r.line, c.err.Error())
			continue
		}
		res, perr := pg_query.Parse(text)
		if perr != nil && beginAtomic.MatchString(text) {
			// The scanner split a CREATE FUNCTION ... BEGIN ATOMIC body at
			// its inner semicolons: glue the pieces back up to the END.
			for j := i + 1; j < len(chunks) && j <= i+maxAtomicPieces && chunks[j].err == nil; j++ {
				joined := src[c.start:chunks[j].end]
				if res2, err2 := pg_query.Parse(joined); err2 == nil {
					res, perr, i = res2, nil, j
					break
				}
			}
		}
		if perr != nil {
			r.rep.Statements++
			r.rep.fail(r.line, parseErrorMessage(perr))
			continue
		}
		for _, raw := range res.GetStmts() {
			r.rep.Statements++
			r.version = res.GetVersion()
			r.apply(raw.GetStmt())
		}
	}
	r.finish()
	return r.s, r.rep, nil
}

// maxAtomicPieces bounds how many split pieces a BEGIN ATOMIC body may span.
const maxAtomicPieces = 200

var beginAtomic = regexp.MustCompile(`(?i)\bbegin\s+atomic\b`)

func parseErrorMessage(err error) string {
	var pe *parser.Error
	if errors.As(err, &pe) {
		return pe.Message
	}
	return err.Error()
}

// cleanSource blanks what is not SQL but keeps every byte offset and line:
// NUL bytes, psql meta-command lines (\connect, \restrict KEY, \unrestrict
// that pg_dump prints) and the data of COPY ... FROM stdin blocks.
func cleanSource(src string) string {
	if !strings.ContainsAny(src, "\x00\\") {
		return src
	}
	b := []byte(src)
	inCopy := false
	for start := 0; start < len(b); {
		end := start
		for end < len(b) && b[end] != '\n' {
			end++
		}
		line := b[start:end]
		switch {
		case inCopy:
			if strings.TrimRight(string(line), " \t\r") == `\.` {
				inCopy = false
			}
			blank(line)
		case len(line) > 0 && line[0] == '\\':
			blank(line)
		default:
			for i, c := range line {
				if c == 0 {
					line[i] = ' '
				}
			}
			if copyFromStdin.Match(line) {
				inCopy = true
			}
		}
		start = end + 1
	}
	return string(b)
}

var copyFromStdin = regexp.MustCompile(`(?i)^\s*COPY\s.*\sFROM\s+stdin\b.*;\s*$`)

func blank(b []byte) {
	for i := range b {
		if b[i] != '\r' {
			b[i] = ' '
		}
	}
}

// lineStarts returns the offset of each line's first byte.
func lineStarts(src string) []int {
	starts := []int{0}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineAt returns the 1-based line of byte offset off.
func lineAt(starts []int, off int) int {
	return sort.Search(len(starts), func(i int) bool { return starts[i] > off })
}

// firstTokenOffset skips leading white space and comments (-- and nested
// /* */), so that a statement's line is that of its first word.
func firstTokenOffset(s string) int {
	i := 0
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v':
			i++
		case strings.HasPrefix(s[i:], "--"):
			nl := strings.IndexByte(s[i:], '\n')
			if nl < 0 {
				return i
			}
			i += nl + 1
		case strings.HasPrefix(s[i:], "/*"):
			depth, j := 0, i
			for j < len(s) {
				if strings.HasPrefix(s[j:], "/*") {
					depth++
					j += 2
				} else if strings.HasPrefix(s[j:], "*/") {
					depth--
					j += 2
					if depth == 0 {
						break
					}
				} else {
					j++
				}
			}
			if depth != 0 {
				return i
			}
			i = j
		default:
			return i
		}
	}
	if i >= len(s) {
		return 0
	}
	return i
}

// chunk is one statement's text, src[start:end] without its semicolon; err
// is set when the scanner could not read it.
type chunk struct {
	start, end int
	err        error
}

// splitStatements splits src at its top-level semicolons with the
// PostgreSQL scanner. When the scanner fails (an unterminated string or
// comment, a bad literal), the statement around the error is one failed
// chunk that runs to the next line ending in a semicolon, and splitting goes
// on after it, so one bad statement does not lose the rest.
func splitStatements(src string) []chunk {
	var out []chunk
	for pos := 0; pos < len(src); {
		parts, err := pg_query.SplitWithScanner(src[pos:], false)
		if err == nil {
			out = append(out, locate(src, pos, parts)...)
			break
		}
		errOff := -1
		var pe *parser.Error
		if errors.As(err, &pe) && pe.Cursorpos > 0 {
			errOff = pos + charToByteOffset(src[pos:], int(pe.Cursorpos)-1)
		}
		if errOff < pos || errOff > len(src) {
			// No usable position: cut at the lines that end in a
			// semicolon and split each piece on its own.
			out = append(out, splitByLines(src[pos:], pos)...)
			break
		}
		// The statements wholly before the error are fine.
		badStart := pos
		if errOff > pos {
			before, err2 := pg_query.SplitWithScanner(src[pos:errOff], false)
			if err2 == nil {
				for _, c := range locate(src, pos, before) {
					if c.end < errOff && src[c.end] == ';' {
						out = append(out, c)
						badStart = c.end + 1
					} else {
						break
					}
				}
			}
		}
		badEnd := nextStatementEnd(src, errOff)
		out = append(out, chunk{start: badStart, end: badEnd, err: errors.New(parseErrorMessage(err))})
		pos = badEnd
		if pos < len(src) && src[pos] == ';' {
			pos++
		}
	}
	return out
}

// splitByLines is the last resort when the scanner fails without saying
// where: each run of lines up to one that ends in a semicolon is split on
// its own, and a run the scanner still cannot read is one failed chunk.
func splitByLines(s string, base int) []chunk {
	var out []chunk
	for start := 0; start < len(s); {
		end := nextStatementEnd(s, start)
		piece := s[start:end]
		if strings.TrimSpace(piece) != "" {
			parts, err := pg_query.SplitWithScanner(piece, false)
			if err != nil {
				out = append(out, chunk{start: base + start, end: base + end, err: errors.New(parseErrorMessage(err))})
			} else {
				out = append(out, locate(s[:end], start, parts)...)
				for i := len(out) - len(parts); i < len(out); i++ {
					out[i].start += base
					out[i].end += base
				}
			}
		}
		start = end
		if start < len(s) && s[start] == ';' {
			start++
		}
	}
	return out
}

var statementEnd = regexp.MustCompile(`;[ \t\r]*(\n|$)`)

// nextStatementEnd returns the offset of the first semicolon at or after
// from that ends a line, or len(s).
func nextStatementEnd(s string, from int) int {
	if loc := statementEnd.FindStringIndex(s[from:]); loc != nil {
		return from + loc[0]
	}
	return len(s)
}

// locate finds each split part (in order, untrimmed) in src from pos on.
func locate(src string, pos int, parts []string) []chunk {
	out := make([]chunk, 0, len(parts))
	for _, p := range parts {
		i := strings.Index(src[pos:], p)
		if i < 0 {
			continue
		}
		out = append(out, chunk{start: pos + i, end: pos + i + len(p)})
		pos += i + len(p)
	}
	return out
}

// charToByteOffset converts a character offset, as PostgreSQL reports error
// positions (counting UTF-8 characters by their lead byte), to a byte
// offset in s.
func charToByteOffset(s string, chars int) int {
	i := 0
	for n := 0; n < chars && i < len(s); n++ {
		c := s[i]
		switch {
		case c < 0x80:
			i++
		case c&0xe0 == 0xc0:
			i += 2
		case c&0xf0 == 0xe0:
			i += 3
		case c&0xf8 == 0xf0:
			i += 4
		default:
			i++
		}
	}
	if i > len(s) {
		i = len(s)
	}
	return i
}
