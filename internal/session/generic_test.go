package session

import (
	"fmt"
	"go/types"
	"sort"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/stdlib"
)

// genericExceptions is the committed list of the generic functions of the
// standard library that a cell cannot instantiate (uncallable).
const genericExceptions = "uncallable.txt"

// TestStdGenericCallable instantiates every exported generic function and
// type of the preloaded standard-library packages with representative type
// arguments in a cell (f := pkg.Name[T1, …]; fmt.Println(f != nil), or var
// v pkg.Name[T1, …]): the cell must run, or the name be listed in
// genericExceptions with the reason, which must be part of the error's
// text. A listed name that runs is an error too (remove it from the list).
func TestStdGenericCallable(t *testing.T) {
	exceptions := uncallable
	imp := stdlib.NewImporter(nil)
	s := newSession(t)
	seen := map[string]bool{}
	for _, path := range Preloaded() {
		if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
			continue // not the standard library
		}
		p, err := imp.Import(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		for _, name := range p.Scope().Names() {
			obj := p.Scope().Lookup(name)
			var tps *types.TypeParamList
			switch o := obj.(type) {
			case *types.Func:
				tps = o.Type().(*types.Signature).TypeParams()
			case *types.TypeName:
				if n, ok := o.Type().(*types.Named); ok && !o.IsAlias() {
					tps = n.TypeParams()
				}
			}
			if !obj.Exported() || tps.Len() == 0 {
				continue
			}
			key := p.Name() + "." + name
			if path != p.Name() {
				key = path + "." + name
			}
			seen[key] = true
			code, err := instantiationCell(p, obj, tps)
			var got string
			if err != nil {
				got = "no representative type arguments: " + err.Error()
			} else {
				res, r := exec(t, s, code)
				switch {
				case res.Error != nil:
					got = res.Error.Value
				case r.Text("stdout") != "true\n":
					got = fmt.Sprintf("printed %q", r.Text("stdout"))
				}
			}
			reason, listed := exceptions[key]
			switch {
			case got == "" && listed:
				t.Errorf("%s runs in a cell now: remove it from %s", key, genericExceptions)
			case got != "" && !listed:
				t.Errorf("%s: %s\ncell:\n%s", key, got, code)
			case got != "" && !strings.Contains(got, reason):
				t.Errorf("%s fails for another reason than listed (%q): %s", key, reason, got)
			}
		}
	}
	runs := 0
	for key := range seen {
		if _, listed := exceptions[key]; !listed {
			runs++
		}
	}
	t.Logf("%d generic functions and types of the standard library: %d run in a cell, %d listed in %s", len(seen), runs, len(seen)-runs, genericExceptions)
	for key := range exceptions {
		if !seen[key] {
			t.Errorf("%s is listed in %s but is not a generic function or type of a preloaded package", key, genericExceptions)
		}
	}
}

// instantiationCell returns a cell that instantiates generic function or
// type obj of package p, of type parameters tps, with representative type
// arguments: for a function, it prints whether the function value is
// non-nil, for a type, it declares a variable of the type and prints true.
func instantiationCell(p *types.Package, obj types.Object, tps *types.TypeParamList) (string, error) {
	targs, err := representatives(tps)
	if err != nil {
		return "", err
	}
	imports := map[string]string{p.Path(): p.Name()}
	qual := func(q *types.Package) string {
		imports[q.Path()] = q.Name()
		return q.Name()
	}
	var args []string
	for _, t := range targs {
		args = append(args, types.TypeString(t, qual))
	}
	var b strings.Builder
	paths := make([]string, 0, len(imports))
	for path := range imports {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		fmt.Fprintf(&b, "import %s %q\n", imports[path], path)
	}
	inst := fmt.Sprintf("%s.%s[%s]", p.Name(), obj.Name(), strings.Join(args, ", "))
	if _, isType := obj.(*types.TypeName); isType {
		fmt.Fprintf(&b, "import \"fmt\"\nvar v %s\n_ = v\nfmt.Println(true)\n", inst)
	} else {
		fmt.Fprintf(&b, "import \"fmt\"\nf := %s\nfmt.Println(f != nil)\n", inst)
	}
	return b.String(), nil
}

// representatives returns type arguments that satisfy the type
// parameters: a type parameter whose constraint has a core type (~[]E,
// ~map[K]V) gets that type, with the other parameters' arguments; the
// others the first of int, string and the constraint itself (a method
// set: error, hash.Hash) that satisfies it.
func representatives(tps *types.TypeParamList) ([]types.Type, error) {
	targs := make([]types.Type, tps.Len())
	index := map[*types.TypeParam]int{}
	for i := range tps.Len() {
		index[tps.At(i)] = i
	}
	var core []int
	for i := range tps.Len() {
		tp := tps.At(i)
		iface := tp.Constraint().Underlying().(*types.Interface)
		if ct := coreType(iface); ct != nil {
			core = append(core, i)
			continue
		}
		for _, c := range []types.Type{types.Typ[types.Int], types.Typ[types.String], tp.Constraint()} {
			if types.Satisfies(c, iface) {
				targs[i] = c
				break
			}
		}
		if targs[i] == nil {
			return nil, fmt.Errorf("none for %s %s", tp, tp.Constraint())
		}
	}
	for _, i := range core {
		t, err := substitute(coreType(tps.At(i).Constraint().Underlying().(*types.Interface)), index, targs)
		if err != nil {
			return nil, err
		}
		targs[i] = t
	}
	return targs, nil
}

