package kernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ConnectionInfo is the content of a Jupyter connection file.
type ConnectionInfo struct {
	Transport       string `json:"transport"`
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	ControlPort     int    `json:"control_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name"`
}

// ReadConnectionFile reads and checks a connection file.
func ReadConnectionFile(path string) (*ConnectionInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConnectionInfo(data)
}

// ParseConnectionInfo parses and checks the JSON of a connection file.
// Unknown fields are ignored; a missing port, an unknown transport or an
// unsupported signature scheme is an error, as is a registration file (the
// protocol 5.6 handshake, which this kernel does not implement).
func ParseConnectionInfo(data []byte) (*ConnectionInfo, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("connection file: %w", err)
	}
	if _, ok := raw["registration_port"]; ok {
		return nil, errors.New("connection file: this is a registration file (protocol 5.6 handshake); gomx speaks protocol 5.4 and needs a connection file with the five ports")
	}
	var c ConnectionInfo
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("connection file: %w", err)
	}
	if c.Transport == "" {
		c.Transport = "tcp"
	}
	if c.Transport != "tcp" && c.Transport != "ipc" {
		return nil, fmt.Errorf("connection file: unknown transport %q (want tcp or ipc)", c.Transport)
	}
	for _, p := range []struct {
		name string
		port int
	}{{"shell_port", c.ShellPort}, {"iopub_port", c.IOPubPort}, {"stdin_port", c.StdinPort}, {"control_port", c.ControlPort}, {"hb_port", c.HBPort}} {
		if _, ok := raw[p.name]; !ok {
			return nil, fmt.Errorf("connection file: %s is missing", p.name)
		}
		if p.port <= 0 || (c.Transport == "tcp" && p.port > 65535) {
			return nil, fmt.Errorf("connection file: %s = %d is not a valid port", p.name, p.port)
		}
	}
	if c.Key != "" || c.SignatureScheme != "" {
		if c.SignatureScheme == "" {
			c.SignatureScheme = "hmac-sha256"
		}
		if _, err := NewCodecScheme(nil, c.SignatureScheme); err != nil {
			return nil, fmt.Errorf("connection file: %w", err)
		}
	}
	return &c, nil
}

// Warnings are what an operator should know of a connection file that
// works: no key (messages neither signed nor verified), or an address
// that binds every interface.
func (c *ConnectionInfo) Warnings() []string {
	var w []string
	if c.Key == "" {
		w = append(w, "the connection file has no key: messages are neither signed nor verified, and anyone who can reach the ports can run code")
	}
	if c.Transport == "tcp" {
		switch c.IP {
		case "*", "0.0.0.0", "::", "[::]":
			w = append(w, fmt.Sprintf("binding every network interface (ip %q): the kernel is reachable from other machines", c.IP))
		}
	}
	return w
}

// Endpoint returns the ZeroMQ endpoint for port: tcp://ip:port, or for
// the ipc transport ipc://ip-port, as jupyter_client writes them.
func (c *ConnectionInfo) Endpoint(port int) string {
	if c.Transport == "ipc" {
		return fmt.Sprintf("ipc://%s-%d", c.IP, port)
	}
	ip := c.IP
	switch ip {
	case "":
		ip = "127.0.0.1" // as jupyter_client's default
	case "*":
		ip = "0.0.0.0"
	}
	if strings.Contains(ip, ":") && !strings.HasPrefix(ip, "[") {
		ip = "[" + ip + "]"
	}
	return fmt.Sprintf("tcp://%s:%d", ip, port)
}
