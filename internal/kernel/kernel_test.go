package kernel

import (
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/engine"
)

func TestKernelInfoOnShellAndControl(t *testing.T) {
	h := newHarness(t)
	for _, ch := range []Channel{Shell, Control} {
		reply, io := h.roundTrip(ch, "kernel_info_request", map[string]any{})
		if len(io) != 0 {
			t.Errorf("%s: unexpected iopub output %v", ch, types(io))
		}
		if reply.Header.MsgType != "kernel_info_reply" {
			t.Fatalf("%s: got %s", ch, reply.Header.MsgType)
		}
		if string(reply.Idents[0]) != "c1" {
			t.Errorf("%s: reply identity %q", ch, reply.Idents)
		}
		c := reply.Content
		li, _ := c["language_info"].(map[string]any)
		if c["status"] != "ok" || c["protocol_version"] != "5.4" || c["implementation"] != "gomx" || li["name"] != "go" ||
			li["file_extension"] != ".go" || li["mimetype"] != "text/x-go" || li["codemirror_mode"] != "go" || li["pygments_lexer"] != "go" {
			t.Errorf("%s: kernel_info_reply %v", ch, c)
		}
		hd := reply.Header
		if hd.Session != h.k.sess.id || hd.Version != "5.4" || hd.MsgID == "" || hd.Username == "" {
			t.Errorf("%s: header %+v", ch, hd)
		}
		if _, err := time.Parse(time.RFC3339Nano, hd.Date); err != nil || !strings.HasSuffix(hd.Date, "Z") {
			t.Errorf("%s: date %q is not ISO 8601 UTC: %v", ch, hd.Date, err)
		}
	}
}

func TestExecuteSequence(t *testing.T) {
	h := newHarness(t)
	reply, io := h.roundTrip(Shell, "execute_request", execContent("print:hello, ;print:world\n;value:42"))
	if got, want := types(io), []string{"execute_input", "stream", "execute_result"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("iopub %v, want %v", got, want)
	}
	if io[0].Content["code"] != "print:hello, ;print:world\n;value:42" || io[0].Content["execution_count"] != 1.0 {
		t.Errorf("execute_input %v", io[0].Content)
	}
	if io[1].Content["name"] != "stdout" || io[1].Content["text"] != "hello, world\n" {
		t.Errorf("stream %v", io[1].Content)
	}
	data := io[2].Content["data"].(map[string]any)
	if data["text/plain"] != "42" || io[2].Content["execution_count"] != 1.0 {
		t.Errorf("execute_result %v", io[2].Content)
	}
	c := reply.Content
	if c["status"] != "ok" || c["execution_count"] != 1.0 || len(c["payload"].([]any)) != 0 {
		t.Errorf("reply %v", c)
	}
}

func TestExecutionCountRules(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name         string
		silent       any
		storeHistory any
		wantCount    float64
		wantIO       []string
	}{
		{"stored", false, true, 1, []string{"execute_input", "stream", "execute_result"}},
		{"not stored", false, false, 1, []string{"execute_input", "stream", "execute_result"}},
		{"silent", true, nil, 1, nil},
		{"silent store_history ignored", true, true, 1, nil},
		{"defaults", nil, nil, 2, []string{"execute_input", "stream", "execute_result"}},
	}
	for _, tc := range tests {
		c := map[string]any{"code": "print:x;value:1"}
		if tc.silent != nil {
			c["silent"] = tc.silent
		}
		if tc.storeHistory != nil {
			c["store_history"] = tc.storeHistory
		}
		reply, io := h.roundTrip(Shell, "execute_request", c)
		if reply.Content["execution_count"] != tc.wantCount {
			t.Errorf("%s: execution_count %v, want %v", tc.name, reply.Content["execution_count"], tc.wantCount)
		}
		if !reflect.DeepEqual(types(io), tc.wantIO) {
			t.Errorf("%s: iopub %v, want %v", tc.name, types(io), tc.wantIO)
		}
		if len(io) > 0 && io[0].Content["execution_count"] != tc.wantCount {
			t.Errorf("%s: execute_input count %v", tc.name, io[0].Content["execution_count"])
		}
	}
}

