package analyzer

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/pgadvise/pgadvise/capture"
)

// TestParallelParseMatchesInOrder: with the parses of new keys running
// ahead on other goroutines (parsers), the workload is the one made by
// counting each record once its key is parsed, record by record. The
// records mix keys of one fingerprint (SELECT and select), values that vary
// and repeat, bind parameters, durations, and texts the parser rejects.
func TestParallelParseMatchesInOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var records []capture.Statement
	for i := 0; i < 6000; i++ {
		shape := rng.IntN(1500)
		kw := "SELECT"
		if rng.IntN(3) == 0 {
			kw = "select" // another key, the same fingerprint
		}
		st := capture.Statement{Calls: 1, Timed: true, Line: int64(i + 1), TotalMS: float64(rng.IntN(1000)) / 7, MaxMS: 1}
		st.MaxMS = st.TotalMS
		switch shape % 5 {
		case 0:
			st.Query = fmt.Appendf(nil, "%s id, c%d FROM t%d WHERE a = %d AND b = 'x%d'", kw, shape, shape%40, rng.IntN(3), rng.IntN(2))
		case 1:
			st.Query = fmt.Appendf(nil, "%s count(*) FROM t%d WHERE a = $1 GROUP BY c%d", kw, shape%40, shape)
			st.Params = fmt.Appendf(nil, "$1 = '%d'", rng.IntN(4))
		case 2:
			st.Query = fmt.Appendf(nil, "UPDATE t%d SET c%d = %d WHERE id IN (%s)", shape%40, shape, rng.IntN(5), strings.Repeat("1, ", rng.IntN(4))+"2")
		case 3:
			st.Query = fmt.Appendf(nil, "%s FROM WHERE t%d", kw, shape) // rejected by the parser
		default:
			st.Query = fmt.Appendf(nil, "%s a.id FROM t%d a JOIN t%d b ON b.parent_id = a.id WHERE b.c%d > %d", kw, shape%40, (shape+1)%40, shape, rng.IntN(9))
		}
		records = append(records, st)
	}
	ahead, inOrder := New(nil), New(nil)
	for i := range records {
		ahead.Add(&records[i])
		inOrder.Add(&records[i])
		inOrder.drain(true)
		if len(inOrder.pending) != 0 {
			t.Fatal("drain left records held")
		}
	}
	got, want := ahead.Result(), inOrder.Result()
	if len(want.Shapes) < 1000 || want.Skipped[ReasonParseError] == nil {
		t.Fatalf("%d shapes, skipped %v: the test would prove little", len(want.Shapes), want.Skipped)
	}
	if !reflect.DeepEqual(got, want) {
		for i := range want.Shapes {
			if i >= len(got.Shapes) || !reflect.DeepEqual(got.Shapes[i], want.Shapes[i]) {
				t.Fatalf("shape %d differs:\n%+v\nvs\n%+v", i, got.Shapes[min(i, len(got.Shapes)-1)], want.Shapes[i])
			}
		}
		t.Fatal("workloads differ")
	}
}
