package safetext

import (
	"html"
	"strings"
)

// markdownEscaper escapes what would turn text into markup in GitHub-
// flavoured Markdown: a backslash (which would escape what follows), a
// backtick (a code span), | (a table cell's end), [ and ] (links and
// images), and <, > and & (HTML, which GitHub renders: <details> would
// close ours, <!-- hide the rest of the report).
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "|", `\|`, "[", `\[`, "]", `\]`,
	"<", "&lt;", ">", "&gt;", "&", "&amp;",
)

// MarkdownText returns s as Markdown text of one line: white space folded
// to single spaces, control characters escaped (as Line does), markup
// characters escaped, and a leading character that would start a heading,
// list, rule or fence escaped too.
func MarkdownText(s string) string {
	s = markdownEscaper.Replace(Line(strings.Join(strings.Fields(s), " ")))
	return escapeBlockStart(s)
}

// escapeBlockStart backslash-escapes the character by which a line would
// start a block (# heading, - + * list or rule, = and ~ underline or fence,
// "1." or "1)" ordered list).
func escapeBlockStart(s string) string {
	if s == "" {
		return s
	}
	if strings.IndexByte("#-+*=~", s[0]) >= 0 {
		return `\` + s
	}
	i := 0
	for i < len(s) && i < 10 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return s[:i] + `\` + s[i:]
	}
	return s
}

// MarkdownCell returns s for a cell of a Markdown table: markup characters
// escaped (| too, which would end the cell), control characters escaped, and
// each line break (LF, CR LF or CR) written as <br>, which would otherwise
// end the row.
func MarkdownCell(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = markdownEscaper.Replace(Line(l))
	}
	return strings.Join(lines, "<br>")
}

// MarkdownCodeCell returns s as a code span in a Markdown table cell ("" stays
// ""). In a table, | ends the cell even in a code span unless escaped as \|,
// and a backslash before it would cancel that: a text with a backtick or a
// backslash is written as MarkdownCell text instead.
func MarkdownCodeCell(s string) string {
	if s == "" {
		return ""
	}
	if strings.ContainsAny(s, "`\\") {
		return MarkdownCell(s)
	}
	return "`" + strings.ReplaceAll(Line(s), "|", `\|`) + "`"
}

// MarkdownCode returns s as an inline code span outside tables: control
// characters escaped, and delimited by a run of backticks longer than any
// inside (with a space inside each end when s starts or ends with a
// backtick), so that nothing in s can end the span.
func MarkdownCode(s string) string {
	s = Line(s)
	if s == "" {
		return ""
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if s[0] == '`' || s[len(s)-1] == '`' {
		s = " " + s + " "
	}
	return fence + s + fence
}

// MarkdownFenced returns code as a fenced code block in language lang:
// control characters other than newline and tab escaped (a lone CR would
// end a line, and a line of a list item's block without its indentation
// would end the block), trailing newlines dropped, and a fence of backticks
// longer than any run of them in code.
func MarkdownFenced(lang, code string) string {
	code = Block(code)
	fence := strings.Repeat("`", max(3, longestRun(code, '`')+1))
	return fence + lang + "\n" + strings.TrimRight(code, "\n") + "\n" + fence + "\n\n"
}

// HTML returns s for text inside an HTML element (a <summary>): control
// characters escaped as Line does (a blank line would end the HTML block),
// and <, >, &, ' and " as entities.
func HTML(s string) string { return html.EscapeString(Line(s)) }

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	run, longest := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}