func TestExecuteError(t *testing.T) {
	h := newHarness(t)
	reply, io := h.roundTrip(Shell, "execute_request", execContent("error:boom"))
	if got := types(io); !reflect.DeepEqual(got, []string{"execute_input", "error"}) {
		t.Fatalf("iopub %v", got)
	}
	e := io[1].Content
	if e["ename"] != "panic" || e["evalue"] != "boom" || !reflect.DeepEqual(e["traceback"], []any{"\x1b[1;31mpanic: boom\x1b[0m"}) {
		t.Errorf("error %v", e)
	}
	c := reply.Content
	if c["status"] != "error" || c["ename"] != "panic" || c["evalue"] != "boom" || c["execution_count"] != 1.0 {
		t.Errorf("reply %v", c)
	}
}

func TestStopOnErrorAbortsQueuedThenStops(t *testing.T) {
	h := newHarness(t)
	first := h.send(Shell, "execute_request", execContent("gate;error:boom"))
	queued := []string{
		h.send(Shell, "execute_request", execContent("print:never")),
		h.send(Shell, "kernel_info_request", map[string]any{}),
		h.send(Shell, "execute_request", execContent("print:never")),
	}
	time.Sleep(50 * time.Millisecond) // let the reader queue them behind the gate
	h.eng.gate <- struct{}{}
	if r := h.recv(Shell); r.Parent.MsgID != first || r.Content["status"] != "error" {
		t.Fatalf("first reply %v", r.Content)
	}
	h.iopubUntilIdle(first)
	wantStatus := []string{"aborted", "", "aborted"}
	for i, id := range queued {
		r := h.recv(Shell)
		if r.Parent.MsgID != id {
			t.Fatalf("reply %d parent %s, want %s", i, r.Parent.MsgID, id)
		}
		if wantStatus[i] == "" {
			if r.Header.MsgType != "kernel_info_reply" || r.Content["status"] != "ok" {
				t.Errorf("queued kernel_info: %s %v", r.Header.MsgType, r.Content)
			}
		} else if r.Content["status"] != "aborted" || r.Content["execution_count"] != 1.0 {
			t.Errorf("queued execute %d: %v", i, r.Content)
		}
		if io := h.iopubUntilIdle(id); len(io) != 0 {
			t.Errorf("queued %d: iopub %v", i, types(io))
		}
	}
	if n := h.eng.executes.Load(); n != 1 {
		t.Errorf("%d cells ran, want 1", n)
	}
	reply, _ := h.roundTrip(Shell, "execute_request", execContent("print:after"))
	if reply.Content["status"] != "ok" || reply.Content["execution_count"] != 2.0 {
		t.Errorf("execute after the aborted queue: %v", reply.Content)
	}
}

func TestStopOnErrorFalseRunsQueue(t *testing.T) {
	h := newHarness(t)
	c := execContent("gate;error:boom")
	c["stop_on_error"] = false
	first := h.send(Shell, "execute_request", c)
	next := h.send(Shell, "execute_request", execContent("print:runs"))
	time.Sleep(50 * time.Millisecond)
	h.eng.gate <- struct{}{}
	h.recv(Shell)
	h.iopubUntilIdle(first)
	if r := h.recv(Shell); r.Parent.MsgID != next || r.Content["status"] != "ok" {
		t.Errorf("second cell: %v", r.Content)
	}
}

