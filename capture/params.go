package capture

// maxParams is the most parameters a statement can have in PostgreSQL.
const maxParams = 65535

// ParseParams splits the text of a `parameters:` DETAIL into the values, as
// SQL literals, in $n order:
//
//	$1 = 'a''b', $2 = NULL, $3 = '42'   →   'a''b'   NULL   '42'
//
// Values can contain commas, newlines and doubled quotes. Parsing stops at the
// first thing that does not fit the shape, such as a value whose quote is not
// closed; what came before is returned. When the $n do not come as $1, $2, ...
// in order, each value is put at index n-1 and a gap is filled with NULL.
func ParseParams(text []byte) []string {
	var vals []string
	var nums []int
	inOrder := true
	maxN := 0
	s := text
	for {
		s = skipSpace(s)
		if len(s) < 2 || s[0] != '$' {
			break
		}
		i, n := 1, 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' && n <= maxParams {
			n = n*10 + int(s[i]-'0')
			i++
		}
		if i == 1 || n < 1 || n > maxParams {
			break
		}
		s = skipSpace(s[i:])
		if len(s) == 0 || s[0] != '=' {
			break
		}
		s = skipSpace(s[1:])
		v, rest, ok := paramValue(s)
		if !ok {
			break
		}
		vals = append(vals, string(v))
		nums = append(nums, n)
		inOrder = inOrder && n == len(vals)
		maxN = max(maxN, n)
		s = skipSpace(rest)
		if len(s) == 0 || s[0] != ',' {
			break
		}
		s = s[1:]
	}
	if inOrder {
		return vals
	}
	out := make([]string, maxN)
	for i := range out {
		out[i] = "NULL"
	}
	for i, n := range nums {
		out[n-1] = vals[i]
	}
	return out
}

// paramValue reads one value at the start of s: a quoted literal, in which a
// quote is doubled, or an unquoted word such as NULL.
func paramValue(s []byte) (v, rest []byte, ok bool) {
	if len(s) == 0 {
		return nil, nil, false
	}
	if s[0] == '\'' {
		for i := 1; i < len(s); i++ {
			if s[i] != '\'' {
				continue
			}
			if i+1 < len(s) && s[i+1] == '\'' {
				i++
				continue
			}
			return s[:i+1], s[i+1:], true
		}
		return nil, nil, false // the quote is not closed
	}
	i := 0
	for i < len(s) && s[i] != ',' && s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r' {
		i++
	}
	if i == 0 {
		return nil, nil, false
	}
	return s[:i], s[i:], true
}

func skipSpace(s []byte) []byte {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\n' || s[0] == '\t' || s[0] == '\r') {
		s = s[1:]
	}
	return s
}
