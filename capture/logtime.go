package capture

import "time"

// logTimeLayouts are the timestamp forms PostgreSQL writes: %m and %t in
// log_line_prefix (with a zone abbreviation or a numeric offset), csvlog's
// and jsonlog's log_time, and the ISO form log collectors put in front.
var logTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999 MST",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05.999999999-07",
	"2006-01-02 15:04:05-07",
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02 15:04:05-07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05",
}

// parseLogTime parses a logged timestamp.
func parseLogTime(b []byte) (time.Time, bool) {
	if len(b) < 19 {
		return time.Time{}, false
	}
	s := string(b)
	for _, l := range logTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// leadingTime returns the timestamp a log line starts with (the %m or %t of
// a log_line_prefix, or a collector's ISO time), or nil.
func leadingTime(b []byte) []byte {
	digits := func(i, n int) bool {
		if i+n > len(b) {
			return false
		}
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	// YYYY-MM-DD[ T]HH:MM:SS
	if len(b) < 19 || !digits(0, 4) || b[4] != '-' || !digits(5, 2) || b[7] != '-' || !digits(8, 2) ||
		(b[10] != ' ' && b[10] != 'T') || !digits(11, 2) || b[13] != ':' || !digits(14, 2) || b[16] != ':' || !digits(17, 2) {
		return nil
	}
	i := 19
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	switch {
	case i < len(b) && b[i] == 'Z':
		i++
	case i < len(b) && (b[i] == '+' || b[i] == '-') && digits(i+1, 2):
		i += 3
		if i < len(b) && b[i] == ':' && digits(i+1, 2) {
			i += 3
		} else if digits(i, 2) {
			i += 2
		}
	case i+1 < len(b) && b[i] == ' ' && b[i+1] >= 'A' && b[i+1] <= 'Z':
		j := i + 1
		for j < len(b) && b[j] >= 'A' && b[j] <= 'Z' {
			j++
		}
		if n := j - i - 1; n >= 2 && n <= 5 && (j == len(b) || b[j] == ' ' || b[j] == ':' || b[j] == '[') {
			i = j
		}
	}
	return b[:i]
}