func TestInterruptRunningCell(t *testing.T) {
	h := newHarness(t)
	id := h.send(Shell, "execute_request", execContent("print:before\n;block"))
	busy := h.recv(IOPub)
	if busy.Parent.MsgID != id {
		t.Fatal("no busy")
	}
	if m := h.recv(IOPub); m.Header.MsgType != "execute_input" {
		t.Fatalf("got %s", m.Header.MsgType)
	}
	// The stream timer sends "before" while the cell still runs.
	if m := h.recv(IOPub); m.Header.MsgType != "stream" || m.Content["text"] != "before\n" {
		t.Fatalf("stream %v", m.Content)
	}
	iid := h.send(Control, "interrupt_request", map[string]any{})
	if reply := h.recv(Control); reply.Header.MsgType != "interrupt_reply" || reply.Content["status"] != "ok" || reply.Parent.MsgID != iid {
		t.Fatalf("interrupt reply %v", reply.Content)
	}
	r := h.recv(Shell)
	if r.Content["status"] != "error" || r.Content["ename"] != "Interrupted" {
		t.Errorf("execute reply %v", r.Content)
	}
	// The two requests' iopub messages interleave; each is in order.
	byParent := map[string][]string{}
	for idle := 0; idle < 2; {
		m := h.recv(IOPub)
		s := m.Header.MsgType
		if s == "status" {
			s = m.Content["execution_state"].(string)
			if s == "idle" {
				idle++
			}
		}
		byParent[m.Parent.MsgID] = append(byParent[m.Parent.MsgID], s)
	}
	if want := []string{"busy", "idle"}; !reflect.DeepEqual(byParent[iid], want) {
		t.Errorf("interrupt iopub %v, want %v", byParent[iid], want)
	}
	if want := []string{"error", "idle"}; !reflect.DeepEqual(byParent[id], want) {
		t.Errorf("execute iopub %v, want %v", byParent[id], want)
	}
	// The session goes on.
	if reply, _ := h.roundTrip(Shell, "execute_request", execContent("value:1")); reply.Content["status"] != "ok" {
		t.Errorf("after interrupt: %v", reply.Content)
	}
}

func TestInterruptIdleIsNoop(t *testing.T) {
	h := newHarness(t)
	reply, io := h.roundTrip(Control, "interrupt_request", map[string]any{})
	if reply.Content["status"] != "ok" || len(io) != 0 {
		t.Fatalf("reply %v iopub %v", reply.Content, types(io))
	}
	if n := h.eng.interrupts.Load(); n != 0 {
		t.Errorf("engine interrupted %d times while idle", n)
	}
}

func TestStreamBatching(t *testing.T) {
	h := newHarness(t)
	const n = 10000
	_, io := h.roundTrip(Shell, "execute_request", execContent("lines:10000"))
	var b strings.Builder
	streams := 0
	for _, m := range io {
		if m.Header.MsgType == "stream" {
			streams++
			b.WriteString(m.Content["text"].(string))
		}
	}
	var want strings.Builder
	for i := range n {
		want.WriteString("line " + strconv.Itoa(i) + "\n")
	}
	if b.String() != want.String() {
		t.Errorf("stream text differs: got %d bytes, want %d", b.Len(), want.Len())
	}
	if streams > 10 {
		t.Errorf("%d stream messages for %d lines, want at most 10", streams, n)
	}
}

func TestStreamOrderAcrossNamesAndDisplays(t *testing.T) {
	h := newHarness(t)
	_, io := h.roundTrip(Shell, "execute_request", execContent("print:a;stderr:b;print:c;html:<b>hi</b>;print:d;clearwait;show:d1:v1;update:d1:v2;json:{\"x\":1};clear"))
	want := []string{"execute_input", "stream", "stream", "stream", "display_data", "stream", "clear_output", "display_data", "update_display_data", "display_data", "clear_output"}
	if got := types(io); !reflect.DeepEqual(got, want) {
		t.Fatalf("iopub %v, want %v", got, want)
	}
	texts := []string{io[1].Content["name"].(string) + io[1].Content["text"].(string), io[2].Content["name"].(string) + io[2].Content["text"].(string), io[3].Content["name"].(string) + io[3].Content["text"].(string)}
	if !reflect.DeepEqual(texts, []string{"stdouta", "stderrb", "stdoutc"}) {
		t.Errorf("streams %v", texts)
	}
	html := io[4].Content
	if html["data"].(map[string]any)["text/html"] != "<b>hi</b>" || html["metadata"] == nil || len(html["transient"].(map[string]any)) != 0 {
		t.Errorf("display_data %v", html)
	}
	if io[6].Content["wait"] != true || io[10].Content["wait"] != false {
		t.Errorf("clear_output %v %v", io[6].Content, io[10].Content)
	}
	for i, want := range map[int]string{7: "v1", 8: "v2"} {
		c := io[i].Content
		if c["transient"].(map[string]any)["display_id"] != "d1" || c["data"].(map[string]any)["text/plain"] != want {
			t.Errorf("display %d: %v", i, c)
		}
	}
	if js := io[9].Content["data"].(map[string]any)["application/json"]; !reflect.DeepEqual(js, map[string]any{"x": 1.0}) {
		t.Errorf("application/json is %#v, want the JSON value", js)
	}
}

