package session

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"math"
	"reflect"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/viz"
	"github.com/traefik/yaegi/interp"
)

// rtPath is the import path of the session's runtime helpers in the
// interpreter (the front end imports it under an internal name).
const rtPath = "gomx.dev/session/rt"

// fatalPanic is the panic value of log.Fatal* in a cell.
type fatalPanic struct{ msg string }

// inputPanic is the panic value of fmt.Scan* when input fails or is not
// allowed.
type inputPanic struct{ msg string }

// safeLogger is what log.New and log.Default return in a cell: a
// *log.Logger whose Fatal methods end the cell instead of the process.
type safeLogger struct{ l *log.Logger }

func (s *safeLogger) fatal(msg string) {
	s.l.Output(3, msg)
	panic(fatalPanic{strings.TrimSuffix(msg, "\n")})
}

// Fatal is Print followed by the end of the cell.
func (s *safeLogger) Fatal(v ...any) { s.fatal(fmt.Sprint(v...)) }

// Fatalf is Printf followed by the end of the cell.
func (s *safeLogger) Fatalf(format string, v ...any) { s.fatal(fmt.Sprintf(format, v...)) }

// Fatalln is Println followed by the end of the cell.
func (s *safeLogger) Fatalln(v ...any) { s.fatal(fmt.Sprintln(v...)) }

// Flags returns the output flags.
func (s *safeLogger) Flags() int { return s.l.Flags() }

// Output writes one log event.
func (s *safeLogger) Output(calldepth int, msg string) error { return s.l.Output(calldepth+1, msg) }

// Panic is Print followed by panic.
func (s *safeLogger) Panic(v ...any) { s.l.Panic(v...) }

// Panicf is Printf followed by panic.
func (s *safeLogger) Panicf(format string, v ...any) { s.l.Panicf(format, v...) }

// Panicln is Println followed by panic.
func (s *safeLogger) Panicln(v ...any) { s.l.Panicln(v...) }

// Prefix returns the output prefix.
func (s *safeLogger) Prefix() string { return s.l.Prefix() }

// Print writes a log event formatted like fmt.Print.
func (s *safeLogger) Print(v ...any) { s.l.Print(v...) }

// Printf writes a log event formatted like fmt.Printf.
func (s *safeLogger) Printf(format string, v ...any) { s.l.Printf(format, v...) }

// Println writes a log event formatted like fmt.Println.
func (s *safeLogger) Println(v ...any) { s.l.Println(v...) }

// SetFlags sets the output flags.
func (s *safeLogger) SetFlags(flag int) { s.l.SetFlags(flag) }

// SetOutput sets the output destination.
func (s *safeLogger) SetOutput(w io.Writer) { s.l.SetOutput(w) }

// SetPrefix sets the output prefix.
func (s *safeLogger) SetPrefix(prefix string) { s.l.SetPrefix(prefix) }

// Writer returns the output destination.
func (s *safeLogger) Writer() io.Writer { return s.l.Writer() }

// goTracker counts the goroutines a cell started and records their panics.
// Panics that come after the cell ended go to late.
type goTracker struct {
	late    func(any)
	over    bool
	mu      sync.Mutex
	running int
	idle    chan struct{} // closed when running drops to zero
	panics  []any
}

func newGoTracker(late func(any)) *goTracker {
	t := &goTracker{late: late, idle: make(chan struct{})}
	close(t.idle)
	return t
}

func (t *goTracker) start() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.running == 0 {
		t.idle = make(chan struct{})
	}
	t.running++
}

func (t *goTracker) done(recovered any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if recovered != nil {
		if t.over {
			t.late(recovered)
		} else {
			t.panics = append(t.panics, recovered)
		}
	}
	t.running--
	if t.running == 0 {
		close(t.idle)
	}
}

// cellRunning reports whether the cell that started the goroutines still
// runs.
func (t *goTracker) cellRunning() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.over
}

// wait waits until the cell's goroutines are done or d has passed and
// returns the panics recorded so far, removing them.
func (t *goTracker) wait(d time.Duration) []any {
	t.mu.Lock()
	idle := t.idle
	t.mu.Unlock()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-idle:
	case <-timer.C:
	}
	return t.take()
}

