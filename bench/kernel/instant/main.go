// Command instant is a fake Jupyter kernel for bench/kernel: it answers
// every shell request at once — busy, execute_input, a reply and idle —
// over the gomx kernel's transport and wire codec, without an engine. The
// round trip a client measures against it is the part of an execute that
// belongs to the client and the transport, the floor under any kernel
// measured with the same client.
//
//	instant CONNECTION_FILE
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/gomx-dev/gomx/internal/kernel"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: instant CONNECTION_FILE")
		os.Exit(2)
	}
	c, err := kernel.ReadConnectionFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "instant:", err)
		os.Exit(1)
	}
	tr, err := kernel.ListenZMQ(c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "instant:", err)
		os.Exit(1)
	}
	codec := kernel.NewCodec([]byte(c.Key))
	n := 0
	header := func(msgType string) []byte {
		n++
		return fmt.Appendf(nil, `{"msg_id":"instant-%d","msg_type":%q,"session":"instant","username":"instant","date":%q,"version":%q}`,
			n, msgType, time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"), kernel.ProtocolVersion)
	}
	for {
		frames, err := tr.Recv(kernel.Shell)
		if err != nil {
			return
		}
		msg, err := codec.Decode(frames)
		if err != nil {
			continue
		}
		publish := func(msgType, content string) {
			tr.Send(kernel.IOPub, codec.Encode([][]byte{[]byte("kernel.instant." + msgType)}, header(msgType), msg.RawHeader, []byte("{}"), []byte(content), nil))
		}
		reply := "kernel_info_reply"
		content := `{"status":"ok","protocol_version":"5.4","implementation":"instant","implementation_version":"0","language_info":{"name":"go"},"banner":"","help_links":[]}`
		if msg.Header.MsgType == "execute_request" {
			reply = "execute_reply"
			content = `{"status":"ok","execution_count":1,"user_expressions":{},"payload":[]}`
		}
		publish("status", `{"execution_state":"busy"}`)
		if msg.Header.MsgType == "execute_request" {
			publish("execute_input", `{"code":"","execution_count":1}`)
		}
		tr.Send(kernel.Shell, codec.Encode(msg.Identities, header(reply), msg.RawHeader, []byte("{}"), []byte(content), nil))
		publish("status", `{"execution_state":"idle"}`)
	}
}
