package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"

	"github.com/pgadvise/pgadvise/internal/safetext"
)

// WriteJSON writes the document as indented JSON. encoding/json escapes
// control characters, <, > and &, U+2028 and U+2029 in strings, and writes
// invalid UTF-8 as U+FFFD; safetext.JSON escapes the C1 and bidirectional
// controls it leaves.
//
// A figure that is not finite (NaN, ±Inf: a division that went wrong, a sum
// past float64's range) cannot be written as JSON: it is written as 0 or
// ±math.MaxFloat64 instead of failing the whole report (d's figures are
// then replaced in place; a document with none is left as it is).
func WriteJSON(w io.Writer, d *Document) error {
	// The encoder writes each document it encodes in one call, and
	// nothing when encoding fails: the escapes are applied to that one
	// write, with no copy of a report (tens of megabytes at scale) in a
	// buffer of its own.
	enc := json.NewEncoder(jsonEscaper{w})
	enc.SetIndent("", "  ")
	err := enc.Encode(d)
	var unsupported *json.UnsupportedValueError
	if errors.As(err, &unsupported) {
		finite(reflect.ValueOf(d))
		err = enc.Encode(d)
	}
	if err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// jsonEscaper writes encoded JSON to w through safetext.JSON.
type jsonEscaper struct{ w io.Writer }

func (e jsonEscaper) Write(p []byte) (int, error) {
	if _, err := e.w.Write(safetext.JSON(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// finite replaces, in place, every non-finite float the value holds.
func finite(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			finite(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				finite(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			finite(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := v.MapIndex(k)
			if e.Kind() == reflect.Float64 || e.Kind() == reflect.Float32 {
				if f := e.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
					v.SetMapIndex(k, reflect.ValueOf(clamp(f)).Convert(e.Type()))
				}
			} else if e.Kind() == reflect.Pointer || e.Kind() == reflect.Struct || e.Kind() == reflect.Slice {
				finite(e)
			}
		}
	case reflect.Float64, reflect.Float32:
		if f := v.Float(); (math.IsNaN(f) || math.IsInf(f, 0)) && v.CanSet() {
			v.SetFloat(clamp(f))
		}
	}
}

func clamp(f float64) float64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f > 0:
		return math.MaxFloat64
	}
	return -math.MaxFloat64
}
