package front

import (
	"go/ast"
	"go/token"
	"strconv"
)

// Pass fieldtags: the unexported fields of a struct type, which encoders
// must not see.
//
// The interpreter builds a struct type of the session with reflect, which
// cannot make a field that it could set unexported: a field skip becomes
// an exported Xskip. encoding/json and other encoders of compiled
// packages would then write and read it (json.Marshal gave
// {"name":"pen","Xskip":0} where Go gives {"name":"pen"}). Each
// unexported field gets tags saying "-" to the encoders that follow this
// convention, ahead of the tag the field had, which reflect's Lookup
// finds first; typeWriter writes the same tags, so that a struct type
// written from its go/types type is the interpreter's type again.

// hiddenTag is what an unexported field's tag starts with.
const hiddenTag = `json:"-" xml:"-" yaml:"-"`

// unexportedTag returns the tag of an unexported field whose tag in the
// source is tag.
func unexportedTag(tag string) string {
	if tag == "" {
		return hiddenTag
	}
	return hiddenTag + " " + tag
}

// hideUnexported gives the unexported named fields of st the hidden tag,
// splitting a declaration of exported and unexported names (a, B int)
// into one per name.
func hideUnexported(st *ast.StructType) {
	var list []*ast.Field
	for _, f := range st.Fields.List {
		mixed := false
		for _, n := range f.Names {
			mixed = mixed || n.IsExported() != f.Names[0].IsExported()
		}
		if !mixed {
			list = append(list, f)
			hideField(f)
			continue
		}
		for _, n := range f.Names {
			g := &ast.Field{Names: []*ast.Ident{n}, Type: f.Type, Tag: f.Tag}
			hideField(g)
			list = append(list, g)
		}
	}
	st.Fields.List = list
}

// hideField sets the tag of f, a field of a struct type, when its names
// are unexported.
func hideField(f *ast.Field) {
	if len(f.Names) == 0 || f.Names[0].IsExported() {
		return
	}
	tag, pos := "", f.Type.End()
	if f.Tag != nil {
		tag, _ = strconv.Unquote(f.Tag.Value)
		pos = f.Tag.Pos()
	}
	f.Tag = &ast.BasicLit{ValuePos: pos, Kind: token.STRING, Value: strconv.Quote(unexportedTag(tag))}
}