func (t *goTracker) take() []any {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.panics
	t.panics = nil
	return p
}

// end marks the cell over: later panics go to late.
func (t *goTracker) end() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.over = true
	for _, p := range t.panics {
		t.late(p)
	}
	t.panics = nil
}

// overlay returns the symbols the session adds to or replaces in the
// tables: its runtime helpers under rtPath, and the overrides of os.Exit
// and of log's Fatal functions and loggers. (time.Sleep, interruptible, is
// in the stdlib tables.)
func (s *Session) overlay() interp.Exports {
	newLogger := func(w io.Writer, prefix string, flag int) *safeLogger {
		return &safeLogger{log.New(w, prefix, flag)}
	}
	std := &safeLogger{log.New(s.stderr, "", log.LstdFlags)}
	fatal := func(msg string) {
		std.l.Output(3, msg)
		panic(fatalPanic{strings.TrimSuffix(msg, "\n")})
	}
	// why errors.Is and errors.Unwrap cannot answer in this session, by
	// name, as later cells find it (the front end's latetypes.go)
	refused := &sync.Map{}
	rt := map[string]reflect.Value{
		"Refuse": reflect.ValueOf(func(name, why string) { refused.Store(name, why) }),
		"Refused": reflect.ValueOf(func(name string) string {
			why, _ := refused.Load(name)
			s, _ := why.(string)
			return s
		}),
		"GoStart": reflect.ValueOf(func() any { t := s.goTracker(); t.start(); return t }),

		"Show": reflect.ValueOf(func(v any) { s.show(valueBundle(v)) }),
		"ShowTuple": reflect.ValueOf(func(vs ...any) {
			texts := make([]string, len(vs))
			for i, v := range vs {
				texts[i] = valueBundle(v).Text()
			}
			s.show(viz.Bundle{Data: map[string]string{viz.MIMEText: "(" + strings.Join(texts, ", ") + ")"}})
		}),
		"ShowRich": reflect.ValueOf(func(v any, mime map[string]string, kv ...string) { s.show(rich(v, mime, kv...)) }),
		"Rich":     reflect.ValueOf(rich),
		"Run":      reflect.ValueOf(s.runCell),
		"Go":       reflect.ValueOf(s.goCell),
		"Panic":    reflect.ValueOf(func(v any) { panic(v) }),
		"StrLen":   reflect.ValueOf(func(s string) int { return len(s) }),
		"Len":      reflect.ValueOf(func(v any) int { return reflect.ValueOf(v).Len() }),
		"Diag": reflect.ValueOf(func(f func(int) []int) {
			s.outMu.Lock()
			if s.cur != nil {
				s.cur.diag = f
			}
			s.outMu.Unlock()
		}),
		"Select":   reflect.ValueOf(s.chanSelect),
		"Error":    reflect.ValueOf(func(e error) any { return e }),
		"Stringer": reflect.ValueOf(func(v fmt.Stringer) any { return v }),
		"PanicText": reflect.ValueOf(func(raw, m any) {
			text := ""
			switch m := m.(type) {
			case error:
				text = m.Error()
			case fmt.Stringer:
				text = m.String()
			}
			s.outMu.Lock()
			if s.cur != nil {
				s.cur.panicRaw, s.cur.panicText = fmt.Sprint(raw), text
			}
			s.outMu.Unlock()
		}),
		"MakeCap":       reflect.ValueOf(makeCap),
		"NewDefers":     reflect.ValueOf(func() *deferStack { return &deferStack{} }),
		"AssertFailed":  reflect.ValueOf(assertFailed),
		"HasMethods":    reflect.ValueOf(hasMethods),
		"CannotAssert":  reflect.ValueOf(cannotAssert),
		"CallMethod":    reflect.ValueOf(callMethod),
		"HasSignatures": reflect.ValueOf(hasSignatures),
		"Equal":         reflect.ValueOf(equalIface),
		"Comparable":    reflect.ValueOf(comparableIface),
		"ArrayLen":      reflect.ValueOf(func(_ any, n int) int { return n }),
		"IsNil":         reflect.ValueOf(func(v any) bool { return v == nil }),
		"Deref": reflect.ValueOf(func(p any) any {
			v := reflect.ValueOf(p)
			if p == nil || v.IsNil() {
				panic(runtimeError("invalid memory address or nil pointer dereference"))
			}
			return v.Elem().Interface()
		}),
		"NoMIME": reflect.ValueOf(map[string]string(nil)),
		"Recovered": reflect.ValueOf(func(v any) any {
			if v != nil {
				// the frames the recovered panic passed are no
				// part of a later panic's traceback
				s.outMu.Lock()
				if s.cur != nil {
					s.cur.panicAt = nil
					s.cur.panicRaw, s.cur.panicText = "", ""
				}
				s.outMu.Unlock()
			}
			return goPanic(v)
		}),
		"DecodeRune":   reflect.ValueOf(utf8.DecodeRuneInString),
		"RuntimeError": reflect.ValueOf(func(msg string) error { return runtimeError(msg) }),
		"Print":        reflect.ValueOf(func(args ...any) { io.WriteString(s.stderr, goPrint(false, args)) }),
		"Println":      reflect.ValueOf(func(args ...any) { io.WriteString(s.stderr, goPrint(true, args)) }),
		"Clear":        reflect.ValueOf(clearValue),
		"Base64":       reflect.ValueOf(base64.StdEncoding.EncodeToString),
	}
	for k, v := range minMax {
		rt[k] = v
	}
	for k, v := range slicesFuncs {
		rt[k] = v
	}
	for k, v := range unsafeFuncs {
		rt[k] = v
	}
	for k, v := range stdInstances {
		rt[k] = v
	}
	return interp.Exports{
		rtPath + "/rt": rt,
		"os/os": {
			"Exit": reflect.ValueOf(s.exit),
		},
		"syscall/syscall": {
			"Exit": reflect.ValueOf(s.exit),
		},
		// returns early when the cell is interrupted
		"time/time": {"Sleep": reflect.ValueOf(s.sleep)},
		"log/log": {
			// a cell's loggers end the cell, not the process, on Fatal
			"Logger":  reflect.ValueOf((*safeLogger)(nil)),
			"Default": reflect.ValueOf(func() *safeLogger { return std }),
			"New":     reflect.ValueOf(newLogger),
			"Fatal":   reflect.ValueOf(func(v ...any) { fatal(fmt.Sprint(v...)) }),
			"Fatalf":  reflect.ValueOf(func(f string, v ...any) { fatal(fmt.Sprintf(f, v...)) }),
			"Fatalln": reflect.ValueOf(func(v ...any) { fatal(fmt.Sprintln(v...)) }),
		},
	}
}

