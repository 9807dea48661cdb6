package report

import (
	"reflect"
	"testing"

	"github.com/pgadvise/pgadvise/advisor"
)

// notInDocument lists the fields of the advisor's recommendation that the
// JSON document leaves out on purpose, and why.
var notInDocument = map[string]string{
	// The drop's link to the index that supersedes it: what-if checks and
	// measured execution read it to keep the drop when that index fails;
	// the reason says it in words.
	"SupersededBy": "read by whatif only",
}

// TestRecommendationsMapEveryField fills every exported field of an
// advisor.Recommendation (nested ones too) and checks that the document's
// recommendation carries each under the same name: a field added to the
// advisor and forgotten by recommendationsOf fails here, unless
// notInDocument says why it stays out.
func TestRecommendationsMapEveryField(t *testing.T) {
	var in advisor.Recommendation
	fill(reflect.ValueOf(&in).Elem())
	out := recommendationsOf([]advisor.Recommendation{in})
	if len(out) != 1 {
		t.Fatalf("%d recommendations out of 1", len(out))
	}
	checkMapped(t, "Recommendation", reflect.ValueOf(in), reflect.ValueOf(out[0]), notInDocument)
}

// fill sets every exported field below v to a value that is not zero.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(1)
	case reflect.Float64, reflect.Float32:
		v.SetFloat(1)
	}
}

// checkMapped checks that every exported field of in has a field of the same
// name in out that is not zero, descending into structs, pointers and
// slices whose types differ (advisor's and report's own).
func checkMapped(t *testing.T, path string, in, out reflect.Value, skip map[string]string) {
	t.Helper()
	for in.Kind() == reflect.Pointer || in.Kind() == reflect.Slice {
		if out.Kind() != in.Kind() || out.IsNil() || (out.Kind() == reflect.Slice && out.Len() == 0) {
			t.Errorf("%s: not carried into the document", path)
			return
		}
		if in.Kind() == reflect.Pointer {
			in, out = in.Elem(), out.Elem()
		} else {
			in, out = in.Index(0), out.Index(0)
		}
	}
	if in.Kind() != reflect.Struct || out.Kind() != reflect.Struct {
		if out.IsZero() {
			t.Errorf("%s: not carried into the document", path)
		}
		return
	}
	for i := 0; i < in.NumField(); i++ {
		f := in.Type().Field(i)
		if !f.IsExported() || skip[f.Name] != "" {
			continue
		}
		o := out.FieldByName(f.Name)
		if !o.IsValid() {
			t.Errorf("%s.%s: the document has no field of that name", path, f.Name)
			continue
		}
		checkMapped(t, path+"."+f.Name, in.Field(i), o, nil)
	}
}
