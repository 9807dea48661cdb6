package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/pressly/goose/v3"

	"github.com/pgadvise/pgadvise/catalog"
	"github.com/pgadvise/pgadvise/internal/pgtest"
	"github.com/pgadvise/pgadvise/report"
)

// The hostile names of TestHostileMigrationsApply: each, left in a comment
// or on a line of its own, drops the canary table.
const (
	hostileTable  = "evil\nDROP TABLE canary; --"
	hostileColumn = "c\r-- migrate:down\nDROP TABLE canary;\x1b[31m */"
	hostileIndex  = "i\n-- +goose Down\nDROP TABLE canary; -- ${HOME}"
	hostileValue  = "v'\n-- +goose ENVSUB ON\nDROP TABLE canary; -- `|`"
	hostileReason = "Serves 1 query\nDROP TABLE canary; --\r\n-- +goose Down\n-- migrate:down\n*/ DROP TABLE canary; /* \x1b[2J ${HOME}"
)

// TestHostileMigrationsApply generates, in every format, the migration of
// an index on a table whose name, column, index name, predicate value and
// reason are hostile; creates that table beside a canary table in a real
// PostgreSQL; applies the up migration the way its tool would (psql -f on
// the part the tool runs on up; goose's files also with goose itself); and
// checks that the only change is the advised index, on the hostile table,
// with the hostile name.
func TestHostileMigrationsApply(t *testing.T) {
	c := pgtest.Start(t)
	psql := c.Bin("psql")
	if _, err := os.Stat(psql); errors.Is(err, os.ErrNotExist) {
		if p, err := exec.LookPath("psql"); err == nil {
			psql = p
		} else {
			t.Skipf("no psql in %s or on PATH", c.BinDir())
		}
	}
	ctx := context.Background()
	rec := hostileRec(hostileTable, hostileColumn, hostileIndex, hostileValue, hostileReason)
	type run struct {
		tool      Tool
		withGoose bool // apply with goose itself, not psql
	}
	var runs []run
	for _, tool := range Tools() {
		runs = append(runs, run{tool, false})
	}
	runs = append(runs, run{Goose, true})
	for _, r := range runs {
		tool, name := r.tool, string(r.tool)+"/psql"
		if r.withGoose {
			name = "goose/goose"
		}
		t.Run(name, func(t *testing.T) {
			db := "hostile_" + strings.NewReplacer("-", "_", "/", "_").Replace(name)
			if err := c.CreateDatabase(ctx, db); err != nil {
				t.Fatal(err)
			}
			conn := c.Connect(t, db)
			table := catalog.QualifiedName{Schema: "public", Name: hostileTable}
			for _, ddl := range []string{
				"CREATE TABLE public.canary (id int)",
				fmt.Sprintf("CREATE TABLE %s (%s text)", table, catalog.QuoteIdent(hostileColumn)),
			} {
				if _, err := conn.Exec(ctx, ddl); err != nil {
					t.Fatalf("%s: %v", ddl, err)
				}
			}
			before := relations(t, conn)

			dir := t.TempDir()
			res, err := Generate(dir, []report.Recommendation{rec}, Options{Tool: tool, Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			if r.withGoose {
				applyGoose(t, c, db, dir)
			} else {
				for _, f := range res.Files {
					if up := upPartOf(tool, f); up != "" {
						path := filepath.Join(t.TempDir(), "up.sql")
						if err := os.WriteFile(path, []byte(up), 0o644); err != nil {
							t.Fatal(err)
						}
						cmd := exec.Command(psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", path)
						cmd.Env = append(os.Environ(), c.Env(db)...)
						if out, err := cmd.CombinedOutput(); err != nil {
							t.Fatalf("psql -f %s: %v\n%s\n%s", f.Name, err, out, up)
						}
					}
				}
			}

			want := append(slices.Clone(before), "i public."+hostileIndex+" ON public."+hostileTable)
			slices.Sort(want)
			if diff := cmp.Diff(want, relations(t, conn)); diff != "" {
				t.Errorf("the up migration did more or less than create the index (-want +got):\n%s", diff)
			}
			var pred string
			if err := conn.QueryRow(ctx, `SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = $1::regclass`,
				catalog.QualifiedName{Schema: "public", Name: hostileIndex}.String()).Scan(&pred); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(pred, "'v''\n-- +goose ENVSUB ON\nDROP TABLE canary; -- `|`'") {
				t.Errorf("the index's predicate does not hold the value: %s", pred)
			}
		})
	}
}

// relations lists the tables and indexes of schema public, an index with
// its table.
func relations(t *testing.T, conn *pgx.Conn) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), `
		SELECT c.relkind::text || ' ' || n.nspname || '.' || c.relname ||
		       coalesce(' ON ' || tn.nspname || '.' || tc.relname, '')
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_index i ON i.indexrelid = c.oid
		LEFT JOIN pg_class tc ON tc.oid = i.indrelid
		LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 'm', 'p', 'I')
		  AND c.relname NOT LIKE 'goose_db_version%'
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

var dbmateDownRE = regexp.MustCompile(`(?m)^--\s*migrate:down`)

// upPartOf is the text of f its tool runs on up ("" for none).
func upPartOf(tool Tool, f File) string {
	switch tool {
	case GolangMigrate, SQL:
		if strings.HasSuffix(f.Name, ".up.sql") {
			return f.Content
		}
	case Flyway:
		if strings.HasPrefix(f.Name, "V") && strings.HasSuffix(f.Name, ".sql") {
			return f.Content
		}
	case Goose:
		// goose runs the lines between "-- +goose Up" and "-- +goose Down".
		_, up, _ := strings.Cut(f.Content, "\n-- +goose Up\n")
		up, _, _ = strings.Cut(up, "\n-- +goose Down\n")
		return up
	case Dbmate:
		// dbmate cuts the file at the first line "-- migrate:down".
		if loc := dbmateDownRE.FindStringIndex(f.Content); loc != nil {
			return f.Content[:loc[0]]
		}
		return f.Content
	}
	return ""
}

// applyGoose runs goose up on dir, with goose's own parser.
func applyGoose(t *testing.T, c *pgtest.Cluster, db, dir string) {
	t.Helper()
	sqldb, err := sql.Open("pgx", c.DSN(db))
	if err != nil {
		t.Fatal(err)
	}
	defer sqldb.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, sqldb, os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(context.Background()); err != nil {
		t.Fatalf("goose up: %v", err)
	}
}
