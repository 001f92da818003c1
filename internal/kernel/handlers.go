package kernel

import (
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"time"

	"github.com/gomx-dev/gomx/display"
	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/engine/errfmt"
)

// status publishes an execution_state with parent msg.
func (k *Kernel) status(msg *Message, state string) {
	k.publish(msg, "status", map[string]string{"execution_state": state})
}

// handle answers one request, bracketed by busy and idle on iopub, with
// the reply on the channel the request came from.
func (k *Kernel) handle(ch Channel, msg *Message) {
	k.status(msg, "busy")
	shutdown := k.dispatch(ch, msg)
	k.status(msg, "idle")
	if shutdown != nil {
		k.publish(msg, "shutdown_reply", shutdown)
		k.stop()
	}
}

// dispatch answers msg; for a shutdown_request it returns the reply,
// which is also published on iopub once the kernel is idle.
func (k *Kernel) dispatch(ch Channel, msg *Message) (shutdown map[string]any) {
	switch t := msg.Header.MsgType; t {
	case "kernel_info_request":
		k.reply(ch, msg, "kernel_info_reply", k.kernelInfo())
	case "execute_request":
		k.execute(ch, msg)
	case "complete_request":
		k.complete(ch, msg)
	case "inspect_request":
		k.inspect(ch, msg)
	case "is_complete_request":
		var c struct {
			Code string `json:"code"`
		}
		if !k.content(ch, msg, &c) {
			return nil
		}
		st, indent := k.eng.IsComplete(c.Code)
		r := map[string]any{"status": st}
		if st == "incomplete" {
			// four spaces a level, as ipykernel: jupyter console
			// shows a tab it inserts as ^I
			r["indent"] = strings.ReplaceAll(indent, "\t", "    ")
		}
		k.reply(ch, msg, "is_complete_reply", r)
	case "history_request":
		var c historyRequest
		if !k.content(ch, msg, &c) {
			return nil
		}
		k.reply(ch, msg, "history_reply", map[string]any{"status": "ok", "history": queryHistory(k.hist, c)})
	case "comm_info_request":
		k.reply(ch, msg, "comm_info_reply", map[string]any{"status": "ok", "comms": map[string]any{}})
	case "comm_open":
		var c struct {
			CommID     string `json:"comm_id"`
			TargetName string `json:"target_name"`
		}
		if err := json.Unmarshal(msg.Content, &c); err != nil || c.CommID == "" {
			k.log.Printf("comm_open without comm_id: %s", msg.Content)
			return nil
		}
		k.log.Printf("comm_open for unknown target %q: closing comm %s", c.TargetName, c.CommID)
		k.publish(msg, "comm_close", map[string]any{"comm_id": c.CommID, "data": map[string]any{}})
	case "comm_msg", "comm_close":
		k.log.Printf("%s for a comm that is not open: ignored", t)
	case "shutdown_request":
		var c struct {
			Restart bool `json:"restart"`
		}
		if err := json.Unmarshal(msg.Content, &c); err != nil {
			k.log.Printf("shutdown_request: bad content (shutting down anyway): %v", err)
		}
		k.Interrupt()
		r := map[string]any{"status": "ok", "restart": c.Restart}
		k.reply(ch, msg, "shutdown_reply", r)
		return r
	case "interrupt_request":
		sent, err := time.Parse(time.RFC3339Nano, msg.Header.Date)
		if err != nil {
			sent = time.Now()
		}
		k.interrupt(sent)
		k.reply(ch, msg, "interrupt_reply", map[string]any{"status": "ok"})
	case "connect_request":
		k.reply(ch, msg, "connect_reply", map[string]any{"status": "ok"})
	default:
		k.log.Printf("%s: unknown message type %q", ch, t)
		if strings.HasSuffix(t, "_request") {
			k.reply(ch, msg, strings.TrimSuffix(t, "_request")+"_reply",
				errorReply("UnknownMessageType", "gomx does not handle "+t, nil))
		}
	}
	return nil
}

// content decodes a request's content into v; on failure it replies with
// an error and returns false.
func (k *Kernel) content(ch Channel, msg *Message, v any) bool {
	if err := json.Unmarshal(msg.Content, v); err != nil {
		k.log.Printf("%s: bad content: %v", msg.Header.MsgType, err)
		k.reply(ch, msg, strings.TrimSuffix(msg.Header.MsgType, "_request")+"_reply",
			errorReply("BadRequest", "malformed "+msg.Header.MsgType+": "+err.Error(), nil))
		return false
	}
	return true
}

// errorReply is the content of a reply with status error.
func errorReply(ename, evalue string, extra map[string]any) map[string]any {
	r := errfmt.Failed(ename, evalue).Map()
	r["status"] = "error"
	for key, v := range extra {
		r[key] = v
	}
	return r
}

