package engine_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/gomx-dev/gomx/display"
	"github.com/gomx-dev/gomx/engine"
)

func TestMsgRoundTrip(t *testing.T) {
	msgs := []*engine.Msg{
		{Type: engine.MsgExecute, ID: 1, Code: "x := 1\nfmt.Println(x)", Opts: &engine.ExecOptions{StoreHistory: true, AllowStdin: true}},
		{Type: engine.MsgStream, Name: "stdout", Text: "héllo\x00\n"},
		{Type: engine.MsgDisplay, Bundle: &display.Bundle{Data: map[string]string{display.MIMEText: "t", display.MIMEPNG: "iVBOR"}, Metadata: map[string]any{"image/png": map[string]any{"width": 2.0}}}, DisplayID: "d1", Update: true},
		{Type: engine.MsgResult, ID: 7, Result: &engine.ExecResult{Error: &engine.Error{Kind: engine.RuntimePanic, Name: "panic", Value: "x", Traceback: []string{"a", "b"}, Line: 3, Col: 4}}},
		{Type: engine.MsgCompletion, ID: 8, Completion: &engine.Completion{Matches: []string{"a"}, CursorStart: 1, CursorEnd: 2, Types: []string{"variable"}}},
		{Type: engine.MsgIsCompleteReply, ID: 9, Status: "incomplete", Indent: "\t"},
		{Type: engine.MsgInterrupt},
		{Type: engine.MsgStream, Name: "stdout", Text: string(bytes.Repeat([]byte("x"), 3<<20))},
	}
	var buf bytes.Buffer
	w := engine.NewMsgWriter(&buf)
	for _, m := range msgs {
		if err := w.Write(m); err != nil {
			t.Fatal(err)
		}
	}
	r := engine.NewMsgReader(&buf)
	for i, want := range msgs {
		got, err := r.Read()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("message %d: got %+v, want %+v", i, got, want)
		}
	}
	if _, err := r.Read(); err != io.EOF {
		t.Errorf("at the end: %v, want EOF", err)
	}
}

func frame(body string) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
}

func TestMsgReaderErrors(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
		want  error // nil: any non-nil error
	}{
		{"length too large", binary.BigEndian.AppendUint32(nil, engine.MaxMsgSize+1), engine.ErrMsgTooLarge},
		{"short header", []byte{0, 0}, io.ErrUnexpectedEOF},
		{"short body", frame(`{"t":"stream"}`)[:8], io.ErrUnexpectedEOF},
		{"short large body", append(binary.BigEndian.AppendUint32(nil, 5<<20), "abc"...), io.ErrUnexpectedEOF},
		{"not JSON", frame("nope"), nil},
		{"no type", frame(`{"id":3}`), nil},
		{"wrong field type", frame(`{"t":"execute","id":"x"}`), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := engine.NewMsgReader(bytes.NewReader(tt.input)).Read()
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}

// FuzzMsgReader feeds arbitrary bytes to the decoder: it must return
// messages or errors, never panic or allocate past what it was given
// (plus MaxMsgSize for one message), and what it decodes must encode
// and decode to the same message.
func FuzzMsgReader(f *testing.F) {
	f.Add(frame(`{"t":"execute","id":1,"code":"1+1","opts":{"Silent":false}}`))
	f.Add(frame(`{"t":"display","bundle":{"Data":{"text/plain":"x"},"Metadata":{"a":1}}}`))
	f.Add(append(frame(`{"t":"interrupt"}`), frame(`{"t":"result","id":2,"result":{"Value":null,"Error":{"Kind":"Panic"}}}`)...))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0, 0, 0, 2, '{', '}'})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := engine.NewMsgReader(bytes.NewReader(data))
		for range 100 {
			m, err := r.Read()
			if err != nil {
				return
			}
			var buf bytes.Buffer
			if err := engine.NewMsgWriter(&buf).Write(m); err != nil {
				t.Fatalf("re-encoding %+v: %v", m, err)
			}
			again, err := engine.NewMsgReader(&buf).Read()
			if err != nil {
				t.Fatalf("decoding the re-encoded %+v: %v", m, err)
			}
			if !reflect.DeepEqual(again, m) {
				t.Fatalf("round trip changed %+v into %+v", m, again)
			}
		}
	})
}

func BenchmarkMsgRoundTrip(b *testing.B) {
	m := &engine.Msg{Type: engine.MsgResult, ID: 12, Result: &engine.ExecResult{Value: &display.Bundle{Data: map[string]string{display.MIMEText: "2"}}}}
	var buf bytes.Buffer
	w := engine.NewMsgWriter(&buf)
	r := engine.NewMsgReader(&buf)
	for b.Loop() {
		w.Write(m)
		if _, err := r.Read(); err != nil {
			b.Fatal(err)
		}
	}
}
