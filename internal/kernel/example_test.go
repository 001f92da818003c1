package kernel_test

import (
	"fmt"

	"github.com/gomx-dev/gomx/internal/kernel"
)

func ExampleParseConnectionInfo() {
	c, err := kernel.ParseConnectionInfo([]byte(`{
		"transport": "tcp", "ip": "127.0.0.1", "key": "secret", "signature_scheme": "hmac-sha256",
		"shell_port": 50001, "iopub_port": 50002, "stdin_port": 50003, "control_port": 50004, "hb_port": 50005}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Endpoint(c.ShellPort))
	// Output: tcp://127.0.0.1:50001
}

func ExampleCodec() {
	c := kernel.NewCodec([]byte("secret"))
	frames := c.Encode([][]byte{[]byte("client")},
		[]byte(`{"msg_id":"1","msg_type":"kernel_info_request","session":"s","username":"u","date":"2026-01-01T00:00:00Z","version":"5.4"}`),
		[]byte(`{}`), []byte(`{}`), []byte(`{}`), nil)
	m, err := c.Decode(frames)
	fmt.Println(m.Header.MsgType, string(m.Identities[0]), err)

	frames[len(frames)-1] = []byte(`{"tampered":true}`)
	_, err = kernel.NewCodec([]byte("secret")).Decode(frames)
	fmt.Println(err)
	// Output:
	// kernel_info_request client <nil>
	// invalid signature
}
