package capture

import (
	"bufio"
	"fmt"
	"strings"
)

// formatInfo describes one input format, as the advisor's KindInfo
// describes a kind of recommendation: its name, how its content is told
// apart, and the reader that streams it. Read, Detect, ParseFormat and the
// command's --input-format read the lists below, so that a new format is
// one new file (its constant, its formatInfo and its reader) and a line in
// each list, plus its tests.
type formatInfo struct {
	format Format
	// sniff reports whether head, the input's first bytes (decompressed,
	// without a byte order mark), is in this format; first is head's first
	// line that is not blank. Nil: the format takes whatever no other
	// does.
	sniff func(head, first []byte) bool
	// read reads the whole input, handing each statement to e.
	read func(br *bufio.Reader, e *engine) error
}

// formats lists the input formats in the order help texts name them.
var formats = []*formatInfo{stderrFormat, csvlogFormat, jsonlogFormat, pgssFormat, sqlFormat}

// detectOrder is the order Detect tries the formats in: the most
// particular first (a jsonlog line or a csvlog record holds what reads as
// a stderr record), the one that takes anything last.
var detectOrder = []*formatInfo{jsonlogFormat, pgssFormat, csvlogFormat, stderrFormat, sqlFormat}

// Formats returns the input formats (FormatAuto aside), in the order help
// texts name them.
func Formats() []Format {
	out := make([]Format, len(formats))
	for i, f := range formats {
		out[i] = f.format
	}
	return out
}

// lookupFormat returns the description of a format (not FormatAuto).
func lookupFormat(format Format) (*formatInfo, bool) {
	for _, f := range formats {
		if f.format == format {
			return f, true
		}
	}
	return nil, false
}

// ParseFormat parses a --input-format value: auto or one of Formats (case
// does not matter; the empty string is auto).
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if f == "" || f == FormatAuto {
		return FormatAuto, nil
	}
	if _, ok := lookupFormat(f); ok {
		return f, nil
	}
	names := []string{string(FormatAuto)}
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	last := len(names) - 1
	return "", fmt.Errorf("unknown input format %q (want %s or %s)", s, strings.Join(names[:last], ", "), names[last])
}