func TestPagerPayload(t *testing.T) {
	h := newHarness(t)
	reply, _ := h.roundTrip(Shell, "execute_request", execContent("help:func Println"))
	p := reply.Content["payload"].([]any)
	if len(p) != 1 {
		t.Fatalf("payload %v", p)
	}
	pg := p[0].(map[string]any)
	if pg["source"] != "page" || pg["data"].(map[string]any)["text/plain"] != "func Println" {
		t.Errorf("page %v", pg)
	}
}

func TestUserExpressions(t *testing.T) {
	h := newHarness(t)
	c := execContent("print:x")
	c["user_expressions"] = map[string]any{"good": "value:7", "bad": "error:nope"}
	reply, _ := h.roundTrip(Shell, "execute_request", c)
	ue := reply.Content["user_expressions"].(map[string]any)
	good := ue["good"].(map[string]any)
	if good["status"] != "ok" || good["data"].(map[string]any)["text/plain"] != "7" {
		t.Errorf("good %v", good)
	}
	bad := ue["bad"].(map[string]any)
	if bad["status"] != "error" || bad["evalue"] != "nope" {
		t.Errorf("bad %v", bad)
	}
	if reply.Content["execution_count"] != 1.0 {
		t.Errorf("user expressions changed the count: %v", reply.Content["execution_count"])
	}
}

func TestStdinRoundTrip(t *testing.T) {
	h := newHarness(t)
	c := execContent("print:ask\n;input:name? ")
	c["allow_stdin"] = true
	id := h.send(Shell, "execute_request", c)
	req := h.recv(Stdin)
	if req.Header.MsgType != "input_request" || req.Content["prompt"] != "name? " || req.Content["password"] != false ||
		req.Parent.MsgID != id || string(req.Idents[0]) != "c1" {
		t.Fatalf("input_request %+v %v idents %q", req.Header, req.Content, req.Idents)
	}
	f, _ := h.frames("c1", "input_reply", map[string]any{"value": "gopher"})
	h.tr.in[Stdin] <- f
	if r := h.recv(Shell); r.Content["status"] != "ok" {
		t.Fatalf("reply %v", r.Content)
	}
	io := h.iopubUntilIdle(id)
	var text string
	for _, m := range io {
		if m.Header.MsgType == "stream" {
			text += m.Content["text"].(string)
		}
	}
	if text != "ask\ngot gopher" {
		t.Errorf("output %q", text)
	}
}

