package catalog

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/pgadvise/pgadvise/internal/filekind"
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

// ReadDDLFile reads a file of DDL and calls ParseDDL on it. A file that is
// not plain-text DDL (a pg_dump archive, a snapshot, a binary, an empty
// file) is refused with a sentence saying what it is and how to make a
// plain schema, and so is a file that creates no relation: advice on a
// schema read as empty would re-create the indexes the database has.
func ReadDDLFile(path string) (*Schema, *DDLReport, error) {
	kind, err := filekind.DetectFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading DDL: %w", err)
	}
	if err := filekind.Check(path, kind, filekind.SchemaRole); err != nil {
		return nil, nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading DDL: %w", err)
	}
	s, rep, err := ParseDDL(string(b))
	if err != nil {
		return s, rep, fmt.Errorf("%s: %w", path, err)
	}
	if len(s.Tables) == 0 {
		msg := fmt.Sprintf("%s: no table or view in it (%d statement(s)", path, rep.Statements)
		if rep.Failed > 0 {
			msg += fmt.Sprintf(", %d could not be parsed: %s", rep.Failed, rep.FailureSummary())
		}
		return s, rep, fmt.Errorf("%s); want the schema as pg_dump -s prints it", msg)
	}
	return s, rep, nil
}

// FailureSummary lists the first parse failures once per message, with
// their lines: `syntax error at or near "foo" (lines 2, 3)`.
func (r *DDLReport) FailureSummary() string {
	var order []string
	lines := map[string][]string{}
	for _, e := range r.Errors { // "line N: message", as fail writes them
		line, msg, _ := strings.Cut(strings.TrimPrefix(e, "line "), ": ")
		if _, seen := lines[msg]; !seen {
			order = append(order, msg)
		}
		if l := lines[msg]; len(l) == 0 || l[len(l)-1] != line {
			lines[msg] = append(l, line)
		}
	}
	parts := make([]string, 0, len(order))
	for _, msg := range order {
		ls := lines[msg]
		word := "line"
		if len(ls) > 1 {
			word = "lines"
		}
		parts = append(parts, fmt.Sprintf("%s (%s %s)", msg, word, strings.Join(ls, ", ")))
	}
	s := strings.Join(parts, "; ")
	if r.Failed > len(r.Errors) {
		s += fmt.Sprintf("; and %d more", r.Failed-len(r.Errors))
	}
	return s
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
	r.lines = lineStarts(src)
	chunks := splitStatements(src)
	for i := 0; i < len(chunks); i++ {
		c := chunks[i]
		if !r.startChunk(src, c) {
			continue
		}
		if c.err != nil {
			r.failed(c.err)
			continue
		}
		text := src[c.start:c.end]
		res, perr := pg_query.Parse(text)
		if perr != nil && beginAtomic.MatchString(text) {
			// The scanner split a CREATE FUNCTION ... BEGIN ATOMIC body at
			// its inner semicolons: glue the pieces back up to the END.
			for j := i + 1; j < len(chunks) && j <= i+maxAtomicPieces && chunks[j].err == nil; j++ {
				if res2, err2 := pg_query.Parse(src[c.start:chunks[j].end]); err2 == nil {
					res, perr, i = res2, nil, j
					break
				}
			}
		}
		if perr != nil {
			// SplitWithScanner does not end a statement that has no
			// keyword ("foo; CREATE TABLE ..."): split it leniently and
			// read the pieces on their own.
			if pieces := scanSplit(src, c.start, c.end); len(pieces) > 1 {
				for _, p := range pieces {
					if r.startChunk(src, p.chunk) {
						r.readChunk(src, p.chunk)
					}
				}
				continue
			}
			r.failed(perr)
			continue
		}
		r.applyAll(res)
	}
	r.finish()
	return r.s, r.rep, nil
}

// startChunk sets the line of a chunk's first word; it returns false for a
// chunk that holds only comments.
func (r *reader) startChunk(src string, c chunk) bool {
	off, ok := firstToken(src[c.start:c.end])
	if !ok && c.err == nil {
		return false
	}
	r.line = lineAt(r.lines, c.start+off)
	return true
}

// readChunk parses and applies one chunk, or counts it as failed.
func (r *reader) readChunk(src string, c chunk) {
	if c.err != nil {
		r.failed(c.err)
		return
	}
	res, err := pg_query.Parse(src[c.start:c.end])
	if err != nil {
		r.failed(err)
		return
	}
	r.applyAll(res)
}

func (r *reader) failed(err error) {
	r.rep.Statements++
	r.rep.fail(r.line, parseErrorMessage(err))
}

func (r *reader) applyAll(res *pg_query.ParseResult) {
	for _, raw := range res.GetStmts() {
		r.rep.Statements++
		r.version = res.GetVersion()
		r.apply(raw.GetStmt())
	}
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

// firstToken skips leading white space and comments (-- and nested
// /* */) and returns the offset of the first word; ok is false when there
// is none.
func firstToken(s string) (int, bool) {
	i := 0
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v' || s[i] == ';':
			i++
		case strings.HasPrefix(s[i:], "--"):
			nl := strings.IndexByte(s[i:], '\n')
			if nl < 0 {
				return 0, false
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
				return i, true // an unterminated comment is something
			}
			i = j
		default:
			return i, true
		}
	}
	return 0, false
}

