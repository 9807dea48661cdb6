package capture

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseParams(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`$1 = 'a''b', $2 = NULL, $3 = '42'`, []string{`'a''b'`, `NULL`, `'42'`}},
		{`$1 = 'F99278492', $2 = NULL`, []string{`'F99278492'`, `NULL`}},
		{"$1 = 'x, $2 = y', $2 = 'multi\nline'", []string{`'x, $2 = y'`, "'multi\nline'"}},
		{`$1 = ''''`, []string{`''''`}},
		{`$1 = ''`, []string{`''`}},
		{`$1 = 'abc...'`, []string{`'abc...'`}}, // cut by log_parameter_max_length
		{`$1='a',$2='b'`, []string{`'a'`, `'b'`}},
		{`$2 = 'b', $1 = 'a'`, []string{`'a'`, `'b'`}},
		{`$1 = 'a', $3 = 'c'`, []string{`'a'`, `NULL`, `'c'`}},
		{`$1 = 'a', $2 = 'unclosed`, []string{`'a'`}},
		{`$1 = 'a' trailing`, []string{`'a'`}},
		{`$0 = 'a'`, nil},
		{`$99999999999 = 'a'`, nil},
		{`$1 =`, nil},
		{``, nil},
		{`garbage`, nil},
	}
	for _, tt := range tests {
		if got := ParseParams([]byte(tt.in)); !cmp.Equal(got, tt.want) {
			t.Errorf("ParseParams(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
