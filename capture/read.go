package capture

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// bufSize is the size of the buffered reader every format reads through. Lines
// up to this size are handled without copying them.
const bufSize = 1 << 20

// detectSize is how much of the input Detect looks at.
const detectSize = 64 << 10

// Read reads one input. gzip is detected by its magic bytes and decompressed
// transparently. With FormatAuto the format is detected from the first bytes
// (see Detect). It calls emit for each executed statement, in input order; an
// error from emit stops the read and is returned.
//
// Malformed content is never an error: it is counted in Stats.Skipped and
// reading goes on. Only an I/O error of r (or emit's error, unwrapped) is
// returned, and an error for a format that is not one of the Format constants.
// It never panics, whatever the bytes.
//
// The *Statement passed to emit, and the slices it holds, belong to the reader
// and are reused for the next statement: copy what must outlive the call.
//
// Order: a statement is emitted once the reader knows all about it. In a
// stderr log a statement logged without its duration (log_statement = all) is
// held until its session logs the duration, another statement or an error, so
// it can come after statements of other sessions logged in between; the same
// holds for an extended-protocol execution whose parameters DETAIL line is
// separated from it by another session's lines. Everything else is emitted in
// input order. The held statements are bounded in number and bytes (the oldest
// is emitted when the bound is reached) and all are emitted at the end.
//
// A pg_stat_statements row with calls = 0 is skipped as ReasonNoCalls (the
// entry was created when the statement was parsed or planned but it never
// completed); a row whose text is hidden or empty as ReasonNoQueryText.
func Read(r io.Reader, name string, format Format, emit func(*Statement) error) (*Stats, error) {
	st := &Stats{Name: name, Format: format}
	if _, known := lookupFormat(format); !known && format != FormatAuto {
		return st, fmt.Errorf("capture: unknown input format %q", format)
	}

	raw := &source{r: r}
	br := bufio.NewReaderSize(raw, bufSize)
	cnt := raw // counts the bytes the format reader sees
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			if raw.err != nil {
				return st, raw.err
			}
			st.Skip(gzipReason(err), 1)
			return st, nil
		}
		guard := &gzipGuard{gz: gz, raw: raw, st: st}
		cnt = &source{r: guard}
		guard.out = cnt
		br = bufio.NewReaderSize(cnt, bufSize)
	} else if raw.err != nil {
		return st, raw.err
	}
	defer func() {
		st.Bytes = cnt.bytes
		st.Lines = cnt.lines
		if cnt.bytes > 0 && cnt.last != '\n' {
			st.Lines++
		}
	}()

	if first, _ := br.Peek(1); len(first) == 0 {
		if err := cnt.ioErr(); err != nil {
			return st, err
		}
		if len(st.Skipped) == 0 { // not a damaged gzip stream
			st.Skip(ReasonEmptyInput, 1)
		}
		return st, nil
	}
	if bom, _ := br.Peek(3); bytes.Equal(bom, utf8BOM) {
		_, _ = br.Discard(3) // buffered: cannot fail
	}
	if format == FormatAuto {
		head, _ := br.Peek(detectSize)
		format = Detect(head, name)
		st.Format = format
	}

	f, _ := lookupFormat(format)
	err := f.read(br, newEngine(st, emit))
	if err == nil {
		// An I/O error met but not returned (by a Peek, say) is still one.
		err = cnt.ioErr()
	}
	return st, err
}

// ReadFile opens path and calls Read. A missing or unreadable file is an error
// that carries the path (an *fs.PathError). The path "-" reads standard input.
func ReadFile(path string, format Format, emit func(*Statement) error) (*Stats, error) {
	if path == "-" {
		return Read(os.Stdin, path, format, emit)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path, format, emit)
}

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// source wraps the input: it counts bytes and lines and keeps the first error
// that is not io.EOF, so that an I/O error is told apart from malformed
// content. A limit makes it fail with errRecordTooBig once that many bytes
// have been read (the CSV readers bound one record with it).
type source struct {
	r     io.Reader
	bytes int64
	lines int64
	last  byte
	err   error // first error of r other than io.EOF
}

func (s *source) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.bytes += int64(n)
		s.lines += int64(bytes.Count(p[:n], nl))
		s.last = p[n-1]
	}
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}

// ioErr returns the I/O error met while reading, if any.
func (s *source) ioErr() error {
	if g, ok := s.r.(*gzipGuard); ok {
		return g.raw.err
	}
	return s.err
}

var nl = []byte{'\n'}

// gzipGuard turns the errors of a damaged gzip stream into a skip and a clean
// end of input, and passes the I/O errors of the underlying reader on.
type gzipGuard struct {
	gz   *gzip.Reader
	raw  *source // the compressed input
	out  *source // the decompressed input, for the line number
	st   *Stats
	done bool
}

func (g *gzipGuard) Read(p []byte) (int, error) {
	if g.done {
		return 0, io.EOF
	}
	n, err := g.gz.Read(p)
	if err == nil || err == io.EOF {
		return n, err
	}
	if g.raw.err != nil {
		return n, g.raw.err
	}
	g.done = true
	g.st.Skip(gzipReason(err), g.out.lines+1)
	return n, io.EOF
}

// gzipReason classifies an error of the gzip decoder.
func gzipReason(err error) Reason {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return ReasonTruncated
	}
	return ReasonBadRecord
}

// lineReader reads lines from a bufio.Reader without copying them when they
// fit in its buffer. Longer lines are gathered in a buffer of its own up to
// max bytes; the rest of such a line is dropped and reported as cut.
type lineReader struct {
	br   *bufio.Reader
	max  int
	long []byte
	// unterminated is set when the last line returned ended the input
	// without a line ending.
	unterminated bool
}

// each calls fn with each line to the end of the input, and whether it was
// cut at max bytes.
func (lr *lineReader) each(fn func(line []byte, cut bool) error) error {
	for {
		line, cut, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(line, cut); err != nil {
			return err
		}
	}
}

// next returns the next line without its line ending ("\n" or "\r\n"),
// whether it was cut at max bytes, and io.EOF after the last line. A last line
// without a line ending is returned like any other. The line is valid until
// the next call.
func (lr *lineReader) next() (line []byte, cut bool, err error) {
	line, err = lr.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// Keep up to max+2 bytes: a "\r\n" right after max bytes is not a cut.
		lr.long = append(lr.long[:0], line[:min(len(line), lr.max+2)]...)
		total := len(line)
		for err == bufio.ErrBufferFull {
			line, err = lr.br.ReadSlice('\n')
			total += len(line)
			if room := lr.max + 2 - len(lr.long); room > 0 {
				lr.long = append(lr.long, line[:min(room, len(line))]...)
			}
		}
		line = lr.long
		cut = total > len(line)
	}
	if err != nil {
		if err != io.EOF {
			return nil, false, err
		}
		if len(line) == 0 {
			return nil, false, io.EOF
		}
	}
	lr.unterminated = err == io.EOF
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) > lr.max {
		line, cut = line[:lr.max], true
	}
	return line, cut, nil
}