// valueBundle is how a cell's value shows: a string in Go syntax (quoted,
// so that "" and " " are seen), anything else as viz renders it.
func valueBundle(v any) viz.Bundle {
	if str, ok := v.(string); ok {
		return viz.Bundle{Data: map[string]string{viz.MIMEText: strconv.Quote(str)}}
	}
	return viz.Render(v)
}

// richMethods are the methods by which a user type shows itself, with
// the MIME type of each (PNG's bytes are base64-encoded by the call the
// session builds).
var richMethods = map[string]string{
	"HTML":     viz.MIMEHTML,
	"Markdown": viz.MIMEMarkdown,
	"LaTeX":    viz.MIMELaTeX,
	"SVG":      viz.MIMESVG,
	"PNG":      viz.MIMEPNG,
	// MIMEBundle() map[string]string gives several at once
	"MIMEBundle": "",
}

// rich is the bundle of a user value v that showed itself as the MIME
// map mime and the MIME type, content pairs kv; text/plain is v printed
// unless given.
func rich(v any, mime map[string]string, kv ...string) viz.Bundle {
	data := make(map[string]string, len(mime)+len(kv)/2+1)
	for k, x := range mime {
		data[k] = x
	}
	for i := 0; i+1 < len(kv); i += 2 {
		data[kv[i]] = kv[i+1]
	}
	if _, ok := data[viz.MIMEText]; !ok {
		data[viz.MIMEText] = fmt.Sprint(v)
	}
	return viz.Bundle{Data: data}
}

