// Package safetext escapes text from outside (identifiers, catalog strings,
// query text, reasons built from them) for the places pgadvise writes it:
// SQL comments and statements of migration files, Markdown, and terminal
// output. It is the one place that escaping is done; every writer calls it.
//
// All functions leave ordinary text (printable, no markup or tool markers)
// byte for byte as it is, so that reports and migrations of ordinary schemas
// do not change. What they escape is written as a visible escape such as
// \x0a or \u202e, never dropped: a reviewer sees that a name was odd.
package safetext

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// hostileRune reports a character that must not reach a file or a terminal
// as it is: C0 and C1 control characters (newline, carriage return and the
// escape that starts terminal sequences among them), DEL, the Unicode line
// and paragraph separators, and the bidirectional controls that can make a
// line read differently from what it holds.
func hostileRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separator
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c: // left-to-right, right-to-left, Arabic letter marks
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // embeddings, overrides, isolates
		return true
	}
	return false
}

// writeEscape writes r as \xNN (ASCII) or \uNNNN.
func writeEscape(b *strings.Builder, r rune) {
	if r < 0x80 {
		fmt.Fprintf(b, `\x%02x`, r)
		return
	}
	fmt.Fprintf(b, `\u%04x`, r)
}

// escape copies s, writing hostile characters (keep aside) and the bytes of
// invalid UTF-8 as escapes. It returns s itself when nothing needs escaping.
func escape(s string, keep func(rune) bool) string {
	clean := true
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 || hostileRune(r) && !keep(r) {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case hostileRune(r) && !keep(r):
			writeEscape(&b, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func keepNone(rune) bool { return false }

func keepNewlineTab(r rune) bool { return r == '\n' || r == '\t' }

// Line returns s for one line of terminal output: every control character
// (newline, carriage return, tab and escape included), the Unicode line
// separators, bidirectional controls and invalid UTF-8 become visible
// escapes, so that a name can neither start a line of its own nor send the
// terminal a sequence.
func Line(s string) string { return escape(s, keepNone) }

// Block returns s for several lines of output (a query text, a statement):
// like Line, but newlines and tabs stay; a CR LF pair becomes a newline.
func Block(s string) string {
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	return escape(s, keepNewlineTab)
}

// toolMarkers are texts that a migration tool reads in a comment line, with
// the character escaped to defuse them. goose takes every line that starts
// with "--" and holds "+goose" for an annotation (ENVSUB ON would expand
// environment variables in the statements after it); dbmate splits a file
// at a line "-- migrate:up" or "-- migrate:down"; Flyway replaces ${name}
// placeholders everywhere in a script, comments included.
var toolMarkers = []struct {
	text string // lower case
	at   int    // the byte of text to escape
}{
	{"+goose", 0},
	{"migrate:", len("migrate")},
	{"${", 1},
}

// defuseMarkers escapes one byte of every tool marker in s (matched without
// regard to case).
func defuseMarkers(s string) string {
	lower := asciiLower(s) // the markers are ASCII: byte offsets stay those of s
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		for _, m := range toolMarkers {
			if strings.HasPrefix(lower[i:], m.text) {
				j := i + m.at
				b.WriteString(s[last:j])
				fmt.Fprintf(&b, `\x%02x`, s[j])
				last = j + 1
				break
			}
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Comment returns s as the text of one SQL line comment, to be written as
// "-- " + Comment(s). PostgreSQL and psql end a line comment at a newline or
// carriage return, which would make the rest of s a statement: those, every
// other control character, the Unicode line separators, bidirectional
// controls and invalid UTF-8 become visible escapes. The markers migration
// tools look for in comments ("+goose", "migrate:", "${") get one
// character escaped, so that no comment line is read as an annotation.
// A backslash stays as it is: in a comment it escapes nothing.
func Comment(s string) string { return defuseMarkers(Line(s)) }

// JSON returns encoded JSON with the characters encoding/json leaves as they
// are, though a terminal or an editor showing the file would act on them
// (C1 controls, bidirectional controls), written as \uNNNN escapes. Such
// characters can only be inside strings, where the escape means the same.
// encoding/json escapes the others itself: C0 controls, <, >, &, U+2028,
// U+2029; it writes invalid UTF-8 as U+FFFD.
func JSON(js []byte) []byte {
	if cleanJSON(js) {
		return js
	}
	var b strings.Builder
	b.Grow(len(js) + 16)
	for _, r := range string(js) {
		if hostileRune(r) && r >= 0x80 {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return []byte(b.String())
}

// cleanJSON reports whether JSON leaves js as it is: valid UTF-8 without a
// hostile character other than newline and tab (escape's test, on the
// bytes: no copy of a report to look at it).
func cleanJSON(js []byte) bool {
	for i := 0; i < len(js); {
		if c := js[i]; c < utf8.RuneSelf {
			if hostileRune(rune(c)) && !keepNewlineTab(rune(c)) {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(js[i:])
		if r == utf8.RuneError && n <= 1 || hostileRune(r) {
			return false
		}
		i += n
	}
	return true
}
