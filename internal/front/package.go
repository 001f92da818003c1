package front

import (
	"errors"
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Packages read from source.
//
// A package of a Go module that a cell imports is interpreted from its
// source, which the interpreter reads as text (a virtual GOPATH, see
// internal/modules). LowerPackage gives that source the lowering of a
// cell: the package, type-checked as a whole with go/types (with the
// facts NewInfo records), goes file by file through the passes of
// lower.go, and each lowered file is printed back as Go with //line
// directives, so that the interpreter's positions are those of the
// module's own files. What differs from a cell:
//
//   - The package's level is the "session" of the passes: its types are
//     the ones the assertion helpers try, its String and Error methods are
//     the ones fmt is told about; nothing is committed, and no statement
//     is tagged (the cell that calls the package's code reports its
//     panics).
//   - The imports are the lowered file's own (internal names); blank
//     imports stay, for their initialisation.
//   - The package's variables with initialisers move into one more file,
//     PackageFile, in go/types' InitOrder, each spec at its own position:
//     the interpreter initialises in another order than Go (it follows
//     only the variables an initialiser names itself, not those the
//     functions it calls read).
//   - The internal names of lowered code ($t1, $p0 …), which the
//     interpreter's parser would refuse, are written with the letter ǂ
//     instead of $ (a package that uses it in a name is refused), and the
//     aliases of predeclared names ($int) as the names themselves: the
//     package's own names that would shadow them are renamed ($u_int).
//
// A construct the passes cannot lower exactly fails the package with the
// error naming the file, line and construct.

// PackageFile is the name of the file LowerPackage adds to a package.
const PackageFile = "zzgomx.go"

// internalLetter replaces $ in the internal names of printed code.
const internalLetter = "ǂ"

// LowerPackage lowers package pkg, type-checked from files with the
// facts of info (from NewInfo), for an interpreter that reads it as
// source. It returns the lowered files by base name, with PackageFile
// when the package needs it. cfg is the session's configuration: its
// Fset holds the files and Importer gives the packages they import.
func LowerPackage(cfg Config, pkg *types.Package, files []*ast.File, info *types.Info) (map[string][]byte, error) {
	cfg.TagVar, cfg.AutoImports = "", nil
	f := New(cfg)
	fset := cfg.Fset
	var errs []string
	report := func(l *lowerer) {
		for _, e := range l.errs {
			where := filepath.Base(l.c.name)
			if e.Line > 0 {
				where = fmt.Sprintf("%s:%d:%d", where, e.Line, e.Col)
			}
			errs = append(errs, where+": "+e.Msg)
		}
	}
	for id := range info.Defs {
		if strings.Contains(id.Name, internalLetter) {
			return nil, fmt.Errorf("%s: the name %s has the letter %s, which gomx gives its own names", fset.Position(id.Pos()), id.Name, internalLetter)
		}
	}
	for _, file := range files {
		if filepath.Base(fset.File(file.Pos()).Name()) == PackageFile {
			return nil, fmt.Errorf("the package has a file named %s, the name gomx gives a file of its own", PackageFile)
		}
	}
	lowerers := make([]*lowerer, len(files))
	blanks := make([][]ast.Spec, len(files))
	for i, file := range files {
		l := f.packageLowerer(pkg, info, file, i+1)
		lowerers[i] = l
		l.renameLocalPredeclared(file)
		decls := file.Decls[:0]
		for _, d := range file.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				switch d.Tok {
				case token.IMPORT:
					for _, s := range d.Specs {
						if is := s.(*ast.ImportSpec); is.Name != nil && is.Name.Name == "_" {
							blanks[i] = append(blanks[i], is)
						}
					}
					continue
				case token.CONST:
					for _, s := range d.Specs {
						l.constSpec(s.(*ast.ValueSpec))
					}
				case token.TYPE:
					for _, s := range d.Specs {
						ts := s.(*ast.TypeSpec)
						l.typeSpecObj[ts] = info.Defs[ts.Name]
						l.typeSpec(ts)
					}
				case token.VAR:
					specs := d.Specs[:0]
					for _, s := range d.Specs {
						vs := s.(*ast.ValueSpec)
						if len(vs.Values) > 0 {
							continue // to PackageFile
						}
						vs.Type = l.typeExpr(vs.Type)
						for j, n := range vs.Names {
							vs.Names[j] = l.declName(n)
						}
						specs = append(specs, vs)
					}
					d.Specs = specs
				}
				if len(d.Specs) == 0 {
					continue
				}
			case *ast.FuncDecl:
				l.funcDecl(d)
			}
			decls = append(decls, d)
		}
		file.Decls = decls
	}
	pf := f.packageFile(pkg, info, files, lowerers)
	for i, file := range files {
		l := lowerers[i]
		genTypes, genFuncs := l.generatedDecls()
		decls := append(append(append(genTypes, file.Decls...), l.helpers...), genFuncs...)
		file.Decls = append(l.imports(file.Package, blanks[i]), decls...)
		report(l)
	}
	switch n := len(errs); {
	case n == 1:
		return nil, errors.New(errs[0])
	case n > 1:
		return nil, fmt.Errorf("%s (and %d more)", errs[0], n-1)
	}
	own := len(files)
	if pf != nil {
		files = append(files, pf)
	}
	out := map[string][]byte{}
	for i, file := range files {
		text, err := printFile(fset, file)
		name := PackageFile
		if i < own {
			name = filepath.Base(fset.File(file.Pos()).Name())
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		out[name] = text
		if os.Getenv("GOMX_DEBUG_LOWER") != "" {
			fmt.Fprintf(os.Stderr, "--- %s of %s lowered:\n%s\n", name, pkg.Path(), text)
		}
	}
	return out, nil
}

