package pipeline

import (
	"go/build"
	"path"
	"strings"
	"testing"
)

// layers is the data flow, left to right: a package imports only packages
// of lower layers (internal/ helpers are everyone's).
var layers = map[string]int{
	"capture": 0, "catalog": 0,
	"analyzer": 1,
	"advisor":  2,
	"whatif":   3, "report": 3,
	"pipeline": 4, "migrate": 4,
	"cmd/pgadvise": 5,
}

// TestLayers: no package imports one to its right (or beside it), outside
// its tests.
func TestLayers(t *testing.T) {
	const module = "github.com/pgadvise/pgadvise/"
	for pkg, layer := range layers {
		p, err := build.ImportDir(path.Join("..", pkg), 0)
		if err != nil {
			t.Fatalf("%s: %v", pkg, err)
		}
		for _, imp := range p.Imports {
			dep, ok := strings.CutPrefix(imp, module)
			if !ok || strings.HasPrefix(dep, "internal/") {
				continue
			}
			depLayer, known := layers[dep]
			switch {
			case !known:
				t.Errorf("%s imports %s, which has no layer here: give it one", pkg, dep)
			case depLayer >= layer:
				t.Errorf("%s (layer %d) imports %s (layer %d): data flows one way, left to right", pkg, layer, dep, depLayer)
			}
		}
	}
}