// TestStdinPromptFromStdout: fmt.Print("Your name: ") then fmt.Scanln:
// the unterminated line is the input_request's prompt, not stream text,
// and the lines printed before it are on iopub before the request.
func TestStdinPromptFromStdout(t *testing.T) {
	h := newHarness(t)
	c := execContent("print:Hello\nYour name: ;input:")
	c["allow_stdin"] = true
	id := h.send(Shell, "execute_request", c)
	req := h.recv(Stdin)
	if req.Header.MsgType != "input_request" || req.Content["prompt"] != "Your name: " {
		t.Fatalf("input_request %v", req.Content)
	}
	// before the answer: iopub already has busy, execute_input and the
	// stream of the first line
	var before []string
	for len(before) < 3 {
		m := h.recv(IOPub)
		before = append(before, m.Header.MsgType)
		if m.Header.MsgType == "stream" && m.Content["text"] != "Hello\n" {
			t.Errorf("stream before the prompt %q", m.Content["text"])
		}
	}
	if before[2] != "stream" {
		t.Fatalf("iopub before the input_request: %v", before)
	}
	f, _ := h.frames("c1", "input_reply", map[string]any{"value": "gopher"})
	h.tr.in[Stdin] <- f
	if r := h.recv(Shell); r.Content["status"] != "ok" || r.Parent.MsgID != id {
		t.Fatalf("reply %v", r.Content)
	}
	for {
		m := h.recv(IOPub)
		if m.Header.MsgType == "stream" && m.Content["text"] != "got gopher" {
			t.Errorf("stream after the answer %q", m.Content["text"])
		}
		if m.Header.MsgType == "status" {
			break
		}
	}
}

func TestStdinNotAllowed(t *testing.T) {
	h := newHarness(t)
	reply, _ := h.roundTrip(Shell, "execute_request", execContent("input:x"))
	if reply.Content["status"] != "error" || !strings.Contains(reply.Content["evalue"].(string), "allow_stdin") {
		t.Errorf("reply %v", reply.Content)
	}
	h.none(Stdin, 50*time.Millisecond)
}

func TestInputInterrupted(t *testing.T) {
	h := newHarness(t)
	c := execContent("input:x")
	c["allow_stdin"] = true
	h.send(Shell, "execute_request", c)
	h.recv(Stdin)
	h.send(Control, "interrupt_request", map[string]any{})
	if r := h.recv(Control); r.Content["status"] != "ok" {
		t.Fatal(r.Content)
	}
	if r := h.recv(Shell); r.Content["status"] != "error" || !strings.Contains(r.Content["evalue"].(string), "interrupted") {
		t.Errorf("reply %v", r.Content)
	}
}

func TestCompleteInspectIsComplete(t *testing.T) {
	h := newHarness(t)
	reply, _ := h.roundTrip(Shell, "complete_request", map[string]any{"code": "fmt.Prin", "cursor_pos": 8})
	c := reply.Content
	if c["status"] != "ok" || !reflect.DeepEqual(c["matches"], []any{"Println", "Printf"}) || c["cursor_start"] != 4.0 || c["cursor_end"] != 8.0 || c["metadata"] == nil {
		t.Errorf("complete_reply %v", c)
	}
	// After an astral character the UTF-16 end-of-code cursor is read as
	// UTF-16 and answered in UTF-16.
	reply, _ = h.roundTrip(Shell, "complete_request", map[string]any{"code": "s := \"😀\"; fmt.Prin", "cursor_pos": 19})
	if got := h.eng.lastCursor.Load(); got != 18 {
		t.Errorf("engine got cursor %d, want 18 code points", got)
	}
	if reply.Content["cursor_end"] != 19.0 || reply.Content["cursor_start"] != 15.0 {
		t.Errorf("UTF-16 reply cursors %v %v", reply.Content["cursor_start"], reply.Content["cursor_end"])
	}

	reply, _ = h.roundTrip(Shell, "inspect_request", map[string]any{"code": "fmt.Println", "cursor_pos": 5, "detail_level": 0})
	if reply.Content["found"] != true || reply.Content["data"].(map[string]any)["text/plain"] == "" {
		t.Errorf("inspect_reply %v", reply.Content)
	}
	reply, _ = h.roundTrip(Shell, "inspect_request", map[string]any{"code": "x", "cursor_pos": 1})
	if reply.Content["found"] != false || reply.Content["status"] != "ok" {
		t.Errorf("inspect_reply not found %v", reply.Content)
	}

	for _, tc := range []struct {
		code, status string
		indent       any
	}{{"x := 1", "complete", nil}, {"func f() {", "incomplete", "    "}, {"x := := 1", "invalid", nil}} {
		reply, _ := h.roundTrip(Shell, "is_complete_request", map[string]any{"code": tc.code})
		indent, has := reply.Content["indent"]
		if reply.Content["status"] != tc.status || (tc.indent == nil) == has || (has && indent != tc.indent) {
			t.Errorf("is_complete %q: %v", tc.code, reply.Content)
		}
	}
}