// chunk is one statement's text, src[start:end] without its semicolon; err
// is set when the scanner could not read it.
type chunk struct {
	start, end int
	err        error
}

// splitStatements splits src into statements with the PostgreSQL scanner
// (pg_query.SplitWithScanner), made robust for broken input:
//   - when the scanner fails (an unterminated string or comment, a bad
//     literal), the statement around the error is one failed chunk that runs
//     to the next line ending in a semicolon, and splitting goes on after it;
//   - SplitWithScanner silently skips statements without a keyword and
//     everything after unbalanced parentheses: what it skips is split by
//     scanSplit, which is lenient.
func splitStatements(src string) []chunk {
	var out []chunk
	for pos := 0; pos < len(src); {
		parts, err := pg_query.SplitWithScanner(src[pos:], false)
		if err == nil {
			// SplitWithScanner skips a statement without a keyword
			// ("foo;") and drops all that follows unbalanced parentheses:
			// split what it left out leniently.
			end := pos
			for _, c := range append(locate(src, pos, parts), chunk{start: len(src), end: len(src)}) {
				if _, ok := firstToken(src[end:c.start]); ok {
					for _, sc := range scanSplit(src, end, c.start) {
						out = append(out, sc.chunk)
					}
				}
				if c.start < len(src) {
					out = append(out, c)
				}
				end = c.end
			}
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
			out = append(out, splitByLines(src, pos, len(src))...)
			break
		}
		// The statements wholly before the error are fine.
		badStart := pos
		for _, c := range scanSplit(src, pos, errOff) {
			if !c.terminated {
				break
			}
			out = append(out, chunk{start: c.start, end: c.end})
			badStart = c.end + 1
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

// scannedChunk is a chunk of scanSplit; terminated says whether a
// semicolon ended it.
type scannedChunk struct {
	chunk
	terminated bool
}

// scanSplit splits src[from:to] at semicolons with pg_query.Scan,
// leniently: a semicolon ends a statement outside parentheses, and also
// inside them when it ends a line (the parentheses were left open by
// mistake). A text the scanner cannot read is one failed chunk.
func scanSplit(src string, from, to int) []scannedChunk {
	text := src[from:to]
	res, err := pg_query.Scan(text)
	if err != nil {
		if _, ok := firstToken(text); !ok {
			return nil
		}
		return []scannedChunk{{chunk: chunk{start: from, end: to, err: errors.New(parseErrorMessage(err))}}}
	}
	var out []scannedChunk
	start, depth, hasTokens := 0, 0, false
	for _, tok := range res.GetTokens() {
		switch tok.GetToken() {
		case pg_query.Token_SQL_COMMENT, pg_query.Token_C_COMMENT:
			continue
		case pg_query.Token_ASCII_40:
			depth++
		case pg_query.Token_ASCII_41:
			if depth > 0 {
				depth--
			}
		case pg_query.Token_ASCII_59:
			end := int(tok.GetStart())
			if depth == 0 || endsLine(text, int(tok.GetEnd())) {
				if hasTokens {
					out = append(out, scannedChunk{chunk: chunk{start: from + start, end: from + end}, terminated: true})
				}
				start, depth, hasTokens = int(tok.GetEnd()), 0, false
				continue
			}
		}
		hasTokens = true
	}
	if hasTokens {
		out = append(out, scannedChunk{chunk: chunk{start: from + start, end: to}})
	}
	return out
}

// endsLine reports whether only blanks and a -- comment follow offset i on
// its line.
func endsLine(s string, i int) bool {
	for ; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\r':
		case '\n':
			return true
		case '-':
			return strings.HasPrefix(s[i:], "--")
		default:
			return false
		}
	}
	return true
}

// splitByLines is the last resort when the scanner fails without saying
// where: src[from:to] is cut at the lines that end in a semicolon, and each
// piece split on its own; a piece the scanner still cannot read is cut at
// every semicolon, and what still fails is a failed chunk.
func splitByLines(src string, from, to int) []chunk {
	var out []chunk
	for start := from; start < to; {
		end := nextStatementEnd(src[:to], start)
		if _, ok := firstToken(src[start:end]); ok {
			parts, err := pg_query.SplitWithScanner(src[start:end], false)
			switch {
			case err == nil:
				out = append(out, locate(src[:end], start, parts)...)
			case strings.Contains(src[start:end], ";"):
				for i := start; i < end; {
					j := strings.IndexByte(src[i:end], ';')
					if j < 0 {
						j = end - i
					}
					out = append(out, splitByLines(src, i, i+j)...)
					i += j + 1
				}
			default:
				out = append(out, chunk{start: start, end: end, err: errors.New(parseErrorMessage(err))})
			}
		}
		start = end
		if start < to && src[start] == ';' {
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