func (k *Kernel) kernelInfo() map[string]any {
	k.infoMu.Lock()
	info := k.info
	k.infoMu.Unlock()
	impl := info.Implementation
	if impl == "" {
		impl = "gomx"
	}
	goVersion := strings.TrimPrefix(info.LanguageVersion, "go")
	if goVersion == "" {
		goVersion = strings.TrimPrefix(runtime.Version(), "go")
	}
	links := []map[string]string{}
	for _, l := range info.HelpLinks {
		links = append(links, map[string]string{"text": l.Text, "url": l.URL})
	}
	r := map[string]any{
		"status":           "ok",
		"protocol_version": ProtocolVersion,
		"implementation":   impl,
		"language_info": map[string]any{
			"name":               "go",
			"version":            goVersion,
			"mimetype":           "text/x-go",
			"file_extension":     ".go",
			"pygments_lexer":     "go",
			"codemirror_mode":    "go",
			"nbconvert_exporter": "script",
		},
		"banner":     info.Banner,
		"help_links": links,
	}
	if info.ImplementationVersion != "" {
		r["implementation_version"] = info.ImplementationVersion
	}
	return r
}

// executeRequest is the content of execute_request. Pointers tell absent
// fields from false ones.
type executeRequest struct {
	Code            string            `json:"code"`
	Silent          bool              `json:"silent"`
	StoreHistory    *bool             `json:"store_history"`
	UserExpressions map[string]string `json:"user_expressions"`
	AllowStdin      bool              `json:"allow_stdin"`
	StopOnError     *bool             `json:"stop_on_error"`
}

func (k *Kernel) execute(ch Channel, msg *Message) {
	var c executeRequest
	if err := json.Unmarshal(msg.Content, &c); err != nil {
		k.log.Printf("execute_request: bad content: %v", err)
		k.reply(ch, msg, "execute_reply", errorReply("BadRequest", "malformed execute_request: "+err.Error(), map[string]any{"execution_count": k.count}))
		return
	}
	store := !c.Silent
	if c.StoreHistory != nil {
		store = *c.StoreHistory && !c.Silent
	}
	stopOnError := c.StopOnError == nil || *c.StopOnError
	if store {
		k.count++
	}
	out := newCellOutput(k, msg, c.Silent, c.AllowStdin)
	if !c.Silent {
		input := map[string]any{"code": c.Code, "execution_count": k.count}
		out.announce = func() { k.publish(msg, "execute_input", input) }
		if _, ok := k.eng.(engine.StartReporter); !ok {
			out.Started()
		}
		// otherwise execute_input goes out once the engine has the cell,
		// while the engine works: the client reads busy meanwhile
	}
	ctx, cancel := context.WithCancel(context.Background())
	k.runMu.Lock()
	k.running = true
	k.cellCtx = ctx
	k.cancel = cancel
	out.interrupted = ctx.Done()
	k.cellSent = time.Time{}
	if sent, err := time.Parse(time.RFC3339Nano, msg.Header.Date); err == nil {
		k.cellSent = sent
		if !k.idleInterrupt.IsZero() && sent.Before(k.idleInterrupt) {
			cancel()
		}
	}
	k.idleInterrupt = time.Time{}
	k.runMu.Unlock()
	res := k.eng.Execute(ctx, c.Code, engine.ExecOptions{Silent: c.Silent, StoreHistory: store, AllowStdin: c.AllowStdin}, out)
	out.Started() // for an engine that does not call it
	k.runMu.Lock()
	k.running = false
	k.runMu.Unlock()
	cancel()

	var output string
	if res.Error == nil && res.Value != nil {
		if !c.Silent {
			out.flush(true)
			k.publish(msg, "execute_result", map[string]any{
				"execution_count": k.count,
				"data":            mimeData(*res.Value),
				"metadata":        mimeMetadata(*res.Value),
			})
		}
		output = res.Value.Text()
	}
	if res.Error != nil && !c.Silent {
		out.flush(true)
		k.publish(msg, "error", errfmt.Jupyter(res.Error, c.Code).Map())
	}
	out.close()
	if store {
		// recorded before the next request is handled: a
		// history_request waits in the same queue
		count := k.count
		k.afterIdle = func() { k.hist.Add(count, c.Code, output) }
	}

	if res.Error != nil {
		r := errfmt.Jupyter(res.Error, c.Code).Map()
		r["status"] = "error"
		r["execution_count"] = k.count
		r["user_expressions"] = map[string]any{}
		r["payload"] = []any{}
		if stopOnError && !c.Silent {
			// what was queued when the cell failed, counted before the
			// reply: a client may send the next request on it before
			// the write returns
			k.abort = len(k.shellQ)
		}
		k.reply(ch, msg, "execute_reply", r)
		return
	}
	payload := []any{}
	if res.Pager != "" {
		payload = append(payload, map[string]any{"source": "page", "data": map[string]any{"text/plain": res.Pager}, "start": 0})
	}
	k.reply(ch, msg, "execute_reply", map[string]any{
		"status":           "ok",
		"execution_count":  k.count,
		"payload":          payload,
		"user_expressions": k.userExpressions(c.UserExpressions),
	})
}

