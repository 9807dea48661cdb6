package migrate

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	gomigrate "github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // pgx5:// URLs
	_ "github.com/golang-migrate/migrate/v4/source/file"     // file:// URLs
	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/pressly/goose/v3"

	"github.com/pgadvise/pgadvise/internal/pgtest"
	"github.com/pgadvise/pgadvise/report"
)

// The integration tests apply the generated files with the real tools, as
// Go libraries, to the fixtures' schema on a throwaway cluster: up, down,
// up again. They skip without PostgreSQL server binaries (and fail under
// CI=true).

// loadSchema creates database name holding the fixtures' schema.
func loadSchema(t *testing.T, c *pgtest.Cluster, name string) {
	t.Helper()
	ctx := context.Background()
	if err := c.CreateDatabase(ctx, name); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../fixtures/schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	// pg_dump 15.14+ brackets its output with psql's \restrict and
	// \unrestrict, which are not SQL.
	ddl := regexp.MustCompile(`(?m)^\\.*$`).ReplaceAllString(string(data), "")
	conn := c.Connect(t, name)
	if _, err := conn.Exec(ctx, ddl); err != nil {
		t.Fatalf("load fixtures/schema.sql: %v", err)
	}
}

// catalogState lists the database's relations and indexes (with their
// validity), leaving out the migration tools' own tables.
func catalogState(t *testing.T, conn *pgx.Conn) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), `
		SELECT c.relkind::text || ' ' || n.nspname || '.' || c.relname ||
		       CASE WHEN i.indisvalid IS FALSE THEN ' INVALID' ELSE '' END
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_index i ON i.indexrelid = c.oid
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 'm', 'p', 'I')
		  AND c.relname NOT LIKE 'schema_migrations%' AND c.relname NOT LIKE 'goose_db_version%'
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

// pgIndexes returns the index names pg_indexes lists in schema public.
func pgIndexes(t *testing.T, conn *pgx.Conn) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// checkApplied checks that what the recommendations create exists and what
// they drop does not; low-confidence drops were not written, so their
// indexes stay.
func checkApplied(t *testing.T, conn *pgx.Conn, recs []report.Recommendation, when string) {
	t.Helper()
	have := pgIndexes(t, conn)
	for _, r := range recs {
		switch r.Kind {
		case "create_index":
			if !slices.Contains(have, r.Name()) {
				t.Errorf("%s: index %s (create_index) is not in pg_indexes", when, r.Name())
			}
		case "drop_index":
			if slices.Contains(have, r.Name()) {
				t.Errorf("%s: index %s (drop_index) still exists", when, r.Name())
			}
		case "unused_index":
			if !slices.Contains(have, r.Name()) {
				t.Errorf("%s: low-confidence %s was dropped, though not written by default", when, r.Name())
			}
		}
	}
	for _, want := range []string{"m public.orders_tenant_day_summary", "p public.events_partitioned", "r public.events_2026_11",
		"i public.events_2026_11_created_at_idx", "I public.events_partitioned_tenant_id_idx"} {
		if !slices.Contains(catalogState(t, conn), want) {
			t.Errorf("%s: %s missing", when, want)
		}
	}
	for _, s := range catalogState(t, conn) {
		if strings.HasSuffix(s, " INVALID") {
			t.Errorf("%s: %s", when, s)
		}
	}
}

func TestGolangMigrateApplies(t *testing.T) {
	c := pgtest.Start(t)
	loadSchema(t, c, "shop")
	conn := c.Connect(t, "shop")
	before := catalogState(t, conn)
	recs := fixtureRecs(t)

	dir := t.TempDir()
	res, err := Generate(dir, recs, Options{Tool: GolangMigrate, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	m, err := gomigrate.New("file://"+dir, "pgx5"+strings.TrimPrefix(c.DSN("shop"), "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.Up(); err != nil {
		t.Fatalf("up: %v", err)
	}
	if v, dirty, err := m.Version(); err != nil || dirty || int(v) != res.Migrations {
		t.Fatalf("after up: version %d dirty %v (%v), want %d clean", v, dirty, err, res.Migrations)
	}
	checkApplied(t, conn, recs, "up")
	applied := catalogState(t, conn)
	if len(applied) <= len(before) {
		t.Fatalf("up changed nothing: %d relations before, %d after", len(before), len(applied))
	}
	t.Logf("before up: %d relations and indexes; after: %d", len(before), len(applied))

	if err := m.Down(); err != nil {
		t.Fatalf("down: %v", err)
	}
	if diff := cmp.Diff(before, catalogState(t, conn)); diff != "" {
		t.Errorf("after down, the catalog differs from before up (-before +after):\n%s", diff)
	}
	if err := m.Up(); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if diff := cmp.Diff(applied, catalogState(t, conn)); diff != "" {
		t.Errorf("the second up differs from the first (-first +second):\n%s", diff)
	}

	// One step down undoes the last migration only: a drop comes back.
	if err := m.Steps(-1); err != nil {
		t.Fatalf("down 1: %v", err)
	}
	last := recs[0]
	for _, r := range recs {
		if r.Kind == "drop_index" {
			last = r
		}
	}
	if !slices.Contains(pgIndexes(t, conn), last.Name()) {
		t.Errorf("down 1: %s not recreated", last.Name())
	}
}

func TestGooseApplies(t *testing.T) {
	c := pgtest.Start(t)
	loadSchema(t, c, "shop")
	conn := c.Connect(t, "shop")
	before := catalogState(t, conn)
	recs := fixtureRecs(t)

	// A folder of sequential migrations already in use.
	dir := t.TempDir()
	initial := "-- +goose Up\nCREATE TABLE public.notes (id bigint PRIMARY KEY);\n\n-- +goose Down\nDROP TABLE public.notes;\n"
	if err := os.WriteFile(dir+"/00001_notes.sql", []byte(initial), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Generate(dir, recs, Options{Tool: Goose, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Files[0].Name, "00002_") {
		t.Fatalf("goose files do not continue 00001_: %s", res.Files[0].Name)
	}
	db, err := sql.Open("pgx", c.DSN("shop"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
	if v, err := p.GetDBVersion(ctx); err != nil || int(v) != res.Migrations+1 {
		t.Fatalf("after up: version %d (%v), want %d", v, err, res.Migrations+1)
	}
	checkApplied(t, conn, recs, "up")
	applied := catalogState(t, conn)

	if _, err := p.DownTo(ctx, 1); err != nil {
		t.Fatalf("down to 1: %v", err)
	}
	withNotes := append(slices.Clone(before), "i public.notes_pkey", "r public.notes")
	slices.Sort(withNotes)
	if diff := cmp.Diff(withNotes, catalogState(t, conn)); diff != "" {
		t.Errorf("after down, the catalog differs from before up (-before +after):\n%s", diff)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if diff := cmp.Diff(applied, catalogState(t, conn)); diff != "" {
		t.Errorf("the second up differs from the first (-first +second):\n%s", diff)
	}
}

// TestSQLAppliesWithPsql runs the plain SQL pair the way its header says,
// with psql, when psql is installed.
func TestSQLAppliesWithPsql(t *testing.T) {
	c := pgtest.Start(t)
	psql := c.Bin("psql")
	if _, err := os.Stat(psql); errors.Is(err, os.ErrNotExist) {
		t.Skipf("no psql in %s", c.BinDir())
	}
	loadSchema(t, c, "shop")
	conn := c.Connect(t, "shop")
	before := catalogState(t, conn)
	recs := fixtureRecs(t)
	dir := t.TempDir()
	res, err := Generate(dir, recs, Options{Tool: SQL, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	run := func(file string) {
		t.Helper()
		if out, err := runPsql(c, psql, dir+"/"+file); err != nil {
			t.Fatalf("psql -f %s: %v\n%s", file, err, out)
		}
	}
	run(res.Files[0].Name)
	checkApplied(t, conn, recs, "up")
	run(res.Files[1].Name)
	if diff := cmp.Diff(before, catalogState(t, conn)); diff != "" {
		t.Errorf("after down (-before +after):\n%s", diff)
	}
}

func runPsql(c *pgtest.Cluster, psql, file string) (string, error) {
	cmd := exec.Command(psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file)
	cmd.Env = append(os.Environ(), c.Env("shop")...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
