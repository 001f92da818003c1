package kernel

import (
	"context"
	"encoding/json"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// freePorts returns n distinct free TCP ports on 127.0.0.1.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	var ls []net.Listener
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// TestZMQEndToEnd runs the kernel on real zmq4 sockets, over tcp on
// free ports and over ipc, and talks to it with zmq4 DEALER, SUB and REQ
// sockets.
func TestZMQEndToEnd(t *testing.T) {
	p := freePorts(t, 5)
	t.Run("tcp", func(t *testing.T) {
		zmqEndToEnd(t, &ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", ShellPort: p[0], IOPubPort: p[1], StdinPort: p[2], ControlPort: p[3], HBPort: p[4], Key: testKey, SignatureScheme: "hmac-sha256"})
	})
	t.Run("ipc", func(t *testing.T) {
		zmqEndToEnd(t, &ConnectionInfo{Transport: "ipc", IP: filepath.Join(t.TempDir(), "kernel"), ShellPort: 1, IOPubPort: 2, StdinPort: 3, ControlPort: 4, HBPort: 5, Key: testKey, SignatureScheme: "hmac-sha256"})
	})
}

func zmqEndToEnd(t *testing.T, conn *ConnectionInfo) {
	p := []int{conn.ShellPort, conn.IOPubPort, conn.StdinPort, conn.ControlPort, conn.HBPort}
	tr, err := ListenZMQ(conn)
	if err != nil {
		t.Fatal(err)
	}
	eng := newFakeEngine()
	k := New(Options{Engine: eng, Transport: tr, Key: []byte(testKey)})
	done := make(chan error, 1)
	go func() { done <- k.Run(context.Background()) }()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	shell := zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("client-a")))
	defer shell.Close()
	sub := zmq4.NewSub(ctx)
	defer sub.Close()
	hb := zmq4.NewReq(ctx)
	defer hb.Close()
	for _, d := range []struct {
		s    zmq4.Socket
		port int
	}{{shell, p[0]}, {sub, p[1]}, {hb, p[4]}} {
		if err := d.s.Dial(conn.Endpoint(d.port)); err != nil {
			t.Fatal(err)
		}
	}
	if err := sub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}

	if err := hb.Send(zmq4.NewMsg([]byte("ping"))); err != nil {
		t.Fatal(err)
	}
	if m, err := hb.Recv(); err != nil || string(m.Frames[0]) != "ping" {
		t.Fatalf("heartbeat: %v %q", err, m.Frames)
	}

	codec := NewCodec([]byte(testKey))
	request := func(msgType string, content any) string {
		id := newID()
		hd, _ := json.Marshal(Header{MsgID: id, Session: "c", Username: "u", Date: isoDate(time.Now()), MsgType: msgType, Version: "5.4"})
		body, _ := json.Marshal(content)
		if err := shell.Send(zmq4.NewMsgFrom(codec.Encode(nil, hd, []byte("{}"), []byte("{}"), body, nil)...)); err != nil {
			t.Fatal(err)
		}
		return id
	}
	// Resend kernel_info until iopub delivers something, as clients do
	// (the PUB socket drops messages before the subscription arrives).
	iopub := make(chan *Message, 100)
	go func() {
		for {
			m, err := sub.Recv()
			if err != nil {
				return
			}
			if msg, err := codec.Decode(m.Frames); err == nil {
				iopub <- msg
			}
		}
	}()
	replies := make(chan *Message, 100)
	go func() {
		for {
			m, err := shell.Recv()
			if err != nil {
				return
			}
			msg, err := codec.Decode(m.Frames)
			if err != nil {
				t.Errorf("undecodable reply: %v", err)
				return
			}
			replies <- msg
		}
	}()
	deadline := time.After(waitLimit)
	for ready := false; !ready; {
		request("kernel_info_request", map[string]any{})
		select {
		case <-iopub:
			ready = true
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
			t.Fatal("no iopub message")
		}
	}
	for drained := false; !drained; {
		select {
		case <-replies:
		case <-iopub:
		case <-time.After(300 * time.Millisecond):
			drained = true
		}
	}

	id := request("execute_request", execContent("lines:10000;value:ok"))
	select {
	case r := <-replies:
		var c map[string]any
		json.Unmarshal(r.Content, &c)
		if r.Header.MsgType != "execute_reply" || c["status"] != "ok" {
			t.Fatalf("reply %s %v", r.Header.MsgType, c)
		}
	case <-time.After(waitLimit):
		t.Fatal("no execute_reply")
	}
	var got []string
	lines := 0
	for {
		select {
		case m := <-iopub:
			var ph Header
			json.Unmarshal(m.ParentHeader, &ph)
			if ph.MsgID != id {
				continue
			}
			var c map[string]any
			json.Unmarshal(m.Content, &c)
			got = append(got, m.Header.MsgType)
			if m.Header.MsgType == "stream" {
				for _, ch := range c["text"].(string) {
					if ch == '\n' {
						lines++
					}
				}
			}
			if m.Header.MsgType == "status" && c["execution_state"] == "idle" {
				if lines != 10000 {
					t.Errorf("%d lines arrived, want 10000 (%v)", lines, got)
				}
				cancel()
				k.Shutdown()
				select {
				case <-done:
				case <-time.After(waitLimit):
					t.Fatal("kernel did not stop")
				}
				return
			}
		case <-time.After(waitLimit):
			t.Fatalf("no idle; got %v", got)
		}
	}
}
