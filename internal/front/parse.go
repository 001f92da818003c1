package front

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
	"unicode/utf8"
)

// cellFuncPlaceholder names the function that holds a cell's statements in
// the synthetic file until parsing is done; it is then renamed to an
// internal name no user can write.
const cellFuncPlaceholder = "gomxCellBody"

// A cell is one parsed cell: the synthetic file that holds its
// declarations at package level and its statements, in order, as the body
// of one function.
type cell struct {
	n     int    // cell number in the session, from 1
	src   string // the cell as typed
	name  string // file name in the FileSet (positions are mapped to src by line directives)
	file  *ast.File
	body  *ast.FuncDecl // the statements' function
	items []Item
	// stmts are the top-level statements, in order (body.Body.List).
	stmts []ast.Stmt
}

// parseCell parses src as cell n into fset. Declarations may come in any
// order and mixed with statements; a leading package clause is ignored.
func parseCell(fset *token.FileSet, n int, src string) (*cell, []Error) {
	items, pkgEnd, err := Items(src)
	if err != nil {
		return nil, scanErrors(src, err)
	}
	c := &cell{n: n, src: src, name: fmt.Sprintf("cell%d", n), items: items}
	_ = pkgEnd
	var b strings.Builder
	b.WriteString("package main;")
	directive := func(off int) {
		line, col := offsetLineCol(src, off)
		// a //line comment gives the next line the position; on a line
		// of its own it joins the item's doc comment, whose text drops it
		fmt.Fprintf(&b, "\n//line %s:%d:%d\n", c.name, line, col)
	}
	// imports first, as Go requires
	for _, it := range items {
		if it.Kind == DeclItem && it.Tok == token.IMPORT {
			directive(it.Start)
			b.WriteString(src[it.Start:it.End])
			b.WriteString("\n")
		}
	}
	for _, it := range items {
		if it.Kind == DeclItem && it.Tok != token.IMPORT {
			directive(it.Start)
			b.WriteString(src[it.Start:it.End])
			b.WriteString("\n")
		}
	}
	b.WriteString("func " + cellFuncPlaceholder + "() {")
	for _, it := range items {
		if it.Kind == StmtItem {
			directive(it.Start)
			b.WriteString(src[it.Start:it.End])
			b.WriteString("\n")
		}
	}
	directive(len(src))
	b.WriteString("}\n")
	f, err := parser.ParseFile(fset, c.name, b.String(), parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, c.scanErrors(fset, err)
	}
	c.file = f
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == cellFuncPlaceholder {
			c.body = fd
		}
	}
	if c.body == nil {
		// the last statement swallowed the function's closing brace
		return nil, []Error{{Kind: SyntaxError, Msg: "unexpected end of cell"}}
	}
	c.stmts = c.body.Body.List
	return c, nil
}

// scanErrors turns errors of go/scanner on the cell text itself into
// cell errors.
func scanErrors(src string, err error) []Error {
	if list, ok := err.(scanner.ErrorList); ok && len(list) > 0 {
		// the first: the others follow from it (see syntax.go)
		e := list[0]
		return []Error{{Kind: SyntaxError, Line: e.Pos.Line, Col: runeCol(src, e.Pos.Line, e.Pos.Column), Msg: gcSyntax(e.Msg, src, e.Pos.Line, e.Pos.Column)}}
	}
	return []Error{{Kind: SyntaxError, Msg: err.Error()}}
}

// scanErrors turns errors of go/parser on the synthetic file into cell
// errors; their positions are the cell's, through the line directives.
func (c *cell) scanErrors(fset *token.FileSet, err error) []Error {
	list, ok := err.(scanner.ErrorList)
	if !ok {
		return []Error{{Kind: SyntaxError, Msg: err.Error()}}
	}
	if len(list) == 0 {
		return []Error{{Kind: SyntaxError, Msg: err.Error()}}
	}
	// the first: the others follow from it (see syntax.go)
	e := list[0]
	msg := e.Msg
	if e.Pos.Filename == c.name {
		msg = gcSyntax(msg, c.src, e.Pos.Line, e.Pos.Column)
	}
	return []Error{c.errorAt(e.Pos, SyntaxError, msg)}
}

// errorAt is an error at the (line-directive adjusted) position p.
func (c *cell) errorAt(p token.Position, kind ErrorKind, msg string) Error {
	e := Error{Kind: kind, Msg: msg}
	if p.Filename == c.name && p.Line > 0 {
		e.Line, e.Col = p.Line, runeCol(c.src, p.Line, p.Column)
	}
	return e
}

// offsetLineCol returns the 1-based line and byte column of offset off in
// src.
func offsetLineCol(src string, off int) (int, int) {
	if off > len(src) {
		off = len(src)
	}
	line := strings.Count(src[:off], "\n") + 1
	col := off - (strings.LastIndexByte(src[:off], '\n') + 1) + 1
	return line, col
}

// runeCol converts the 1-based byte column col of line in src into a
// column in runes.
func runeCol(src string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			return col
		}
		off += i + 1
	}
	end := min(off+col-1, len(src))
	if end < off {
		return col
	}
	return utf8.RuneCountInString(src[off:end]) + 1
}
