package capture

import (
	"strings"
	"testing"
)

func pgssStmt(line, calls int64, total, max float64, rows int64, query string) stmt {
	return stmt{Query: query, Calls: calls, Timed: true, TotalMS: total, MaxMS: max, Rows: rows, Line: line}
}

func TestReadPGSS(t *testing.T) {
	// The columns of PostgreSQL 16's pg_stat_statements, as \copy ... WITH (FORMAT csv, HEADER) writes them.
	const hdr16 = "userid,dbid,toplevel,queryid,query,plans,total_plan_time,min_plan_time,max_plan_time,mean_plan_time,stddev_plan_time,calls,total_exec_time,min_exec_time,max_exec_time,mean_exec_time,stddev_exec_time,rows,shared_blks_hit,shared_blks_read\n"
	row16 := func(query, calls, total, max, rows string) string {
		return "10,16384,t,-6387475926521185000," + query + ",0,0,0,0,0,0," + calls + "," + total + ",0.01," + max + ",1,0.5," + rows + ",120,3\n"
	}
	tests := []struct {
		name string
		in   string
		want result
	}{
		{
			name: "PostgreSQL 16",
			in: hdr16 +
				row16(`"SELECT * FROM orders WHERE customer_id = $1"`, "1200", "3400.5", "40.25", "24000") +
				row16(`"UPDATE t
SET a = $1, b = 'it''s, ""x""'
WHERE id = $2"`, "3", "1.5", "0.9", "3"),
			want: result{Stmts: []stmt{
				pgssStmt(2, 1200, 3400.5, 40.25, 24000, "SELECT * FROM orders WHERE customer_id = $1"),
				pgssStmt(3, 3, 1.5, 0.9, 3, "UPDATE t\nSET a = $1, b = 'it''s, \"x\"'\nWHERE id = $2"),
			}},
		},
		{
			name: "PostgreSQL 12 names, other column order, upper case and a BOM",
			in: "\ufeffQuery,Calls,Total_Time,Rows,Max_Time\n" +
				"SELECT 1,10,5.5,10,1.5\n",
			want: result{Stmts: []stmt{pgssStmt(2, 10, 5.5, 1.5, 10, "SELECT 1")}},
		},
		{
			name: "no max column: the mean stands for it; no rows column",
			in:   "query,calls,total_exec_time\nSELECT 1,4,10\n",
			want: result{Stmts: []stmt{pgssStmt(2, 4, 10, 2.5, 0, "SELECT 1")}},
		},
		{
			name: "no time column: untimed",
			in:   "query,calls\nSELECT 1,4\n",
			want: result{Stmts: []stmt{{Query: "SELECT 1", Calls: 4, Line: 2}}},
		},
		{
			name: "calls = 0, hidden text, bad numbers, wrong field counts",
			in: "query,calls,total_exec_time,max_exec_time,rows\n" +
				"SELECT 0,0,0,0,0\n" +
				"<insufficient privilege>,5,1,1,1\n" +
				",5,1,1,1\n" +
				"SELECT 1,many,1,1,1\n" +
				"SELECT 1,-1,1,1,1\n" +
				"SELECT 1,1,NaN,1,1\n" +
				"SELECT 1,1,1,,1\n" +
				"SELECT 1,1,1,1,x\n" +
				"SELECT 1,1,1\n" +
				"SELECT \"1,1,1,1,1\n" +
				"SELECT 2,2,4,3,\n",
			want: result{
				Stmts: []stmt{pgssStmt(12, 2, 4, 3, 0, "SELECT 2")},
				Skipped: map[Reason]int64{
					ReasonNoCalls: 1, ReasonNoQueryText: 2, ReasonBadValue: 5, ReasonBadRecord: 2,
				},
			},
		},
		{
			name: "numbers out of range: infinite sums, counts near 2^63",
			in: "query,calls,total_exec_time,max_exec_time,rows\n" +
				"SELECT 1,1,1e308,1,1\n" +
				"SELECT 1,1,1,1e309,1\n" +
				"SELECT 1,9223372036854775807,1,1,1\n" +
				"SELECT 1,1,1,1,9223372036854775807\n" +
				"SELECT 1,1,-0.5,1,1\n" +
				"SELECT 1,1,+Inf,1,1\n" +
				"SELECT 1,1000000000000000,1e15,1e15,1000000000000000\n",
			want: result{
				Stmts:   []stmt{pgssStmt(8, MaxCount, MaxMS, MaxMS, MaxCount, "SELECT 1")},
				Skipped: map[Reason]int64{ReasonBadValue: 6},
			},
		},
		{
			name: "header without query or calls",
			in:   "a,b,c\n1,2,3\n4,5,6\n",
			want: result{Skipped: map[Reason]int64{ReasonBadRecord: 3}},
		},
		{
			name: "cut in the middle of a quoted query",
			in:   "query,calls,total_exec_time\nSELECT 1,1,1\n\"SELECT 'abc\n",
			want: result{
				Stmts:   []stmt{pgssStmt(2, 1, 1, 1, 0, "SELECT 1")},
				Skipped: map[Reason]int64{ReasonTruncated: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := readString(t, tt.in, FormatPGSS)
			diff(t, got, tt.want)
		})
	}
}

func TestReadPGSSTooLong(t *testing.T) {
	long := strings.Repeat("x", MaxStatementBytes)
	in := "query,calls\n" + long + "y,1\n" + long + ",2\n\"" + long + long + long + "\",3\nSELECT 1,4\n"
	got, _ := readString(t, in, FormatPGSS)
	diff(t, got, result{
		Stmts:   []stmt{{Query: long, Calls: 2, Line: 3}, {Query: "SELECT 1", Calls: 4, Line: 5}},
		Skipped: map[Reason]int64{ReasonTooLong: 2},
	})
}