// coreType returns T of a constraint whose type set is ~T for a composite
// T (a slice, map, pointer, channel or func type), nil otherwise.
func coreType(iface *types.Interface) types.Type {
	if iface.NumEmbeddeds() != 1 {
		return nil
	}
	u, ok := iface.EmbeddedType(0).(*types.Union)
	if !ok || u.Len() != 1 {
		return nil
	}
	switch u.Term(0).Type().(type) {
	case *types.Slice, *types.Map, *types.Pointer, *types.Chan, *types.Signature:
		return u.Term(0).Type()
	}
	return nil
}

// substitute returns t with the type parameters replaced by their
// arguments.
func substitute(t types.Type, index map[*types.TypeParam]int, targs []types.Type) (types.Type, error) {
	switch t := t.(type) {
	case *types.TypeParam:
		a := targs[index[t]]
		if a == nil {
			return nil, fmt.Errorf("%s depends on another core type", t)
		}
		return a, nil
	case *types.Slice:
		e, err := substitute(t.Elem(), index, targs)
		return types.NewSlice(e), err
	case *types.Pointer:
		e, err := substitute(t.Elem(), index, targs)
		return types.NewPointer(e), err
	case *types.Chan:
		e, err := substitute(t.Elem(), index, targs)
		return types.NewChan(t.Dir(), e), err
	case *types.Map:
		k, err := substitute(t.Key(), index, targs)
		if err != nil {
			return nil, err
		}
		v, err := substitute(t.Elem(), index, targs)
		return types.NewMap(k, v), err
	case *types.Basic, *types.Named:
		return t, nil
	}
	return nil, fmt.Errorf("cannot substitute in %s", t)
}

// TestStdGenericCells: generic functions of the standard library with
// type arguments of the session, of other packages and nested calls.
func TestStdGenericCells(t *testing.T) {
	runCells(t, []cellCase{
		{code: "import \"slices\"\ntype Point struct{ X, Y int }\nps := []Point{{3, 1}, {1, 2}, {2, 3}}\nslices.SortFunc(ps, func(a, b Point) int { return a.X - b.X })\nfmt.Println(ps)", stdout: "[{1 2} {2 3} {3 1}]"},
		{code: "import \"time\"\nds := []time.Duration{3 * time.Second, time.Millisecond}\nslices.Sort(ds)\nfmt.Println(ds, slices.Max(ds))", stdout: "[1ms 3s] 3s"},
		{code: "import \"maps\"\nm := map[string]int{\"b\": 1, \"a\": 2, \"c\": 3}\nfmt.Println(slices.Sorted(maps.Keys(m)), len(slices.Collect(maps.Keys(m))))", stdout: "[a b c] 3"},
		// a generic type of the standard library: a copy of its source
		{code: "import \"sync/atomic\"\nvar ap atomic.Pointer[Point]\nfmt.Println(ap.Load() == nil)\nap.Store(&Point{1, 2})\nfmt.Println(*ap.Load(), ap.CompareAndSwap(&Point{}, nil))", stdout: "true\n{1 2} false"},
		{code: "func g() {\n\ttype L int\n\tvar lp atomic.Pointer[L]\n\t_ = lp\n}", kind: engine.Unsupported, errHas: "the type argument L is declared inside a function"},
		// compiled instantiations: RFC 5869's test case 1
		{code: "import (\n\t\"crypto/hkdf\"\n\t\"crypto/sha256\"\n\t\"bytes\"\n\t\"encoding/hex\"\n)\nikm := bytes.Repeat([]byte{0x0b}, 22)\nsalt, _ := hex.DecodeString(\"000102030405060708090a0b0c\")\ninfo, _ := hex.DecodeString(\"f0f1f2f3f4f5f6f7f8f9\")\nokm, err := hkdf.Key(sha256.New, ikm, salt, string(info), 42)\nfmt.Println(hex.EncodeToString(okm), err)",
			stdout: "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865 <nil>"},
		{code: "import (\n\t\"hash/maphash\"\n\t\"reflect\"\n)\nseed := maphash.MakeSeed()\nfmt.Println(maphash.Comparable(seed, \"gopher\") == maphash.Comparable(seed, \"go\"+\"pher\"), reflect.TypeFor[float64]())\nv, ok := reflect.TypeAssert[int](reflect.ValueOf(7))\nfmt.Println(v, ok)", stdout: "true float64\n7 true"},
		{code: "fmt.Println(reflect.TypeFor[Point]())", kind: engine.Unsupported, errHas: "it imports internal/abi"},
		// a type declared in a function cannot be named where the copy is
		{code: "func f() {\n\ttype L int\n\tls := []L{2, 1}\n\tslices.Sort(ls)\n}", kind: engine.Unsupported, errHas: "the type argument L is declared inside a function", line: 4, col: 2},
	})
}
