package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pgadvise/pgadvise/advisor"
)

// notInJSON lists the fields of the typed recommendation that its JSON
// leaves out on purpose, with why. Any other field must show.
var notInJSON = map[string]string{
	"Recommendation.Index.SupersededBy": "links a drop to the create it waits for, within one run (whatif reads it); the drop's reason names that index",
}

// leafPaths lists the exported fields of typ that hold a value (not a
// struct), through structs, pointers and slices, each as the field indexes
// from typ and a dotted name.
func leafPaths(typ reflect.Type, at []int, name string, out *[]fieldPath) {
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
		typ = typ.Elem()
	}
	if typ.Kind() != reflect.Struct || typ == reflect.TypeOf(time.Time{}) {
		*out = append(*out, fieldPath{at, name})
		return
	}
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		leafPaths(f.Type, append(append([]int(nil), at...), i), strings.TrimPrefix(name+"."+f.Name, "."), out)
	}
}

type fieldPath struct {
	at   []int
	name string
}

// field returns the field at path in v, allocating the pointers and
// one-element slices on the way.
func field(v reflect.Value, at []int) reflect.Value {
	for _, i := range at {
		v = deref(v).Field(i)
	}
	return v
}

// deref allocates a nil pointer, gives an empty slice one element, and
// returns what they hold.
func deref(v reflect.Value) reflect.Value {
	for {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		case reflect.Slice:
			if v.Len() == 0 {
				v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			}
			v = v.Index(0)
		default:
			return v
		}
	}
}

// setNonZero gives a value field a value that is not its zero.
func setNonZero(t *testing.T, v reflect.Value, name string) {
	v = deref(v)
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(7)
	case reflect.Float64, reflect.Float32:
		v.SetFloat(1.5)
	default:
		t.Fatalf("%s: a %s field: teach setNonZero its values", name, v.Kind())
	}
}

// baseFor is a recommendation with the detail that holds the field named
// (the index detail for the header's fields).
func baseFor(name string) *Recommendation {
	r := &Recommendation{}
	switch {
	case strings.HasPrefix(name, "Recommendation.Summary."):
		r.Kind = advisor.KindSummaryTable
	case strings.HasPrefix(name, "Recommendation.Partition."), strings.HasPrefix(name, "Recommendation.Distribution."):
		r.Kind = advisor.KindPartition
	default:
		r.Kind, r.Index = advisor.KindCreateIndex, &advisor.IndexDetail{}
	}
	return r
}

// TestRecommendationJSONMapsEveryField: every field of the typed
// recommendation (its header, each kind's detail, what the report adds)
// shows in the JSON: set alone, it changes what is written. A field added
// without its JSON member fails here, unless notInJSON says why not.
func TestRecommendationJSONMapsEveryField(t *testing.T) {
	var paths []fieldPath
	leafPaths(reflect.TypeOf(Recommendation{}), nil, "", &paths)
	if len(paths) < 40 {
		t.Fatalf("%d fields: the walk missed the details", len(paths))
	}
	seen := map[string]bool{}
	for _, p := range paths {
		seen[p.name] = true
		base, set := baseFor(p.name), baseFor(p.name)
		field(reflect.ValueOf(base).Elem(), p.at) // the same pointers allocated, the field left zero
		setNonZero(t, field(reflect.ValueOf(set).Elem(), p.at), p.name)
		before, err := json.Marshal(base)
		if err != nil {
			t.Fatal(err)
		}
		after, err := json.Marshal(set)
		if err != nil {
			t.Fatal(err)
		}
		_, excused := notInJSON[p.name]
		switch {
		case bytes.Equal(before, after) && !excused:
			t.Errorf("%s is not written to the JSON: map it in recommendationJSON (and the schema), or say in notInJSON why not", p.name)
		case !bytes.Equal(before, after) && excused:
			t.Errorf("%s is written to the JSON now: take it out of notInJSON", p.name)
		}
	}
	for name := range notInJSON {
		if !seen[name] {
			t.Errorf("notInJSON names %s, which is no field", name)
		}
	}
}

// TestRecommendationJSONRoundTrip: what MarshalJSON writes, UnmarshalJSON
// reads back as the same typed recommendation (a baseline is read so),
// for each kind of detail, every field set.
func TestRecommendationJSONRoundTrip(t *testing.T) {
	var paths []fieldPath
	leafPaths(reflect.TypeOf(Recommendation{}), nil, "", &paths)
	for _, detail := range []string{"Index", "Summary", "Partition", "Distribution"} {
		r := baseFor("Recommendation." + detail + ".")
		for _, p := range paths {
			inDetail := strings.HasPrefix(p.name, "Recommendation."+detail+".")
			isDetail := false
			for _, d := range []string{"Index", "Summary", "Partition", "Distribution"} {
				isDetail = isDetail || strings.HasPrefix(p.name, "Recommendation."+d+".")
			}
			if _, excused := notInJSON[p.name]; excused || isDetail && !inDetail || p.name == "Recommendation.Kind" {
				continue
			}
			setNonZero(t, field(reflect.ValueOf(r).Elem(), p.at), p.name)
		}
		if r.Partition != nil {
			r.Partition.Strategy = "range"
		}
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back Recommendation
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(&back, r) {
			t.Errorf("%s: read back as\n%+v\nwant\n%+v\n(%s)", detail, back, *r, data)
		}
	}
}
