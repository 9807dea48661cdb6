package analyzer

// Constant folding for selectivity. PostgreSQL folds an expression of
// constants before it estimates a filter (eval_const_expressions), so
// "l_shipdate < date '1998-12-01' - interval '90' day" is estimated as a
// comparison with 1998-09-02. The analyzer does the same for the few forms
// that matter to range filters: numbers added or subtracted, and a date or
// timestamp plus or minus an interval. The result is a predicate's Sample,
// never its Value: a partial index keeps the query's own expression.

import (
	"strconv"
	"strings"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// constValue is a folded constant: a number, a point in time, an interval,
// a time relative to the statement's (now() - interval '7 days'), or text
// whose type the query did not say.
type constValue struct {
	kind   byte // 'n' number, 't' time, 'i' interval, 'r' relative to now, 's' text
	num    float64
	at     time.Time
	months int
	days   int
	dur    time.Duration
	text   string
}

// foldConstant returns the value of an expression of constants as an SQL
// literal ('1998-09-02', 0.05), or of a list of them as "(a, b)"; "" when
// it is not one the analyzer can fold.
func foldConstant(n *pg_query.Node) string {
	if l := n.GetList(); l != nil {
		var parts []string
		for _, item := range l.GetItems() {
			s := foldConstant(item)
			if s == "" {
				return ""
			}
			parts = append(parts, s)
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	v, ok := evalConst(n)
	if !ok {
		return ""
	}
	switch v.kind {
	case 'n':
		return strconv.FormatFloat(v.num, 'g', 12, 64) // .06 - .01 is 0.05, not 0.049999999999999996
	case 't':
		if v.at.Hour() == 0 && v.at.Minute() == 0 && v.at.Second() == 0 && v.at.Nanosecond() == 0 {
			return "'" + v.at.Format("2006-01-02") + "'"
		}
		return "'" + v.at.Format("2006-01-02 15:04:05") + "'"
	}
	return ""
}

// relativeToNow returns the offset from the current time of a value like
// now() - interval '7 days' (-168h), and false for anything else.
func relativeToNow(n *pg_query.Node) (time.Duration, bool) {
	v, ok := evalConst(n)
	if !ok || v.kind != 'r' {
		return 0, false
	}
	return v.dur, true
}

// evalConst evaluates the constant expressions foldConstant knows.
func evalConst(n *pg_query.Node) (constValue, bool) {
	switch x := n.GetNode().(type) {
	case *pg_query.Node_AConst:
		c := x.AConst
		switch v := c.GetVal().(type) {
		case *pg_query.A_Const_Ival:
			return constValue{kind: 'n', num: float64(v.Ival.GetIval())}, true
		case *pg_query.A_Const_Fval:
			f, err := strconv.ParseFloat(v.Fval.GetFval(), 64)
			return constValue{kind: 'n', num: f}, err == nil
		case *pg_query.A_Const_Sval:
			return constValue{kind: 's', text: v.Sval.GetSval()}, true
		}
	case *pg_query.Node_TypeCast:
		arg, ok := evalConst(x.TypeCast.GetArg())
		if !ok {
			return arg, false
		}
		return castConst(arg, x.TypeCast.GetTypeName())
	case *pg_query.Node_FuncCall:
		// The current time, as the statement sees it; clock_timestamp()
		// too, near enough for a filter's window.
		f := x.FuncCall
		names := f.GetFuncname()
		if len(f.GetArgs()) == 0 && len(names) > 0 {
			switch names[len(names)-1].GetString_().GetSval() {
			case "now", "transaction_timestamp", "statement_timestamp", "clock_timestamp":
				return constValue{kind: 'r'}, true
			}
		}
	case *pg_query.Node_SqlvalueFunction:
		switch x.SqlvalueFunction.GetOp() {
		case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP, pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N,
			pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP, pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N,
			pg_query.SQLValueFunctionOp_SVFOP_CURRENT_DATE:
			return constValue{kind: 'r'}, true
		}
	case *pg_query.Node_AExpr:
		e := x.AExpr
		if e.GetKind() != pg_query.A_Expr_Kind_AEXPR_OP || len(e.GetName()) != 1 || e.GetLexpr() == nil {
			return constValue{}, false
		}
		op := e.GetName()[0].GetString_().GetSval()
		if op != "+" && op != "-" {
			return constValue{}, false
		}
		l, ok1 := evalConst(e.GetLexpr())
		r, ok2 := evalConst(e.GetRexpr())
		if !ok1 || !ok2 {
			return constValue{}, false
		}
		return addConst(l, r, op == "-")
	}
	return constValue{}, false
}

// castConst applies a cast to a date, timestamp, interval or number type.
func castConst(v constValue, tn *pg_query.TypeName) (constValue, bool) {
	names := tn.GetNames()
	if len(names) == 0 {
		return v, false
	}
	typ := names[len(names)-1].GetString_().GetSval()
	switch typ {
	case "date", "timestamp", "timestamptz":
		if v.kind == 't' {
			return v, true
		}
		if v.kind != 's' {
			return v, false
		}
		if at, ok := ParseTime(strings.TrimSpace(v.text)); ok {
			return constValue{kind: 't', at: at}, true
		}
	case "interval":
		if v.kind != 's' {
			return v, false
		}
		mask := int64(0)
		if mods := tn.GetTypmods(); len(mods) > 0 {
			mask = int64(mods[0].GetAConst().GetIval().GetIval())
		}
		return parseInterval(v.text, mask)
	case "int2", "int4", "int8", "float4", "float8", "numeric":
		if v.kind == 'n' {
			return v, true
		}
		if v.kind == 's' {
			f, err := strconv.ParseFloat(strings.TrimSpace(v.text), 64)
			return constValue{kind: 'n', num: f}, err == nil
		}
	}
	return v, false
}

// addConst adds (or subtracts) two folded constants of compatible kinds.
func addConst(l, r constValue, minus bool) (constValue, bool) {
	sign := 1
	if minus {
		sign = -1
	}
	switch {
	case l.kind == 'n' && r.kind == 'n':
		return constValue{kind: 'n', num: l.num + float64(sign)*r.num}, true
	case l.kind == 't' && r.kind == 'i':
		at := addMonths(l.at, sign*r.months).AddDate(0, 0, sign*r.days).Add(time.Duration(sign) * r.dur)
		return constValue{kind: 't', at: at}, true
	case l.kind == 'i' && r.kind == 't' && !minus:
		return addConst(r, l, false)
	case l.kind == 'r' && r.kind == 'i':
		// Kept as an offset: months as 30 days, as PostgreSQL's interval
		// comparisons count them.
		off := l.dur + time.Duration(sign)*(time.Duration(r.months)*30*24*time.Hour+time.Duration(r.days)*24*time.Hour+r.dur)
		return constValue{kind: 'r', dur: off}, true
	case l.kind == 'i' && r.kind == 'r' && !minus:
		return addConst(r, l, false)
	}
	return constValue{}, false
}

// addMonths adds months the way PostgreSQL does: the day of the month is
// kept, or clamped to the target month's last day (Jan 31 + 1 month is
// Feb 28 or 29, where time.AddDate would give March).
func addMonths(t time.Time, months int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// Interval field masks of a typmod (interval '3' month), from PostgreSQL's
// datetime.h: INTERVAL_MASK(MONTH) and so on.
const (
	maskMonth  = 1 << 1
	maskYear   = 1 << 2
	maskDay    = 1 << 3
	maskHour   = 1 << 10
	maskMinute = 1 << 11
	maskSecond = 1 << 12
)

// parseInterval reads "3 months", "1 year 2 days", "90 days", or a bare
// number whose unit the typmod names (interval '90' day).
func parseInterval(s string, mask int64) (constValue, bool) {
	v := constValue{kind: 'i'}
	fields := strings.Fields(strings.ToLower(s))
	if len(fields) == 1 && mask != 0 {
		// The most significant field the typmod names is the number's unit.
		units := map[int64]string{maskYear: "year", maskMonth: "month", maskDay: "day", maskHour: "hour", maskMinute: "minute", maskSecond: "second"}
		for _, m := range []int64{maskYear, maskMonth, maskDay, maskHour, maskMinute, maskSecond} {
			if mask&m != 0 {
				fields = append(fields, units[m])
				break
			}
		}
	}
	if len(fields) == 0 || len(fields)%2 != 0 {
		return v, false
	}
	for i := 0; i < len(fields); i += 2 {
		n, err := strconv.Atoi(fields[i])
		if err != nil {
			return v, false
		}
		unit := fields[i+1]
		if unit == "ms" || unit == "us" || strings.HasPrefix(unit, "milli") || strings.HasPrefix(unit, "micro") {
			return v, false
		}
		switch u := strings.TrimSuffix(unit, "s"); u {
		case "year", "yr", "y":
			v.months += 12 * n
		case "mon", "month":
			v.months += n
		case "week", "w":
			v.days += 7 * n
		case "day", "d":
			v.days += n
		case "hour", "hr", "h":
			v.dur += time.Duration(n) * time.Hour
		case "minute", "min", "m":
			v.dur += time.Duration(n) * time.Minute
		case "second", "sec":
			v.dur += time.Duration(n) * time.Second
		default:
			return v, false
		}
	}
	return v, true
}

// ParseTime reads a date or timestamp as PostgreSQL prints it (pg_stats'
// "2024-01-01 00:00:00+00") or as queries and applications write it
// ('2024-01-01', RFC 3339).
func ParseTime(s string) (time.Time, bool) {
	if len(s) < 10 || s[4] != '-' {
		return time.Time{}, false
	}
	for _, l := range timeLayouts {
		if at, err := time.Parse(l, s); err == nil {
			return at, true
		}
	}
	return time.Time{}, false
}

// timeLayouts are the forms ParseTime reads; a fraction of a second is
// optional in each.
var timeLayouts = []string{
	"2006-01-02",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999-07",
	"2006-01-02 15:04:05.999999999-07:00",
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
}
