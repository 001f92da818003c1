package kernel

import (
	"strings"
	"testing"
)

func TestParseConnectionInfo(t *testing.T) {
	const ports = `"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5`
	tests := []struct {
		name, json string
		endpoint   string // Endpoint(9), or "" when an error is wanted
		errPart    string
	}{
		{"tcp", `{"transport":"tcp","ip":"127.0.0.1",` + ports + `,"key":"k","signature_scheme":"hmac-sha256","kernel_name":"gomx"}`, "tcp://127.0.0.1:9", ""},
		{"unknown fields, no kernel_name", `{"transport":"tcp","ip":"127.0.0.1",` + ports + `,"key":"","signature_scheme":"hmac-sha256","extra":[1]}`, "tcp://127.0.0.1:9", ""},
		{"star ip", `{"transport":"tcp","ip":"*",` + ports + `}`, "tcp://0.0.0.0:9", ""},
		{"ipv6", `{"transport":"tcp","ip":"::1",` + ports + `}`, "tcp://[::1]:9", ""},
		{"ipc", `{"transport":"ipc","ip":"/tmp/kernel-x",` + ports + `}`, "ipc:///tmp/kernel-x-9", ""},
		{"missing port", `{"transport":"tcp","ip":"127.0.0.1","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4}`, "", "hb_port is missing"},
		{"bad port", `{"transport":"tcp","ip":"127.0.0.1","shell_port":0,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5}`, "", "shell_port"},
		{"bad transport", `{"transport":"udp","ip":"127.0.0.1",` + ports + `}`, "", "unknown transport"},
		{"md5 scheme", `{"transport":"tcp","ip":"127.0.0.1",` + ports + `,"key":"k","signature_scheme":"hmac-md5"}`, "tcp://127.0.0.1:9", ""},
		{"sha512 scheme", `{"transport":"tcp","ip":"127.0.0.1",` + ports + `,"key":"k","signature_scheme":"HMAC-SHA512"}`, "tcp://127.0.0.1:9", ""},
		{"bad scheme", `{"transport":"tcp","ip":"127.0.0.1",` + ports + `,"key":"k","signature_scheme":"hmac-whirlpool"}`, "", "signature_scheme"},
		{"empty ip is the loopback", `{"transport":"tcp","ip":"",` + ports + `}`, "tcp://127.0.0.1:9", ""},
		{"registration file", `{"transport":"tcp","ip":"127.0.0.1","registration_port":7,"kernel_id":"x","key":"k"}`, "", "registration file"},
		{"not JSON", `{`, "", "connection file"},
	}
	for _, tc := range tests {
		c, err := ParseConnectionInfo([]byte(tc.json))
		if tc.endpoint == "" {
			if err == nil || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.errPart)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := c.Endpoint(9); got != tc.endpoint {
			t.Errorf("%s: endpoint %s, want %s", tc.name, got, tc.endpoint)
		}
	}
}

func TestConnectionWarnings(t *testing.T) {
	const ports = `"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5`
	for _, tc := range []struct {
		json string
		want []string
	}{
		{`{"ip":"127.0.0.1","key":"k",` + ports + `}`, nil},
		{`{"ip":"127.0.0.1",` + ports + `}`, []string{"no key"}},
		{`{"ip":"0.0.0.0","key":"k",` + ports + `}`, []string{"every network interface"}},
		{`{"ip":"*",` + ports + `}`, []string{"no key", "every network interface"}},
	} {
		c, err := ParseConnectionInfo([]byte(tc.json))
		if err != nil {
			t.Fatal(err)
		}
		w := c.Warnings()
		if len(w) != len(tc.want) {
			t.Errorf("%s: warnings %q, want %d", tc.json, w, len(tc.want))
			continue
		}
		for i, part := range tc.want {
			if !strings.Contains(w[i], part) {
				t.Errorf("%s: warning %q, want one containing %q", tc.json, w[i], part)
			}
		}
	}
}
