package session

import (
	"go/scanner"
	"go/token"
	"strings"
)

// chunkKind tells declaration chunks (evaluated as file-level declarations)
// from statement chunks (evaluated as the body of main).
type chunkKind int

const (
	declChunk chunkKind = iota
	stmtChunk
)

// A chunk is a run of consecutive top-level items of one kind in a cell.
// Start and End are byte offsets in the cell.
type chunk struct {
	Kind       chunkKind
	Start, End int
}

// An item is one top-level declaration or statement of a cell.
type item struct {
	Kind       chunkKind
	Start, End int
}

// splitItems cuts a cell into its top-level items with go/scanner. import,
// type and func declarations (not func literals) are declarations;
// everything else, var and const included, is a statement, so that var and
// const may use the values of earlier cells. It returns a scanner error for
// text that does not scan.
func splitItems(src string) ([]item, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("cell.go", -1, len(src))
	var errs scanner.ErrorList
	var s scanner.Scanner
	s.Init(file, []byte(src), func(pos token.Position, msg string) { errs.Add(pos, msg) }, 0)

	type tok struct {
		off int
		tok token.Token
		lit string
	}
	var toks []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{file.Offset(pos), t, lit})
	}
	if errs.Len() > 0 {
		errs.Sort()
		return nil, errs
	}

	var items []item
	depth := 0
	start := -1
	for k, t := range toks {
		if start < 0 {
			if t.tok == token.SEMICOLON {
				continue
			}
			start = k
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
		if (t.tok == token.SEMICOLON && depth == 0) || last {
			endTok := k
			if t.tok == token.SEMICOLON {
				endTok = k - 1
			}
			if endTok >= start {
				first := toks[start]
				end := toks[endTok].off + tokenLen(toks[endTok].tok, toks[endTok].lit)
				kind := stmtChunk
				switch first.tok {
				case token.IMPORT, token.TYPE:
					kind = declChunk
				case token.FUNC:
					ts := make([]token.Token, 0, endTok+1-start)
					for _, t := range toks[start : endTok+1] {
						ts = append(ts, t.tok)
					}
					if isFuncDecl(ts) {
						kind = declChunk
					}
				}
				items = append(items, item{Kind: kind, Start: first.off, End: end})
			}
			start = -1
		}
	}
	return items, nil
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
					return i+2 < len(toks) && toks[i+1] == token.IDENT && toks[i+2] == token.LPAREN
				}
			}
		}
	}
	return false
}

// groupChunks joins consecutive items of the same kind into chunks.
func groupChunks(items []item) []chunk {
	var chunks []chunk
	for _, it := range items {
		if n := len(chunks); n > 0 && chunks[n-1].Kind == it.Kind {
			chunks[n-1].End = it.End
			continue
		}
		chunks = append(chunks, chunk{Kind: it.Kind, Start: it.Start, End: it.End})
	}
	return chunks
}

// padTo returns the whitespace that places text starting at byte offset off
// of src at the same line and column: newlines for the lines before it and
// spaces for the columns.
func padTo(src string, off int) string {
	lines := strings.Count(src[:off], "\n")
	col := off - (strings.LastIndexByte(src[:off], '\n') + 1)
	return strings.Repeat("\n", lines) + strings.Repeat(" ", col)
}
