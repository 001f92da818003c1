package front

import (
	"go/scanner"
	"go/token"
)

// ItemKind tells a cell's top-level declarations from its statements.
type ItemKind int

// Item kinds.
const (
	DeclItem ItemKind = iota // import, type, func (not a func literal), var, const
	StmtItem                 // anything else: run in order as the cell's body
)

// An Item is one top-level declaration or statement of a cell. Start and
// End are byte offsets in the cell; Start includes the comment lines
// directly above the item (its doc comment).
type Item struct {
	Kind       ItemKind
	Start, End int
	// Tok is the item's first token (after its doc comment).
	Tok token.Token
}

// Items cuts a cell into its top-level items with go/scanner. A leading
// package clause is returned as pkgEnd > 0 (the offset after it) and is
// not an item. It returns the scanner's errors for text that does not
// scan.
func Items(src string) (items []Item, pkgEnd int, err error) {
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(src))
	var errs scanner.ErrorList
	var s scanner.Scanner
	s.Init(file, []byte(src), func(pos token.Position, msg string) { errs.Add(pos, msg) }, scanner.ScanComments)

	type tok struct {
		off  int
		tok  token.Token
		lit  string
		line int
	}
	var toks []tok
	var comments []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		tk := tok{file.Offset(pos), t, lit, file.Line(pos)}
		if t == token.COMMENT {
			comments = append(comments, tk)
			continue
		}
		toks = append(toks, tk)
	}
	if errs.Len() > 0 {
		errs.Sort()
		return nil, 0, errs
	}
	first := 0
	if len(toks) >= 2 && toks[0].tok == token.PACKAGE && toks[1].tok == token.IDENT {
		pkgEnd = toks[1].off + len(toks[1].lit)
		first = 2
	}
	// docStart returns where the comment lines directly above the token
	// at offset off, on line line, begin: comments alone on their lines
	// (a comment after the code of the line above belongs to that code)
	docStart := func(off, line int) int {
		start := off
		for i := len(comments) - 1; i >= 0; i-- {
			c := comments[i]
			if c.off >= start || c.off < pkgEnd {
				continue
			}
			end := c.off + len(c.lit)
			if file.Line(file.Pos(end-1)) != line-1 || !lineStart(src, c.off) {
				break
			}
			start, line = c.off, c.line
		}
		return start
	}

	depth := 0
	start := -1
	// header is set between for, if or switch at depth 0 and the brace
	// that opens its body: the semicolons of its clauses do not end the
	// item (for ; n < 10; {, if x := f(); x > 0 {)
	header := false
	for k := first; k < len(toks); k++ {
		t := toks[k]
		if start < 0 {
			if t.tok == token.SEMICOLON {
				continue
			}
			start = k
		}
		switch t.tok {
		case token.FOR, token.IF, token.SWITCH:
			if depth == 0 {
				header = true
			}
		case token.LBRACE:
			if depth == 0 {
				header = false
			}
		}
		switch t.tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if depth > 0 {
				depth--
			}
		}
		last := k == len(toks)-1
		if (t.tok == token.SEMICOLON && depth == 0 && !(header && t.lit == ";")) || last {
			endTok := k
			if t.tok == token.SEMICOLON {
				endTok = k - 1
			}
			if endTok >= start {
				f := toks[start]
				end := toks[endTok].off + tokenLen(toks[endTok].tok, toks[endTok].lit)
				kind := StmtItem
				switch f.tok {
				case token.IMPORT, token.TYPE, token.VAR, token.CONST:
					kind = DeclItem
				case token.FUNC:
					ts := make([]token.Token, 0, endTok+1-start)
					for _, t := range toks[start : endTok+1] {
						ts = append(ts, t.tok)
					}
					if isFuncDecl(ts) {
						kind = DeclItem
					}
				}
				items = append(items, Item{Kind: kind, Start: docStart(f.off, f.line), End: end, Tok: f.tok})
			}
			start = -1
		}
	}
	return items, pkgEnd, nil
}

// lineStart reports whether only blanks come before offset off on its
// line of src.
func lineStart(src string, off int) bool {
	for i := off - 1; i >= 0 && src[i] != '\n'; i-- {
		if src[i] != ' ' && src[i] != '\t' && src[i] != '\r' {
			return false
		}
	}
	return true
}

// tokenLen is the length in bytes of a token as written.
func tokenLen(t token.Token, lit string) int {
	if t == token.SEMICOLON && lit == "\n" {
		return 0
	}
	if lit != "" {
		return len(lit)
	}
	return len(t.String())
}

// isFuncDecl tells a func declaration (`func f(`, `func (r T) m(`) from a
// statement that starts with a func literal (`func() { … }()`): after the
// receiver of a method comes its name and then its parameters.
func isFuncDecl(toks []token.Token) bool {
	if len(toks) < 2 {
		return false
	}
	switch toks[1] {
	case token.IDENT:
		return true
	case token.LPAREN:
		depth := 0
		for i := 1; i < len(toks); i++ {
			switch toks[i] {
			case token.LPAREN:
				depth++
			case token.RPAREN:
				depth--
				if depth == 0 {
					return i+2 < len(toks) && toks[i+1] == token.IDENT && (toks[i+2] == token.LPAREN || toks[i+2] == token.LBRACK)
				}
			}
		}
	}
	return false
}