// orderedTypes are the types min and max are compiled for; the rewriter
// calls Min_<type> and Max_<type> when it can tell the arguments' type.
var orderedTypes = map[string]bool{}

// minMaxExports returns the compiled min and max of each ordered type.
func minMaxExports() map[string]reflect.Value {
	m := map[string]reflect.Value{}
	add := func(typ string, min, max any) {
		orderedTypes[typ] = true
		m["Min_"+typ] = reflect.ValueOf(min)
		m["Max_"+typ] = reflect.ValueOf(max)
	}
	add("int", minOf[int], maxOf[int])
	add("int8", minOf[int8], maxOf[int8])
	add("int16", minOf[int16], maxOf[int16])
	add("int32", minOf[int32], maxOf[int32])
	add("int64", minOf[int64], maxOf[int64])
	add("uint", minOf[uint], maxOf[uint])
	add("uint8", minOf[uint8], maxOf[uint8])
	add("uint16", minOf[uint16], maxOf[uint16])
	add("uint32", minOf[uint32], maxOf[uint32])
	add("uint64", minOf[uint64], maxOf[uint64])
	add("uintptr", minOf[uintptr], maxOf[uintptr])
	add("float32", minOf[float32], maxOf[float32])
	add("float64", minOf[float64], maxOf[float64])
	add("string", minOf[string], maxOf[string])
	return m
}

var minMax = minMaxExports()

// slicesFuncs holds compiled instantiations of the slices package's
// generic functions for common element types, keyed "Slices_<F>_<elem>":
// yaegi's interpreted generics cannot assign their results with :=, so
// the rewriter calls these when it can tell the element type.
var slicesFuncs = func() map[string]reflect.Value {
	m := map[string]reflect.Value{}
	addOrdered(m, "int", []int(nil))
	addOrdered(m, "int64", []int64(nil))
	addOrdered(m, "int32", []int32(nil))
	addOrdered(m, "uint8", []uint8(nil))
	addOrdered(m, "float64", []float64(nil))
	addOrdered(m, "float32", []float32(nil))
	addOrdered(m, "string", []string(nil))
	return m
}()

func addOrdered[E cmp.Ordered](m map[string]reflect.Value, elem string, _ []E) {
	add := func(name string, f any) { m["Slices_"+name+"_"+elem] = reflect.ValueOf(f) }
	add("Sort", slices.Sort[[]E])
	add("SortFunc", slices.SortFunc[[]E])
	add("SortStableFunc", slices.SortStableFunc[[]E])
	add("IsSorted", slices.IsSorted[[]E])
	add("Max", slices.Max[[]E])
	add("Min", slices.Min[[]E])
	add("Contains", slices.Contains[[]E])
	add("ContainsFunc", slices.ContainsFunc[[]E])
	add("Index", slices.Index[[]E])
	add("IndexFunc", slices.IndexFunc[[]E])
	add("Equal", slices.Equal[[]E])
	add("Compare", slices.Compare[[]E])
	add("BinarySearch", slices.BinarySearch[[]E])
	add("Reverse", slices.Reverse[[]E])
	add("Clone", slices.Clone[[]E])
	add("Compact", slices.Compact[[]E])
	add("Insert", slices.Insert[[]E])
	add("Delete", slices.Delete[[]E])
	add("DeleteFunc", slices.DeleteFunc[[]E])
	add("Concat", slices.Concat[[]E])
	add("Repeat", slices.Repeat[[]E])
}

func minOf[T cmp.Ordered](x T, y ...T) T { return min(x, slices.Min(append(y, x))) }

func maxOf[T cmp.Ordered](x T, y ...T) T { return max(x, slices.Max(append(y, x))) }

// clearValue is the builtin clear for a map or a slice.
func clearValue(x any) {
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		v.Clear()
	default:
		panic(fmt.Sprintf("invalid argument: clear of %T (need a map or a slice)", x))
	}
}

// inputReader is the interpreter's standard input: fmt.Scan, Scanln and
// Scanf read lines that the session asks the front end for.
type inputReader struct {
	s   *Session
	buf []byte
}