func TestHistoryOverTheWire(t *testing.T) {
	h := newHarness(t)
	for _, code := range []string{"value:1", "value:2", "print:x"} {
		h.roundTrip(Shell, "execute_request", execContent(code))
	}
	reply, _ := h.roundTrip(Shell, "history_request", map[string]any{"hist_access_type": "tail", "n": 2, "output": true, "raw": true})
	want := []any{[]any{1.0, 2.0, []any{"value:2", "2"}}, []any{1.0, 3.0, []any{"print:x", nil}}}
	if !reflect.DeepEqual(reply.Content["history"], want) {
		t.Errorf("history %v, want %v", reply.Content["history"], want)
	}
}

func TestComms(t *testing.T) {
	h := newHarness(t)
	reply, _ := h.roundTrip(Shell, "comm_info_request", map[string]any{})
	if reply.Content["status"] != "ok" || !reflect.DeepEqual(reply.Content["comms"], map[string]any{}) {
		t.Errorf("comm_info_reply %v", reply.Content)
	}
	id := h.send(Shell, "comm_open", map[string]any{"comm_id": "c-1", "target_name": "nope", "data": map[string]any{}})
	io := h.iopubUntilIdle(id)
	if len(io) != 1 || io[0].Header.MsgType != "comm_close" || io[0].Content["comm_id"] != "c-1" {
		t.Errorf("comm_open of an unknown target: iopub %v", types(io))
	}
	for _, mt := range []string{"comm_msg", "comm_close"} {
		id := h.send(Shell, mt, map[string]any{"comm_id": "c-1", "data": map[string]any{}})
		if io := h.iopubUntilIdle(id); len(io) != 0 {
			t.Errorf("%s: iopub %v", mt, types(io))
		}
	}
	h.none(Shell, 50*time.Millisecond)
}

func TestUnknownMessageType(t *testing.T) {
	h := newHarness(t)
	reply, _ := h.roundTrip(Shell, "frobnicate_request", map[string]any{})
	if reply.Header.MsgType != "frobnicate_reply" || reply.Content["status"] != "error" {
		t.Errorf("reply %s %v", reply.Header.MsgType, reply.Content)
	}
	id := h.send(Control, "debug_request", map[string]any{})
	if r := h.recv(Control); r.Header.MsgType != "debug_reply" || r.Content["status"] != "error" {
		t.Errorf("debug reply %v", r.Content)
	}
	h.iopubUntilIdle(id)
}

func TestShutdown(t *testing.T) {
	for _, restart := range []bool{false, true} {
		h := newHarness(t)
		id := h.send(Control, "shutdown_request", map[string]any{"restart": restart})
		r := h.recv(Control)
		if r.Header.MsgType != "shutdown_reply" || r.Content["status"] != "ok" || r.Content["restart"] != restart {
			t.Errorf("shutdown_reply %v", r.Content)
		}
		io := h.iopubUntilIdle(id)
		if len(io) != 0 {
			t.Errorf("iopub before idle: %v", types(io))
		}
		if m := h.recv(IOPub); m.Header.MsgType != "shutdown_reply" || m.Content["restart"] != restart {
			t.Errorf("iopub after idle: %s %v", m.Header.MsgType, m.Content)
		}
		select {
		case err := <-h.done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
			h.done <- nil
		case <-time.After(waitLimit):
			t.Fatal("Run did not return after shutdown_request")
		}
		if !h.eng.closed.Load() {
			t.Error("engine not closed")
		}
	}
}

