package capture

import (
	"encoding/json"
	"strings"
	"testing"
)

// jsonRow writes a PostgreSQL 15+ jsonlog line; empty values are left out as
// PostgreSQL leaves out NULLs.
func jsonRow(pid int, severity, message, detail, statement string) string {
	m := map[string]any{
		"timestamp": "2024-03-11 20:41:43.123 UTC", "user": "app", "dbname": "shop", "pid": pid,
		"remote_host": "10.0.0.1", "remote_port": 51234, "session_id": "65ef5b17.1416", "line_num": 3,
		"ps": "SELECT", "session_start": "2024-03-11 20:41:40 UTC", "vxid": "3/12", "txid": 0,
		"error_severity": severity, "message": message, "application_name": "psql",
		"backend_type": "client backend", "query_id": -3950827362337399283,
	}
	if detail != "" {
		m["detail"] = detail
	}
	if statement != "" {
		m["statement"] = statement
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b) + "\n"
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestReadJSONLog(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want result
	}{
		{
			name: "PostgreSQL jsonlog",
			in: jsonRow(5142, "LOG", "duration: 0.942 ms  statement: SELECT 1\nFROM t", "", "") +
				jsonRow(5142, "LOG", "duration: 0.1 ms  parse <unnamed>: SELECT $1", "", "") +
				jsonRow(5142, "LOG", "duration: 0.1 ms  bind <unnamed>: SELECT $1", "parameters: $1 = 'a'", "") +
				jsonRow(5142, "LOG", "duration: 2.5 ms  execute <unnamed>: SELECT $1", "parameters: $1 = 'a'", "") +
				jsonRow(5142, "ERROR", "division by zero", "", "SELECT 1/0") +
				jsonRow(5142, "LOG", "checkpoint starting: time", "", "") +
				jsonRow(5142, "LOG", "statement: SELECT 2", "", "") +
				jsonRow(5142, "LOG", "duration: 0.3 ms", "", "") +
				jsonRow(5142, "LOG", "duration: 1 ms  plan:\n{\"Query Text\": \"SELECT 1\"}", "", ""),
			want: result{
				Stmts: []stmt{
					timed(1, 0.942, "SELECT 1\nFROM t"),
					timedP(4, 2.5, "SELECT $1", "$1 = 'a'"),
					timed(7, 0.3, "SELECT 2"),
				},
				Skipped: map[Reason]int64{ReasonProtocolStep: 2, ReasonFailed: 1, ReasonOtherMessage: 1, ReasonAutoExplain: 1},
			},
		},
		{
			name: "pid as a string, unknown keys, blank lines",
			in:   `{"pid":"77","error_severity":"LOG","message":"duration: 1 ms  statement: SELECT 1","extra":{"a":[1,2]}}` + "\n\n",
			want: result{Stmts: []stmt{timed(1, 1, "SELECT 1")}},
		},
		{
			name: "bad lines",
			in: "{not json\n" +
				`{"timestamp":"x"}` + "\n" +
				`{"error_severity":"LOG","message":"duration: 1 ms  statement: SELECT '` + "\xff" + `'"}` + "\n" +
				`{"error_severity":"NOPE","message":"x"}` + "\n" +
				`["array"]` + "\n" +
				jsonRow(1, "LOG", "duration: 1 ms  statement: SELECT 1", "", ""),
			want: result{
				Stmts:   []stmt{timed(6, 1, "SELECT 1")},
				Skipped: map[Reason]int64{ReasonBadRecord: 4, ReasonInvalidUTF8: 1},
			},
		},
		{
			name: "Cloud SQL: stderr lines in textPayload",
			in: `{"textPayload":` + jsonString("2024-03-11 20:41:43.123 UTC [5142]: [1-1] db=shop,user=app LOG:  duration: 1.5 ms  execute <unnamed>: SELECT $1\n\tFROM t") + `,"insertId":"s=abc","resource":{"type":"cloudsql_database"},"timestamp":"2024-03-11T20:41:43.123Z","severity":"INFO"}` + "\n" +
				`{"textPayload":` + jsonString("2024-03-11 20:41:43.123 UTC [5142]: [2-1] db=shop,user=app DETAIL:  parameters: $1 = '5'") + `,"severity":"INFO"}` + "\n" +
				`{"textPayload":` + jsonString("2024-03-11 20:41:44.000 UTC [5142]: [3-1] db=shop,user=app LOG:  duration: 2 ms  statement: SELECT 2") + `}` + "\n",
			want: result{Stmts: []stmt{
				timedP(1, 1.5, "SELECT $1\nFROM t", "$1 = '5'"),
				timed(3, 2, "SELECT 2"),
			}},
		},
		{
			name: "CloudNativePG: csvlog fields under record",
			in: `{"level":"info","ts":"2024-03-11T20:41:43Z","logger":"postgres","msg":"record","logging_pod":"pg-1","record":{"log_time":"2024-03-11 20:41:43.123 UTC","user_name":"app","process_id":"5142","error_severity":"LOG","sql_state_code":"00000","message":"duration: 0.5 ms  execute S_1: SELECT $1","detail":"parameters: $1 = 'x'","backend_type":"client backend"}}` + "\n" +
				`{"level":"info","ts":"2024-03-11T20:41:44Z","logger":"postgres","msg":"record","record":{"process_id":"5142","error_severity":"ERROR","message":"boom","query":"SELECT boom()"}}` + "\n",
			want: result{
				Stmts:   []stmt{timedP(1, 0.5, "SELECT $1", "$1 = 'x'")},
				Skipped: map[Reason]int64{ReasonFailed: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := readString(t, tt.in, FormatJSONLog)
			diff(t, got, tt.want)
		})
	}
}

func TestReadJSONLogTooLong(t *testing.T) {
	long := strings.Repeat("x", MaxStatementBytes)
	in := jsonRow(1, "LOG", "duration: 1 ms  statement: "+long+"y", "", "") +
		`{"message":"` + strings.Repeat("\\n", jsonLineMax/2) + `"}` + "\n" +
		jsonRow(1, "LOG", "duration: 1 ms  statement: "+long, "", "")
	got, _ := readString(t, in, FormatJSONLog)
	diff(t, got, result{
		Stmts:   []stmt{timed(3, 1, long)},
		Skipped: map[Reason]int64{ReasonTooLong: 2},
	})
}
