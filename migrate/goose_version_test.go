package migrate

import (
	"testing"

	"github.com/pressly/goose/v3"
)

// TestGooseVersionsAreNumbers pins why goose's versions carry no sequence
// suffix, as dbmate's do: goose reads a version as a number, so a
// timestamp with a suffix (16 digits) would sort after every later plain
// timestamp that goose create writes (14 digits), and goose would refuse
// those as out of order.
func TestGooseVersionsAreNumbers(t *testing.T) {
	suffixed, err := goose.NumericComponent("2026112510300001_create_t_a_idx.sql")
	if err != nil {
		t.Fatal(err)
	}
	later, err := goose.NumericComponent("20261201090000_add_column.sql")
	if err != nil {
		t.Fatal(err)
	}
	if suffixed < later {
		t.Fatalf("goose orders %d before %d: a sequence suffix would be safe for goose too", suffixed, later)
	}
	// dbmate compares versions as text: the suffixed one comes first.
	if !("2026112510300001" < "20261201090000") {
		t.Fatal("text order")
	}
}