func TestShutdownInterruptsRunningCell(t *testing.T) {
	h := newHarness(t)
	h.send(Shell, "execute_request", execContent("block"))
	h.recv(IOPub) // busy
	h.recv(IOPub) // execute_input
	h.send(Control, "shutdown_request", map[string]any{"restart": false})
	if r := h.recv(Control); r.Content["status"] != "ok" {
		t.Fatal(r.Content)
	}
	select {
	case err := <-h.done:
		h.done <- err
	case <-time.After(waitLimit):
		t.Fatal("Run did not return")
	}
	if r := h.recv(Shell); r.Content["ename"] != "Interrupted" {
		t.Errorf("the running cell was not interrupted: %v", r.Content)
	}
}

// TestSecondInterruptReachesEngine: the first interrupt of a cell cancels
// its context; a cell that ignores it (stuck in compiled code) gets the
// engine's Interrupt on the second.
func TestSecondInterruptReachesEngine(t *testing.T) {
	h := newHarness(t)
	id := h.send(Shell, "execute_request", execContent("stuck"))
	h.recv(IOPub) // busy
	h.recv(IOPub) // execute_input
	for i := range 2 {
		h.send(Control, "interrupt_request", map[string]any{})
		if r := h.recv(Control); r.Content["status"] != "ok" {
			t.Fatalf("interrupt %d: %v", i, r.Content)
		}
	}
	r := h.recv(Shell)
	if r.Parent.MsgID != id || r.Content["ename"] != "Interrupted" {
		t.Errorf("reply %v", r.Content)
	}
	if n := h.eng.interrupts.Load(); n != 1 {
		t.Errorf("engine Interrupt called %d times, want 1", n)
	}
}

func TestControlServedWhileCellRuns(t *testing.T) {
	h := newHarness(t)
	id := h.send(Shell, "execute_request", execContent("gate;print:done"))
	h.recv(IOPub) // busy
	h.recv(IOPub) // execute_input
	// kernel_info on control is answered at once; a complete_request on
	// control waits for the engine and is answered on control.
	ki := h.send(Control, "kernel_info_request", map[string]any{})
	if r := h.recv(Control); r.Parent.MsgID != ki || r.Header.MsgType != "kernel_info_reply" {
		t.Fatalf("control reply while the cell runs: %s", r.Header.MsgType)
	}
	cr := h.send(Control, "complete_request", map[string]any{"code": "fmt.Prin", "cursor_pos": 8})
	h.none(Control, 50*time.Millisecond)
	h.eng.gate <- struct{}{}
	if r := h.recv(Shell); r.Parent.MsgID != id {
		t.Fatal("no execute reply")
	}
	if r := h.recv(Control); r.Parent.MsgID != cr || r.Header.MsgType != "complete_reply" {
		t.Fatalf("complete on control: %s", r.Header.MsgType)
	}
}

// TestStopOnErrorSparesRequestsSentAfterTheError: an execute_request sent
// after the client has the error reply runs; only those queued when the
// error happened are aborted (ipykernel's rule). The kernel counted what
// to abort after its reply went out, so a request a fast client sent on
// the reply, before the kernel's write returned, was aborted. The
// transport here sends the next request while the error reply is being
// sent, and waits for the kernel to queue it.
func TestStopOnErrorSparesRequestsSentAfterTheError(t *testing.T) {
	h := newHarness(t)
	var next string
	sent := make(chan struct{}, 1)
	var armed atomic.Bool
	armed.Store(true)
	hook := func(ch Channel) {
		if ch != Shell || !armed.CompareAndSwap(true, false) {
			return
		}
		next = h.send(Shell, "execute_request", execContent("print:runs"))
		time.Sleep(20 * time.Millisecond) // the reader queues it
		sent <- struct{}{}
	}
	h.tr.afterSend.Store(&hook)
	first := h.send(Shell, "execute_request", execContent("error:boom"))
	if r := h.recv(Shell); r.Parent.MsgID != first || r.Content["status"] != "error" {
		t.Fatalf("first reply %v", r.Content)
	}
	<-sent
	h.iopubUntilIdle(first)
	if r := h.recv(Shell); r.Parent.MsgID != next || r.Content["status"] != "ok" {
		t.Fatalf("the request sent on the error reply: %v", r.Content)
	}
	h.iopubUntilIdle(next)
}