// packageLowerer returns the lowerer of file, the n-th of package pkg.
func (f *Front) packageLowerer(pkg *types.Package, info *types.Info, file *ast.File, n int) *lowerer {
	name := f.cfg.Fset.File(file.Pos()).Name()
	src, _ := os.ReadFile(name) // for the rune columns of errors
	c := &cell{n: n, name: name, src: string(src), file: file,
		body: &ast.FuncDecl{Name: file.Name, Type: &ast.FuncType{Func: file.Package}}}
	l := newLowerer(f, c, &checked{pkg: pkg, info: info})
	l.whole = true
	// the level of variable initialisers
	l.fn = &funcCtx{sig: types.NewSignatureType(nil, nil, nil, nil, nil, false)}
	return l
}

// imports returns the import declaration of the packages the lowered
// code of l uses, under their internal names, and of the blank imports.
func (l *lowerer) imports(at token.Pos, blank []ast.Spec) []ast.Decl {
	if len(l.pkgs) == 0 && len(blank) == 0 {
		return nil
	}
	imp := &ast.GenDecl{TokPos: at, Tok: token.IMPORT, Lparen: at, Specs: blank}
	paths := make([]string, 0, len(l.pkgs))
	for p := range l.pkgs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		imp.Specs = append(imp.Specs, &ast.ImportSpec{Name: &ast.Ident{NamePos: at, Name: l.f.alias(p)}, Path: &ast.BasicLit{ValuePos: at, Kind: token.STRING, Value: strconv.Quote(p)}})
	}
	return []ast.Decl{imp}
}

// packageFile returns the file PackageFile: the package's variables with
// initialisers in go/types' InitOrder and the aliases of shadowedType,
// nil when there are none. Each is
// lowered by the lowerer of the file that declares it (whose imports,
// under the same internal names, the interpreter finds by the name of
// the file of the position that the //line directive gives) and written
// at its own position.
func (f *Front) packageFile(pkg *types.Package, info *types.Info, files []*ast.File, lowerers []*lowerer) *ast.File {
	lowererOf := func(p token.Pos) *lowerer {
		for i, file := range files {
			if file.FileStart <= p && p < file.FileEnd {
				return lowerers[i]
			}
		}
		return lowerers[0]
	}
	var decls []ast.Decl
	pkgs := map[string]bool{}
	for _, in := range info.InitOrder {
		l := lowererOf(in.Lhs[0].Pos())
		spec := &ast.ValueSpec{}
		same := true
		for _, v := range in.Lhs {
			spec.Names = append(spec.Names, &ast.Ident{NamePos: v.Pos(), Name: l.objName(v)})
			same = same && types.Identical(v.Type(), in.Lhs[0].Type())
		}
		if same {
			spec.Type = l.w.expr(in.Lhs[0].Type())
			setPos(spec.Type, in.Lhs[0].Pos())
		}
		if c, ok := l.commaOk(in.Rhs); ok && len(in.Lhs) == 2 {
			spec.Values = []ast.Expr{c}
		} else {
			spec.Values = []ast.Expr{l.expr(in.Rhs)}
		}
		decls = append(decls, &ast.GenDecl{TokPos: in.Lhs[0].Pos(), Tok: token.VAR, Specs: []ast.Spec{spec}})
		for p := range l.pkgs {
			pkgs[p] = true
		}
	}
	// aliases of the types whose names are hidden where a constant of
	// theirs is written
	names := make([]string, 0, len(f.typeAliases))
	for name := range f.typeAliases {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		tn := f.typeAliases[name]
		decls = append(decls, &ast.GenDecl{TokPos: tn.Pos(), Tok: token.TYPE, Specs: []ast.Spec{
			&ast.TypeSpec{Name: &ast.Ident{NamePos: tn.Pos(), Name: name}, Assign: tn.Pos(), Type: &ast.Ident{NamePos: tn.Pos(), Name: tn.Name()}}}})
	}
	if len(decls) == 0 {
		return nil
	}
	// a file of its own for the interpreter, which tells a package's
	// files apart by the name of the package clause's position
	at := token.Pos(f.cfg.Fset.AddFile(PackageFile, -1, 1).Base())
	l := &lowerer{f: f, pkgs: pkgs}
	return &ast.File{Package: at, Name: &ast.Ident{NamePos: at, Name: files[0].Name.Name}, Decls: append(l.imports(at, nil), decls...)}
}

// printFile prints a lowered file as Go source with //line directives to
// the positions of its nodes, internal names written with internalLetter.
func printFile(fset *token.FileSet, file *ast.File) ([]byte, error) {
	fillPositions(file, file.Package)
	ast.Inspect(file, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || !strings.Contains(id.Name, "$") {
			return true
		}
		if name := id.Name[1:]; predeclaredAlias[name] {
			// the package's own names never shadow it: those that
			// would are renamed
			id.Name = name
		} else {
			id.Name = strings.ReplaceAll(id.Name, "$", internalLetter)
		}
		return true
	})
	file.Comments, file.Doc = nil, nil
	var b strings.Builder
	cfg := printer.Config{Mode: printer.SourcePos | printer.UseSpaces, Tabwidth: 8}
	if err := cfg.Fprint(&b, fset, file); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}
