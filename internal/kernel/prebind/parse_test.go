package prebind

import "testing"

func TestConnectionFile(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
		ok   bool
	}{
		{[]string{"gomx", "kernel", "/run/c.json"}, "/run/c.json", true},
		{[]string{"gomx", "kernel", "--debug", "c.json"}, "c.json", true},
		{[]string{"gomx", "kernel", "-debug=true", "c.json"}, "c.json", true},
		{[]string{"gomx", "kernel", "--memory-limit", "2GiB", "c.json"}, "c.json", true},
		{[]string{"gomx", "kernel", "--memory-limit=50%", "--debug", "c.json"}, "c.json", true},
		{[]string{"gomx", "kernel", "--", "-odd.json"}, "-odd.json", true},
		{[]string{"gomx", "kernel"}, "", false},
		{[]string{"gomx", "kernel", "a.json", "b.json"}, "", false},
		{[]string{"gomx", "kernel", "--memory-limit"}, "", false},
		{[]string{"gomx", "kernel", "--unknown", "c.json"}, "", false},
		{[]string{"gomx", "run", "nb.ipynb"}, "", false},
		{[]string{"gomx"}, "", false},
	} {
		got, ok := connectionFile(c.args)
		if got != c.want || ok != c.ok {
			t.Errorf("connectionFile(%q) = %q, %v; want %q, %v", c.args, got, ok, c.want, c.ok)
		}
	}
}

func TestSplitArgs(t *testing.T) {
	got := splitArgs([]byte("gomx\x00kernel\x00/tmp/a b.json\x00"))
	want := []string{"gomx", "kernel", "/tmp/a b.json"}
	if len(got) != len(want) {
		t.Fatalf("splitArgs = %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("splitArgs[%d] = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestParseIPv4(t *testing.T) {
	for _, c := range []struct {
		in   string
		want [4]byte
		ok   bool
	}{
		{"127.0.0.1", [4]byte{127, 0, 0, 1}, true},
		{"0.0.0.0", [4]byte{}, true},
		{"255.255.255.255", [4]byte{255, 255, 255, 255}, true},
		{"10.1.2", [4]byte{}, false},
		{"1.2.3.4.5", [4]byte{}, false},
		{"256.0.0.1", [4]byte{}, false},
		{"01.2.3.4", [4]byte{}, false},
		{"1..3.4", [4]byte{}, false},
		{"::1", [4]byte{}, false},
		{"localhost", [4]byte{}, false},
		{"", [4]byte{}, false},
	} {
		got, ok := parseIPv4(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("parseIPv4(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// jupyterFile is a connection file as jupyter_client writes it.
const jupyterFile = `{
  "shell_port": 50101,
  "iopub_port": 50102,
  "stdin_port": 50103,
  "control_port": 50104,
  "hb_port": 50105,
  "ip": "127.0.0.1",
  "key": "a0436f6c-1916-498b-8eb9-e81ab9368e84",
  "transport": "tcp",
  "signature_scheme": "hmac-sha256",
  "kernel_name": "gomx"
}`

func TestParse(t *testing.T) {
	ports := [5]int{50101, 50102, 50103, 50104, 50105}
	for _, c := range []struct {
		name, in string
		want     conn
		ok       bool
	}{
		{"jupyter_client", jupyterFile, conn{"tcp", "127.0.0.1", ports}, true},
		{"compact, no transport", `{"hb_port":50105,"control_port":50104,"stdin_port":50103,"iopub_port":50102,"shell_port":50101,"ip":"0.0.0.0"}`, conn{"tcp", "0.0.0.0", ports}, true},
		{"ipc", `{"transport":"ipc","ip":"kernel","shell_port":50101,"iopub_port":50102,"stdin_port":50103,"control_port":50104,"hb_port":50105}`, conn{"ipc", "kernel", ports}, true},
		{"other members of every kind", `{"shell_port":50101,"x":{"a":[1,{"b":"}"}]},"y":[],"z":null,"w":true,"v":-1.5e3,"s":"a\"b\\","iopub_port":50102,"stdin_port":50103,"control_port":50104,"hb_port":50105,"ip":"127.0.0.1"}`, conn{"tcp", "127.0.0.1", ports}, true},
		{"missing port", `{"shell_port":50101,"iopub_port":50102,"stdin_port":50103,"control_port":50104,"ip":"127.0.0.1"}`, conn{}, false},
		{"port zero", `{"shell_port":0,"iopub_port":50102,"stdin_port":50103,"control_port":50104,"hb_port":50105}`, conn{}, false},
		{"port too large", `{"shell_port":70000,"iopub_port":50102,"stdin_port":50103,"control_port":50104,"hb_port":50105}`, conn{}, false},
		{"port as string", `{"shell_port":"50101","iopub_port":50102,"stdin_port":50103,"control_port":50104,"hb_port":50105}`, conn{}, false},
		{"fractional port", `{"shell_port":50101.5,"iopub_port":50102,"stdin_port":50103,"control_port":50104,"hb_port":50105}`, conn{}, false},
		{"escaped ip", `{"ip":"127.0.0.\u0031","shell_port":50101,"iopub_port":50102,"stdin_port":50103,"control_port":50104,"hb_port":50105}`, conn{}, false},
		{"trailing garbage", jupyterFile + "x", conn{}, false},
		{"truncated", jupyterFile[:40], conn{}, false},
		{"not an object", `[1,2]`, conn{}, false},
		{"empty", ``, conn{}, false},
	} {
		got, ok := parse([]byte(c.in))
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("%s: parse = %+v, %v; want %+v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}