func reporting(f *fakeEngine) engine.Controller { return reportingEngine{f} }

// TestExecuteInputWhileEngineWorks: with an engine that reports when it
// has the cell, execute_input goes out then, while the cell runs, after
// busy and before the cell's output; with one that does not, before the
// cell runs.
func TestExecuteInputWhileEngineWorks(t *testing.T) {
	for _, tc := range []struct {
		name string
		wrap func(*fakeEngine) engine.Controller
		code string
	}{
		{"reported", reporting, "started;gate;print:out"},
		{"not reported", nil, "gate;print:out"},
	} {
		h := newHarnessWith(t, tc.wrap)
		id := h.send(Shell, "execute_request", execContent(tc.code))
		if m := h.recv(IOPub); m.Header.MsgType != "status" || m.Content["execution_state"] != "busy" || m.Parent.MsgID != id {
			t.Fatalf("%s: first iopub %s %v, want busy", tc.name, m.Header.MsgType, m.Content)
		}
		// the cell waits at its gate: execute_input must be out already
		in := h.recv(IOPub)
		if in.Header.MsgType != "execute_input" || in.Content["code"] != tc.code || in.Content["execution_count"] != 1.0 {
			t.Fatalf("%s: %s %v while the cell runs, want its execute_input", tc.name, in.Header.MsgType, in.Content)
		}
		h.eng.gate <- struct{}{}
		if r := h.recv(Shell); r.Content["status"] != "ok" {
			t.Fatalf("%s: reply %v", tc.name, r.Content)
		}
		var rest []string
		for m := h.recv(IOPub); m.Header.MsgType != "status"; m = h.recv(IOPub) {
			rest = append(rest, m.Header.MsgType)
		}
		if !reflect.DeepEqual(rest, []string{"stream"}) {
			t.Errorf("%s: after execute_input %v, want one stream then idle", tc.name, rest)
		}
	}
}

// TestExecuteInputBeforeOutput: an engine that reports when it has the
// cell but outputs first (what goroutines of earlier cells left) or never
// reports still gets execute_input before any output, exactly once.
func TestExecuteInputBeforeOutput(t *testing.T) {
	h := newHarnessWith(t, reporting)
	for _, code := range []string{"print:left;started;print:own;value:1", "html:x;started", "clear", "value:2", "error:e"} {
		_, io := h.roundTrip(Shell, "execute_request", execContent(code))
		if len(io) == 0 || io[0].Header.MsgType != "execute_input" || io[0].Content["code"] != code {
			t.Errorf("%q: iopub %v, want execute_input first", code, types(io))
		}
		n := 0
		for _, m := range io {
			if m.Header.MsgType == "execute_input" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%q: %d execute_input messages", code, n)
		}
	}
}

// TestExecuteInputAfterEngineHasCell: with an engine that reports when it
// has the cell, execute_input waits for that report (the kernel sends the
// cell to the worker first).
func TestExecuteInputAfterEngineHasCell(t *testing.T) {
	h := newHarnessWith(t, reporting)
	id := h.send(Shell, "execute_request", execContent("gate;started;print:x"))
	if m := h.recv(IOPub); m.Content["execution_state"] != "busy" || m.Parent.MsgID != id {
		t.Fatalf("first iopub %s %v, want busy", m.Header.MsgType, m.Content)
	}
	h.none(IOPub, 100*time.Millisecond)
	h.eng.gate <- struct{}{}
	h.recv(Shell)
	if got := types(h.iopubUntilIdleAfterBusy(id)); !reflect.DeepEqual(got, []string{"execute_input", "stream"}) {
		t.Errorf("iopub after the gate %v, want execute_input, stream", got)
	}
}
