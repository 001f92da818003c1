package front

import (
	"go/scanner"
	"go/token"
	"regexp"
	"strings"
)

// Syntax errors in the compiler's words. go/parser and the gc compiler
// (whose parser is internal to it) word syntax errors differently, and
// after the first error go/parser reports others that follow from it (and
// from the function the cell's statements are parsed in). The front end
// keeps the first error and rewords the messages users meet most as gc
// does ("missing ',' before newline in argument list" is "syntax error:
// unexpected newline in argument list; possibly missing comma or )").

// gcSyntax returns go/parser's or go/scanner's message msg, of an error at
// line and byte column col of the cell source src, in gc's words where it
// knows them.
func gcSyntax(msg, src string, line, col int) string {
	if m := missingComma.FindStringSubmatch(msg); m != nil {
		what, closer := m[2], ")"
		if what == "composite literal" {
			closer = "}"
		}
		tok := "newline"
		if m[1] == "" {
			tok = tokenAt(src, line, col)
		}
		return "syntax error: unexpected " + tok + " in " + what + "; possibly missing comma or " + closer
	}
	if m := expectedFound.FindStringSubmatch(msg); m != nil {
		want, found := strings.Trim(m[1], "'"), describeFound(m[2])
		if found == "}" && pastEnd(src, line, col) {
			found = "EOF" // the brace that closes the cell's statements
		}
		switch want {
		case ";":
			return "syntax error: unexpected " + found + " at end of statement"
		case "operand":
			return "syntax error: unexpected " + found + ", expected expression"
		case "declaration":
			return "syntax error: non-declaration statement outside function body"
		case "statement":
			// a token that cannot start a statement: after a statement
			// on its line, or first on a line, where a block could end
			if startsLine(src, line, col) {
				return "syntax error: unexpected " + found + ", expected }"
			}
			return "syntax error: unexpected " + found + " at end of statement"
		}
		return "syntax error: unexpected " + found + ", expected " + want
	}
	if strings.HasPrefix(msg, "illegal character ") {
		return "invalid character " + strings.TrimPrefix(msg, "illegal character ")
	}
	if msg == "string literal not terminated" {
		return "newline in string"
	}
	return msg
}

var (
	missingComma  = regexp.MustCompile(`^missing ',' (before newline )?in (argument list|composite literal|parameter list)$`)
	expectedFound = regexp.MustCompile(`^expected (.+?), found (.+)$`)
)

// startsLine reports whether only blanks come before byte column col of
// line in src.
func startsLine(src string, line, col int) bool {
	return strings.TrimLeft(src[lineColOffset(src, line, 1):lineColOffset(src, line, col)], " \t") == ""
}

// pastEnd reports whether line and byte column col lie after the last
// token of src.
func pastEnd(src string, line, col int) bool {
	return lineColOffset(src, line, col) >= len(strings.TrimRight(src, " \t\r\n"))
}

// describeFound describes a token go/parser names in "found X" as gc
// does: newline, EOF, keyword else, name x, literal 1, or the operator.
func describeFound(s string) string {
	if q := strings.Trim(s, "'"); q != s {
		switch {
		case q == "EOF":
			return "EOF"
		case token.Lookup(q).IsKeyword():
			return "keyword " + q
		}
		return q
	}
	switch {
	case s == "newline":
		return s
	case token.IsIdentifier(s):
		return "name " + s
	}
	return "literal " + s
}

// tokenAt describes the token at line and byte column col of src as gc
// does.
func tokenAt(src string, line, col int) string {
	rest := src[lineColOffset(src, line, col):]
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", -1, len(rest)), []byte(rest), nil, 0)
	_, tok, lit := s.Scan()
	switch {
	case tok == token.EOF:
		return "EOF"
	case tok == token.SEMICOLON && lit == "\n":
		return "newline"
	case tok == token.IDENT:
		return "name " + lit
	case tok.IsLiteral():
		return "literal " + lit
	case tok.IsKeyword():
		return "keyword " + tok.String()
	}
	return tok.String()
}