func (r *inputReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		line, err := r.s.askInput()
		if err != nil {
			panic(inputPanic{err.Error()})
		}
		r.buf = append(r.buf, line...)
		r.buf = append(r.buf, '\n')
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// runtimeError is a run-time error raised by lowered code, as Go's
// runtime would (it implements runtime.Error).
type runtimeError string

// deferStack holds the calls a function deferred inside the bodies of
// ranges over functions (and its other deferred calls), which the front
// end cannot leave to the interpreter's defer.
type deferStack struct{ calls []func() }

// Push defers call.
func (d *deferStack) Push(call func()) { d.calls = append(d.calls, call) }

// Run runs the deferred calls, last first. When one panics, the others
// still run, as in Go.
func (d *deferStack) Run() {
	defer func() {
		if len(d.calls) > 0 {
			d.Run()
		}
	}()
	for len(d.calls) > 0 {
		call := d.calls[len(d.calls)-1]
		d.calls = d.calls[:len(d.calls)-1]
		call()
	}
}

// maxAlloc is the largest allocation Go's runtime makes (on 64-bit
// platforms; runtime.maxAlloc).
const maxAlloc = 1 << 48

// makeCap checks the length n and capacity m (integers of any type) of
// make([]E, n, m) as Go's makeslice does, for elements of size bytes, and
// returns m as an int.
func makeCap(n, m any, size int64) int {
	inRange := func(v any) (int64, bool) {
		r := reflect.ValueOf(v)
		var x int64
		switch {
		case r.CanInt():
			x = r.Int()
		case r.CanUint():
			if r.Uint() > math.MaxInt64 {
				return 0, false
			}
			x = int64(r.Uint())
		}
		if x < 0 || size > 0 && x > maxAlloc/size {
			return x, false
		}
		return x, true
	}
	l, lok := inRange(n)
	c, cok := inRange(m)
	if !cok || !lok || l > c {
		if !lok {
			panic(runtimeError("makeslice: len out of range"))
		}
		panic(runtimeError("makeslice: cap out of range"))
	}
	checkHeadroom(c * size)
	return int(c)
}

// bigAllocation is the size from which an interpreted make checks the
// memory limit's headroom first.
const bigAllocation = 64 << 20

// checkHeadroom panics with a memoryLimitPanic when an allocation of n
// bytes would take the live heap past the memory limit the worker set
// (debug.SetMemoryLimit): such an allocation fails before it is made,
// and the cell ends with the memory error, its session kept, where the
// worker's rlimits would otherwise end the process.
func checkHeadroom(n int64) {
	if n < bigAllocation {
		return
	}
	limit := debug.SetMemoryLimit(-1)
	if limit == math.MaxInt64 {
		return
	}
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	if used := int64(live[0].Value.Uint64()); n > limit-used {
		panic(memoryLimitPanic{bytes: n, limit: limit, live: used})
	}
}

// memoryLimitPanic is the panic of an interpreted allocation that would
// pass the memory limit (checkHeadroom).
type memoryLimitPanic struct{ bytes, limit, live int64 }

func (p memoryLimitPanic) Error() string {
	return fmt.Sprintf("memory limit exceeded: make of %s would take the heap (%s live) past the memory limit of %s; nothing was allocated",
		engine.FormatBytes(p.bytes), engine.FormatBytes(p.live), engine.FormatBytes(p.limit))
}

func (e runtimeError) Error() string { return "runtime error: " + string(e) }

// RuntimeError marks it a runtime.Error.
func (e runtimeError) RuntimeError() {}

// goCell is the runtime's Go: the body of a go statement of a cell, run in
// the new goroutine; its panic is recorded for the cell instead of ending
// the process (t is what GoStart gave).
func (s *Session) goCell(t any, f func()) {
	defer s.cellGoroutine()() // deadlock.go
	tr := t.(*goTracker)
	defer func() {
		r := recover()
		if r != nil && tr.cellRunning() {
			// as in a Go program, the panic ends the cell
			s.outMu.Lock()
			ev := s.eval
			s.outMu.Unlock()
			if ev != nil {
				defer ev.cancel(errGoPanic)
			}
		}
		tr.done(r)
	}()
	f()
}
