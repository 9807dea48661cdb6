package capture

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// genStderrLog writes a realistic stderr log of about size bytes with the
// prefix `%m [%p] %q%u@%d `: simple-protocol statements on one line and on
// several, extended-protocol parse/bind/execute with parameters, failed
// statements and server noise. It is deterministic.
func genStderrLog(size int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.Grow(size + 4096)
	ts := func() string {
		return fmt.Sprintf("2024-03-11 20:%02d:%02d.%03d UTC", rng.IntN(60), rng.IntN(60), rng.IntN(1000))
	}
	for b.Len() < size {
		pid := 4000 + rng.IntN(50)
		pfx := fmt.Sprintf("%s [%d] app@shop ", ts(), pid)
		ms := fmt.Sprintf("%d.%03d", rng.IntN(200), rng.IntN(1000))
		id := rng.IntN(1000000)
		switch k := rng.IntN(100); {
		case k < 35:
			fmt.Fprintf(&b, "%sLOG:  duration: %s ms  statement: SELECT o.id, o.total, o.created_at FROM orders o WHERE o.customer_id = %d AND o.status = 'open' ORDER BY o.created_at DESC LIMIT 20\n", pfx, ms, id)
		case k < 50:
			fmt.Fprintf(&b, "%sLOG:  duration: %s ms  statement: SELECT c.id, c.email, sum(o.total) AS spent\n", pfx, ms)
			b.WriteString("\tFROM customers c\n\tJOIN orders o ON o.customer_id = c.id\n")
			fmt.Fprintf(&b, "\tWHERE c.created_at > '2024-01-%02d'\n\t  AND lower(c.email) LIKE 'user%d%%'\n\tGROUP BY c.id, c.email\n\tORDER BY spent DESC\n", 1+rng.IntN(28), id)
		case k < 75:
			const q = "SELECT p.id, p.name, p.price FROM products p WHERE p.category_id = $1 AND p.price BETWEEN $2 AND $3 ORDER BY p.price LIMIT $4"
			fmt.Fprintf(&b, "%sLOG:  duration: 0.%03d ms  parse S_%d: %s\n", pfx, rng.IntN(1000), id%10, q)
			fmt.Fprintf(&b, "%sLOG:  duration: 0.%03d ms  bind S_%d: %s\n", pfx, rng.IntN(1000), id%10, q)
			fmt.Fprintf(&b, "%sDETAIL:  parameters: $1 = '%d', $2 = '10.00', $3 = '99.99', $4 = '50'\n", pfx, id%300)
			fmt.Fprintf(&b, "%sLOG:  duration: %s ms  execute S_%d: %s\n", pfx, ms, id%10, q)
			fmt.Fprintf(&b, "%sDETAIL:  parameters: $1 = '%d', $2 = '10.00', $3 = '99.99', $4 = '50'\n", pfx, id%300)
		case k < 82:
			fmt.Fprintf(&b, "%sLOG:  duration: %s ms  statement: UPDATE inventory SET quantity = quantity - 1, updated_at = now() WHERE product_id = %d AND warehouse_id = %d\n", pfx, ms, id, id%7)
		case k < 86:
			fmt.Fprintf(&b, "%sERROR:  duplicate key value violates unique constraint \"customers_email_key\"\n", pfx)
			fmt.Fprintf(&b, "%sDETAIL:  Key (email)=(user%d@example.com) already exists.\n", pfx, id)
			fmt.Fprintf(&b, "%sSTATEMENT:  INSERT INTO customers (email, name) VALUES ('user%d@example.com', 'User %d')\n", pfx, id, id)
		case k < 90:
			fmt.Fprintf(&b, "%s [%d] LOG:  checkpoint complete: wrote %d buffers (0.%d%%); 0 WAL file(s) added, 0 removed, 1 recycled; write=%s s, sync=0.002 s, total=%s s; sync files=12, longest=0.001 s, average=0.001 s; distance=1024 kB, estimate=2048 kB\n", ts(), pid, id%5000, id%10, ms, ms)
		case k < 94:
			fmt.Fprintf(&b, "%s [%d] LOG:  connection received: host=10.0.%d.%d port=%d\n", ts(), pid, id%256, id%200, 30000+id%30000)
			fmt.Fprintf(&b, "%sLOG:  connection authorized: user=app database=shop application_name=web\n", pfx)
		case k < 97:
			fmt.Fprintf(&b, "%s [%d] LOG:  automatic vacuum of table \"shop.public.orders\": index scans: 1\n", ts(), pid)
			b.WriteString("\tpages: 0 removed, 8412 remain, 0 skipped due to pins, 0 skipped frozen\n\ttuples: 1201 removed, 250112 remain, 0 are dead but not yet removable\n")
			fmt.Fprintf(&b, "\tsystem usage: CPU: user: 0.%02d s, system: 0.00 s, elapsed: 0.%02d s\n", id%100, id%97)
		default:
			fmt.Fprintf(&b, "%sLOG:  disconnection: session time: 0:00:%02d.%03d user=app database=shop host=10.0.0.1 port=5432\n", pfx, id%60, id%1000)
		}
	}
	return b.Bytes()
}

func BenchmarkReadStderr(b *testing.B) {
	data := genStderrLog(8 << 20)
	emit := func(*Statement) error { return nil }
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data), "bench.log", FormatStderr, emit); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadStderrGzip(b *testing.B) {
	data := genStderrLog(8 << 20)
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(data)
	w.Close()
	emit := func(*Statement) error { return nil }
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Read(bytes.NewReader(z.Bytes()), "bench.log.gz", FormatAuto, emit); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadCSVLog(b *testing.B) {
	data := genCSVLog(4 << 20)
	emit := func(*Statement) error { return nil }
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data), "bench.csv", FormatCSVLog, emit); err != nil {
			b.Fatal(err)
		}
	}
}

// genCSVLog writes a csvlog of about size bytes (PostgreSQL 14 columns).
func genCSVLog(size int) []byte {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `2024-03-11 20:41:43.123 UTC,"app","shop",%d,"10.0.0.1:5432",65ef5b17.%x,%d,"SELECT",2024-03-11 20:41:40 UTC,3/%d,0,LOG,00000,"duration: %d.%03d ms  execute S_1: SELECT * FROM orders
WHERE customer_id = $1 AND status = $2","parameters: $1 = '%d', $2 = 'open'",,,,,,,,"web","client backend",,0`+"\n",
			4000+i%50, i, i, i, i%100, i%1000, i)
	}
	return []byte(b.String())
}