// abortExecute answers an execute_request that was queued behind a
// failed cell with stop_on_error, without running it.
func (k *Kernel) abortExecute(ch Channel, msg *Message) {
	k.status(msg, "busy")
	defer k.status(msg, "idle")
	k.reply(ch, msg, "execute_reply", map[string]any{"status": "aborted", "execution_count": k.count})
}

// userExpressions evaluates each expression after the cell, as
// display-data dicts; a failing one gets an error dict of its own.
func (k *Kernel) userExpressions(exprs map[string]string) map[string]any {
	r := map[string]any{}
	for name, expr := range exprs {
		res := k.eng.Execute(context.Background(), expr, engine.ExecOptions{}, discardOutput{})
		switch {
		case res.Error != nil:
			e := errfmt.Jupyter(res.Error, expr).Map()
			e["status"] = "error"
			r[name] = e
		case res.Value == nil:
			e := errfmt.Failed("NoValue", expr+" has no value").Map()
			e["status"] = "error"
			r[name] = e
		default:
			r[name] = map[string]any{"status": "ok", "data": mimeData(*res.Value), "metadata": mimeMetadata(*res.Value)}
		}
	}
	return r
}

// mimeData converts a bundle's data to Jupyter's mimebundle: JSON types
// carry the JSON value itself, everything else a string.
func mimeData(b display.Bundle) map[string]any {
	d := make(map[string]any, len(b.Data)+1)
	for mime, v := range b.Data {
		if isJSONMime(mime) && json.Valid([]byte(v)) {
			d[mime] = json.RawMessage(v)
			continue
		}
		d[mime] = v
	}
	if _, ok := d[display.MIMEText]; !ok {
		d[display.MIMEText] = ""
	}
	return d
}

func isJSONMime(m string) bool {
	return m == display.MIMEJSON || strings.HasSuffix(m, "+json")
}

func mimeMetadata(b display.Bundle) map[string]any {
	if b.Metadata == nil {
		return map[string]any{}
	}
	return b.Metadata
}

// complete answers complete_request. Cursor positions are code points,
// as the protocol says; a position only a UTF-16 reading explains is
// read as UTF-16 and answered in kind.
func (k *Kernel) complete(ch Channel, msg *Message) {
	var c struct {
		Code      string `json:"code"`
		CursorPos *int   `json:"cursor_pos"`
	}
	if !k.content(ch, msg, &c) {
		return
	}
	cur, utf16 := cursorToRunes(c.Code, c.CursorPos)
	comp := k.eng.Complete(c.Code, cur)
	start, end := comp.CursorStart, comp.CursorEnd
	if utf16 {
		start, end = runesToUTF16(c.Code, start), runesToUTF16(c.Code, end)
	}
	matches := comp.Matches
	if matches == nil {
		matches = []string{}
	}
	md := map[string]any{}
	if len(comp.Types) == len(comp.Matches) && len(comp.Matches) > 0 {
		typed := make([]map[string]any, len(matches))
		for i, m := range matches {
			typed[i] = map[string]any{"start": start, "end": end, "text": m, "type": comp.Types[i]}
		}
		md["_jupyter_types_experimental"] = typed
	}
	k.reply(ch, msg, "complete_reply", map[string]any{
		"status": "ok", "matches": matches, "cursor_start": start, "cursor_end": end, "metadata": md,
	})
}

func (k *Kernel) inspect(ch Channel, msg *Message) {
	var c struct {
		Code        string `json:"code"`
		CursorPos   *int   `json:"cursor_pos"`
		DetailLevel int    `json:"detail_level"`
	}
	if !k.content(ch, msg, &c) {
		return
	}
	cur, _ := cursorToRunes(c.Code, c.CursorPos)
	in := k.eng.Inspect(c.Code, cur, c.DetailLevel)
	data := map[string]any{}
	if in.Found {
		data = mimeData(in.Data)
	}
	k.reply(ch, msg, "inspect_reply", map[string]any{
		"status": "ok", "found": in.Found, "data": data, "metadata": mimeMetadata(in.Data),
	})
}

// discardOutput drops everything a cell outputs and refuses input.
type discardOutput struct{}

func (discardOutput) Display(display.Bundle, string, bool) {}
func (discardOutput) Clear(bool)                           {}
func (discardOutput) Stream(string, string)                {}
func (discardOutput) Input(string, bool) (string, error)   { return "", errNoStdin }
