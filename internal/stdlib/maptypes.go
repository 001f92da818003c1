package stdlib

import (
	"encoding"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log"
	"reflect"
)

// mapTypes tells the interpreter, for compiled functions that look for
// interfaces in their arguments, which interfaces an interpreted value
// passed to them must show: fmt calls the String, Error and Format
// methods of a cell's types, json and xml their marshalling methods. It
// is yaegi's stdlib.MapTypes (which comes with yaegi's Go 1.22 tables)
// with fmt's Append functions added.
var mapTypes = func() map[reflect.Value][]reflect.Type {
	m := map[reflect.Value][]reflect.Type{}
	printer := []reflect.Type{
		reflect.TypeFor[fmt.Formatter](),
		reflect.TypeFor[fmt.Stringer](),
	}
	for _, f := range []any{
		fmt.Errorf, fmt.Fprint, fmt.Fprintf, fmt.Fprintln, fmt.Print, fmt.Printf, fmt.Println,
		fmt.Sprint, fmt.Sprintf, fmt.Sprintln, fmt.Append, fmt.Appendf, fmt.Appendln,
		log.Fatal, log.Fatalf, log.Fatalln, log.Panic, log.Panicf, log.Panicln,
	} {
		m[reflect.ValueOf(f)] = printer
	}
	scanner := []reflect.Type{reflect.TypeFor[fmt.Scanner]()}
	for _, f := range []any{fmt.Scan, fmt.Scanf, fmt.Scanln} {
		m[reflect.ValueOf(f)] = scanner
	}
	m[reflect.ValueOf(json.Marshal)] = []reflect.Type{reflect.TypeFor[json.Marshaler](), reflect.TypeFor[encoding.TextMarshaler]()}
	m[reflect.ValueOf(json.MarshalIndent)] = m[reflect.ValueOf(json.Marshal)]
	m[reflect.ValueOf(json.Unmarshal)] = []reflect.Type{reflect.TypeFor[json.Unmarshaler](), reflect.TypeFor[encoding.TextUnmarshaler]()}
	m[reflect.ValueOf(xml.Marshal)] = []reflect.Type{reflect.TypeFor[xml.Marshaler](), reflect.TypeFor[encoding.TextMarshaler]()}
	m[reflect.ValueOf(xml.MarshalIndent)] = m[reflect.ValueOf(xml.Marshal)]
	m[reflect.ValueOf(xml.Unmarshal)] = []reflect.Type{reflect.TypeFor[xml.Unmarshaler](), reflect.TypeFor[encoding.TextUnmarshaler]()}
	return m
}()

func init() {
	// the interpreter's Use reads the key "." as its map of types
	Symbols["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(mapTypes)}
}
