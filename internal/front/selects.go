package front

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Passes selectvar and labels: select statements.
//
// A variable that a select case defines (case v := <-c) is one variable
// for every execution of the select in the interpreter, so closures made
// in one case see a later value: the case receives into a hidden variable
// and declares v in its body. And the interpreter hangs on a labelled
// break out of a select (L: for { select { case <-done: break L } }): the
// break sets a flag and leaves the select; after the select, the flag
// breaks out to the label.

// selectStmt lowers a select statement.
func (l *lowerer) selectStmt(s *ast.SelectStmt) []ast.Stmt {
	var flags []labelFlag
	for _, cc := range s.Body.List {
		cc := cc.(*ast.CommClause)
		var in []ast.Stmt
		switch comm := cc.Comm.(type) {
		case *ast.AssignStmt:
			if comm.Tok == token.DEFINE {
				for i, lhs := range comm.Lhs {
					id := lhs.(*ast.Ident)
					if id.Name == "_" {
						continue
					}
					if _, ok := l.info.Defs[id].(*types.Var); !ok {
						continue
					}
					t := l.temp("s")
					in = append(in, define([]*ast.Ident{ast.NewIdent(id.Name)}, ast.NewIdent(t.Name)))
					comm.Lhs[i] = t
				}
				comm.Rhs[0] = l.expr(comm.Rhs[0])
			} else {
				for i, lhs := range comm.Lhs {
					comm.Lhs[i] = l.expr(lhs)
				}
				comm.Rhs[0] = l.expr(comm.Rhs[0])
			}
		case *ast.SendStmt:
			comm.Chan, comm.Value = l.expr(comm.Chan), l.expr(comm.Value)
		case *ast.ExprStmt:
			comm.X = l.expr(comm.X)
		}
		cc.Body = l.block(cc.Body)
		flags = l.labelledBreaks(cc.Body, flags)
		cc.Body = append(in, cc.Body...)
	}
	if len(flags) == 0 {
		return []ast.Stmt{s}
	}
	var out []ast.Stmt
	for _, f := range flags {
		out = append(out, &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(f.flag)}, Type: predeclared("bool")}}}})
	}
	out = append(out, s)
	for _, f := range flags {
		out = append(out, &ast.IfStmt{If: s.Pos(), Cond: ast.NewIdent(f.flag), Body: &ast.BlockStmt{List: []ast.Stmt{
			&ast.BranchStmt{TokPos: s.Pos(), Tok: f.tok, Label: ast.NewIdent(f.label)},
		}}})
	}
	for _, o := range out {
		setPos(o, s.Pos())
	}
	return []ast.Stmt{&ast.BlockStmt{Lbrace: s.Pos(), List: out}}
}

// A labelFlag is a labelled break or continue out of a select, replaced
// by setting flag.
type labelFlag struct {
	label string
	tok   token.Token
	flag  string
}

// labelledBreaks replaces the labelled breaks and continues in list that
// leave the select (their label is not inside it) by flag assignments and
// a break of the select.
func (l *lowerer) labelledBreaks(list []ast.Stmt, flags []labelFlag) []labelFlag {
	inner := map[string]bool{}
	for _, s := range list {
		ast.Inspect(s, func(n ast.Node) bool {
			if ls, ok := n.(*ast.LabeledStmt); ok {
				inner[ls.Label.Name] = true
			}
			_, isLit := n.(*ast.FuncLit)
			return !isLit
		})
	}
	var visit func(s ast.Stmt) ast.Stmt
	visitList := func(list []ast.Stmt) {
		for i, s := range list {
			list[i] = visit(s)
		}
	}
	visit = func(s ast.Stmt) ast.Stmt {
		switch x := s.(type) {
		case *ast.BranchStmt:
			if (x.Tok == token.BREAK || x.Tok == token.CONTINUE) && x.Label != nil && !inner[x.Label.Name] {
				name := ""
				for _, f := range flags {
					if f.label == x.Label.Name && f.tok == x.Tok {
						name = f.flag
					}
				}
				if name == "" {
					name = l.temp("brk").Name
					flags = append(flags, labelFlag{label: x.Label.Name, tok: x.Tok, flag: name})
				}
				b := &ast.BlockStmt{Lbrace: x.Pos(), List: []ast.Stmt{
					assignTo(ast.NewIdent(name), predeclared("true")),
					&ast.BranchStmt{TokPos: x.Pos(), Tok: token.BREAK},
				}}
				setPos(b, x.Pos())
				return b
			}
		case *ast.BlockStmt:
			visitList(x.List)
		case *ast.IfStmt:
			visitList(x.Body.List)
			if x.Else != nil {
				x.Else = visit(x.Else)
			}
		case *ast.LabeledStmt:
			x.Stmt = visit(x.Stmt)
		case *ast.SwitchStmt:
			for _, cc := range x.Body.List {
				visitList(cc.(*ast.CaseClause).Body)
			}
		case *ast.TypeSwitchStmt:
			for _, cc := range x.Body.List {
				visitList(cc.(*ast.CaseClause).Body)
			}
		case *ast.ForStmt:
			visitList(x.Body.List)
		case *ast.RangeStmt:
			visitList(x.Body.List)
		case *ast.SelectStmt:
			// a nested select handles its own
		}
		return s
	}
	visitList(list)
	return flags
}

// branch lowers break, continue, goto and fallthrough (inside the body of
// a range-over-func loop they become returns of the yield function).
func (l *lowerer) branch(s *ast.BranchStmt) []ast.Stmt {
	if rf := l.fn.rangeFunc; rf != nil {
		return rf.branch(l, s)
	}
	return []ast.Stmt{s}
}

// returnStmt lowers a return statement.
func (l *lowerer) returnStmt(s *ast.ReturnStmt) []ast.Stmt {
	for i, r := range s.Results {
		s.Results[i] = l.expr(r)
	}
	if rf := l.fn.rangeFunc; rf != nil {
		return rf.ret(l, s)
	}
	if len(s.Results) > 1 && hasCall(s.Results) {
		// the interpreter's parallel assignment bug applies to results
		return append(l.intoTemps(s.Results), s)
	}
	return []ast.Stmt{s}
}
