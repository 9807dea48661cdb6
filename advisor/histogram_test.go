package advisor

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pgadvise/pgadvise/catalog"
)

func TestRangeSelectivity(t *testing.T) {
	tenths := &catalog.ColumnStats{HistogramBounds: strings.Split("0|10|20|30|40|50|60|70|80|90|100", "|")}
	withNulls := &catalog.ColumnStats{NullFrac: 0.2, HistogramBounds: tenths.HistogramBounds}
	withMCV := &catalog.ColumnStats{MostCommon: []string{"5"}, MostCommonFreqs: []float64{0.5}, HistogramBounds: tenths.HistogramBounds}
	// pg_stats' text of a timestamptz column, a month a bucket.
	months := &catalog.ColumnStats{HistogramBounds: []string{
		"2024-01-01 00:00:00+00", "2024-02-01 00:00:00+00", "2024-03-01 00:00:00+00", "2024-04-01 00:00:00+00", "2024-05-01 00:00:00+00",
	}}
	words := &catalog.ColumnStats{HistogramBounds: []string{"apple", "cherry", "melon"}}
	statuses := &catalog.ColumnStats{MostCommon: []string{"paid", "pending", "shipped"}, MostCommonFreqs: []float64{0.2, 0.1, 0.7}}
	tests := []struct {
		name  string
		cs    *catalog.ColumnStats
		op    string
		value string
		want  float64
		ok    bool
	}{
		{"below a bound", tenths, "<", "25", 0.25, true},
		{"above a bound", tenths, ">", "25", 0.75, true},
		{"at most, a literal", tenths, "<=", "'50'", 0.5, true},
		{"below every bound", tenths, "<", "-5", 0, true},
		{"above every bound", tenths, ">=", "1000", 0, true},
		{"nulls never match", withNulls, ">", "25", 0.6, true},
		{"nulls never match, below", withNulls, "<", "25", 0.2, true},
		{"a most common value below counts whole", withMCV, "<", "50", 0.75, true},
		{"a most common value above does not count", withMCV, "<", "2", 0.5 * 0.02, true},
		{"dates against timestamps", months, ">=", "'2024-04-01'", 0.25, true},
		{"a timestamp mid-bucket", months, "<", "'2024-01-16 12:00:00+00'", 0.125, true},
		{"RFC 3339 from an application", months, "<", "'2024-03-01T00:00:00Z'", 0.5, true},
		{"text: half a bucket", words, "<", "'banana'", 0.25, true},
		{"only most common values", statuses, "<", "'pending'", 0.2, true},
		{"only most common values, at most", statuses, "<=", "'pending'", 0.3, true},
		{"only most common values, above", statuses, ">", "'pending'", 0.7, true},
		{"only most common values, at least", statuses, ">=", "'pending'", 0.8, true},
		{"no statistics", nil, "<", "5", 0, false},
		{"no value", tenths, "<", "", 0, false},
		{"no histogram, few most common values", &catalog.ColumnStats{MostCommon: []string{"a"}, MostCommonFreqs: []float64{0.1}}, "<", "'b'", 0, false},
		{"not a range operator", tenths, "=", "5", 0, false},
		{"text against numbers", tenths, "<", "'abc'", 0, false},
		{"a number against text", words, "<", "5", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := rangeSel(tt.cs, tt.op, tt.value)
			if ok != tt.ok || math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("rangeSel(%s %s) = %v, %v; want %v, %v", tt.op, tt.value, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestBetweenSelectivity(t *testing.T) {
	tenths := &catalog.ColumnStats{HistogramBounds: strings.Split("0|10|20|30|40|50|60|70|80|90|100", "|")}
	tests := []struct {
		list string
		want float64
		ok   bool
	}{
		{"(20, 40)", 0.2, true},
		{"('20', '45')", 0.25, true},
		{"(40, 20)", 0, true}, // an empty range
		{"(20)", 0, false},
		{"20, 40", 0, false},
		{"(x, 40)", 0, false},
	}
	// Eleven discounts, all most common: both ends are kept.
	discounts := &catalog.ColumnStats{MostCommon: strings.Split("0|0.01|0.02|0.03|0.04|0.05|0.06|0.07|0.08|0.09|0.1", "|")}
	for range discounts.MostCommon {
		discounts.MostCommonFreqs = append(discounts.MostCommonFreqs, 1.0/11)
	}
	if got, ok := betweenSel(discounts, "(0.05, 0.07)"); !ok || math.Abs(got-3.0/11) > 1e-9 {
		t.Errorf("BETWEEN 0.05 AND 0.07 of eleven discounts = %v, %v; want 3/11", got, ok)
	}
	for _, tt := range tests {
		got, ok := betweenSel(tenths, tt.list)
		if ok != tt.ok || math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("betweenSel(%s) = %v, %v; want %v, %v", tt.list, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSplitLiteralList(t *testing.T) {
	got := splitLiteralList("('a, b', 'it''s', 3)")
	want := []string{"'a, b'", "'it''s'", "3"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
	if unquoteLiteral(got[1]) != "it's" {
		t.Errorf("unquote %q = %q", got[1], unquoteLiteral(got[1]))
	}
}

func TestNowInStats(t *testing.T) {
	months := &catalog.ColumnStats{HistogramBounds: []string{
		"2024-01-01 00:00:00+00", "2024-02-01 00:00:00+00", "2024-03-01 00:00:00+00", "2024-04-01 00:00:00+00", "2024-05-01 00:00:00+00",
	}}
	// now() - interval '30 days', now being the newest value: April.
	v := nowInStats(months, -30*24*time.Hour)
	if got, ok := rangeSel(months, ">", v); !ok || math.Abs(got-0.25) > 1e-9 {
		t.Errorf("the last 30 days = %v, %v (value %q); want 0.25", got, ok, v)
	}
	numbers := &catalog.ColumnStats{HistogramBounds: []string{"-9", "-5", "-1"}}
	if v := nowInStats(numbers, -time.Hour); v != "" {
		t.Errorf("a time in a column of numbers: %q", v)
	}
	if v := nowInStats(&catalog.ColumnStats{}, -time.Hour); v != "" {
		t.Errorf("a time without a histogram: %q", v)
	}
}

// FuzzRangeSelectivity feeds statistics as a snapshot may carry them (any
// text in histogram_bounds and most_common_vals) and any literal: the
// estimate must never panic, and a share it gives is a share.
func FuzzRangeSelectivity(f *testing.F) {
	f.Add("0|10|20|30", "5", "0.5", "'25'", "<", 0.1)
	f.Add("2024-01-01 00:00:00+00|2024-02-01 00:00:00+00", "", "", "'2024-01-15'", ">=", 0.0)
	f.Add("apple|cherry", "banana", "0.9", "(apple, 'x')", "BETWEEN", 0.0)
	f.Add("-9|-5|-1", "NaN", "2", "1e400", ">", 1.5)
	f.Fuzz(func(t *testing.T, bounds, mcv, freq, value, op string, nullFrac float64) {
		cs := &catalog.ColumnStats{NullFrac: nullFrac}
		if bounds != "" {
			cs.HistogramBounds = strings.Split(bounds, "|")
		}
		if mcv != "" {
			cs.MostCommon = strings.Split(mcv, "|")
			for range cs.MostCommon {
				fr, _ := strconv.ParseFloat(freq, 64)
				cs.MostCommonFreqs = append(cs.MostCommonFreqs, fr)
			}
		}
		sel, ok := rangeSel(cs, op, value)
		if op == "BETWEEN" {
			sel, ok = betweenSel(cs, value)
		}
		_ = nowInStats(cs, -time.Hour)
		if !ok {
			return
		}
		sane := nullFrac >= 0 && nullFrac <= 1
		for _, fr := range cs.MostCommonFreqs {
			sane = sane && fr >= 0 && fr <= 1 && !math.IsNaN(fr)
		}
		if sane && (math.IsNaN(sel) || sel < -1e-9 || sel > 1+1e-9) {
			t.Fatalf("share %v for %s %q over %q (mcv %q)", sel, op, value, bounds, mcv)
		}
	})
}
