package session

import (
	_ "embed"
	"go/types"
	"strings"
	"sync"

	"github.com/gomx-dev/gomx/internal/stdlib"
)

// uncallableText is the list of the generic functions and types of the
// standard library that a cell cannot instantiate, one "pkg.Name: reason"
// a line (TestStdGenericCallable holds it to what cells do).
//
//go:embed uncallable.txt
var uncallableText string

// uncallable maps "path.Name" of uncallableText to the reason.
var uncallable = parseUncallable(uncallableText)

// parseUncallable reads text in uncallableText's format; a line that is
// not "pkg.Name: reason" is reported with its content.
func parseUncallable(text string) map[string]string {
	m := map[string]string{}
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, reason, ok := strings.Cut(line, ": ")
		if !ok {
			panic("uncallable.txt: " + line + ` is not "pkg.Name: reason"`)
		}
		m[key] = reason
	}
	return m
}

// genericMembers returns the exported generic functions and types of
// standard package path that a cell can use, which the interpreter's
// tables lack (the front end instantiates them).
func genericMembers(path string) []types.Object {
	generics.once.Do(func() {
		generics.imp = stdlib.NewImporter(nil)
		generics.m = map[string][]types.Object{}
	})
	generics.mu.Lock()
	defer generics.mu.Unlock()
	if objs, ok := generics.m[path]; ok {
		return objs
	}
	var objs []types.Object
	if p, err := generics.imp.Import(path); err == nil {
		for _, name := range p.Scope().Names() {
			obj := p.Scope().Lookup(name)
			if !obj.Exported() || !isGenericObj(obj) {
				continue
			}
			if _, no := uncallable[path+"."+name]; !no {
				objs = append(objs, obj)
			}
		}
	}
	generics.m[path] = objs
	return objs
}

var generics struct {
	once sync.Once
	mu   sync.Mutex
	imp  types.Importer
	m    map[string][]types.Object
}

// isGenericObj reports whether obj is a generic function or type.
func isGenericObj(obj types.Object) bool {
	switch o := obj.(type) {
	case *types.Func:
		return o.Type().(*types.Signature).TypeParams() != nil
	case *types.TypeName:
		n, ok := o.Type().(*types.Named)
		return ok && !o.IsAlias() && n.TypeParams() != nil
	}
	return false
}
