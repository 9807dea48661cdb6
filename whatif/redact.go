package whatif

import (
	"errors"
	"regexp"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pgadvise/pgadvise/catalog"
)

// identifierOnly lists the SQLSTATEs whose messages quote nothing but the
// names of relations or settings: undefined_table, lock_not_available,
// query_canceled, insufficient_privilege, invalid_schema_name. Every other
// message may quote a value of the explained text ("invalid input syntax
// for type integer: \"jane@example.com\"", "syntax error at or near ...",
// even `column "jane@example.com" does not exist` for a value written in
// double quotes).
var identifierOnly = map[string]bool{"42P01": true, "55P03": true, "57014": true, "42501": true, "3F000": true}

// quoted matches what a server or parser message quotes: "…", '…', and
// the bytes of an invalid byte sequence (0x00 0xff).
var quoted = regexp.MustCompile(`"(?:[^"]|"")*"|'(?:[^']|'')*'|0x[0-9a-fA-F]+(?: 0x[0-9a-fA-F]+)*`)

// errorText is err as the report shows it. Without showValues, whatever its
// message quotes becomes "…" (a message names a value of the sample it
// explained, and samples hold customer data); a server error keeps its
// SQLSTATE, and a lock or statement timeout says which setting ended it.
// The server's DETAIL (`Key (email)=(…)`) is never included.
func errorText(err error, showValues bool) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		if showValues {
			return err.Error()
		}
		return quoted.ReplaceAllString(err.Error(), `"…"`)
	}
	msg := pe.Message
	if !showValues && !identifierOnly[pe.Code] {
		msg = quoted.ReplaceAllString(msg, `"…"`)
	}
	text := pe.Severity + ": " + msg + " (SQLSTATE " + pe.Code + ")"
	if hint := catalog.PgErrorHint(pe.Code); hint != "" && (pe.Code == "55P03" || pe.Code == "57014") {
		text += " (" + hint + ")"
	}
	return text
}
