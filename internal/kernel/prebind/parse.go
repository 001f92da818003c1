package prebind

// maxFile bounds what init reads of the command line and the connection
// file.
const maxFile = 1 << 20

// portKeys are the connection file's five ports.
var portKeys = [...]string{"shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"}

// conn is what init needs from a connection file.
type conn struct {
	transport, ip string
	ports         [len(portKeys)]int
}

// splitArgs splits /proc/self/cmdline (NUL-terminated arguments).
func splitArgs(b []byte) []string {
	var args []string
	start := 0
	for i, c := range b {
		if c == 0 {
			args = append(args, string(b[start:i]))
			start = i + 1
		}
	}
	if start < len(b) {
		args = append(args, string(b[start:]))
	}
	return args
}

// connectionFile returns the connection file of a `gomx kernel [flags]
// FILE` command line, following the flag package's rules for the
// kernel's flags (--debug, --memory-limit L). Any other command line,
// including one the kernel would reject, gives false.
func connectionFile(args []string) (string, bool) {
	if len(args) < 3 || args[1] != "kernel" {
		return "", false
	}
	rest := args[2:]
	for len(rest) > 0 {
		a := rest[0]
		if a == "--" {
			rest = rest[1:]
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		name := a[1:]
		if name[0] == '-' {
			name = name[1:]
		}
		value := false
		for i := 0; i < len(name); i++ {
			if name[i] == '=' {
				name, value = name[:i], true
				break
			}
		}
		switch {
		case name == "debug":
			rest = rest[1:]
		case name == "memory-limit" && value:
			rest = rest[1:]
		case name == "memory-limit" && len(rest) >= 2:
			rest = rest[2:]
		default:
			return "", false
		}
	}
	if len(rest) != 1 {
		return "", false
	}
	return rest[0], true
}

// normalHost maps the wildcard spellings of a connection file's ip to
// 0.0.0.0, as the kernel's transport does.
func normalHost(h string) string {
	if h == "" || h == "*" {
		return "0.0.0.0"
	}
	return h
}

// parseIPv4 parses a dotted-quad IPv4 address.
func parseIPv4(s string) (a [4]byte, ok bool) {
	part, n, digits := 0, 0, 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if digits == 0 || part > 3 {
				return a, false
			}
			a[part] = byte(n)
			part, n, digits = part+1, 0, 0
			continue
		}
		c := s[i]
		if c < '0' || c > '9' || (digits == 1 && n == 0) {
			return a, false
		}
		n = n*10 + int(c-'0')
		digits++
		if n > 255 {
			return a, false
		}
	}
	return a, part == 4
}

// parse reads the transport, ip and ports from the JSON object of a
// connection file. It accepts any JSON object and ignores other members;
// a port that is missing or not an integer in 1..65535, or JSON it cannot
// follow, gives false.
func parse(data []byte) (c conn, ok bool) {
	p := scanner{b: data}
	if !p.byte('{') {
		return c, false
	}
	c.transport = "tcp"
	var seen [len(portKeys)]bool
	if !p.byte('}') {
		for {
			key, ok := p.str()
			if !ok || !p.byte(':') {
				return c, false
			}
			switch key {
			case "transport", "ip":
				v, ok := p.str()
				if !ok {
					return c, false
				}
				if key == "ip" {
					c.ip = v
				} else {
					c.transport = v
				}
			default:
				idx := -1
				for i, k := range portKeys {
					if k == key {
						idx = i
					}
				}
				if idx < 0 {
					if !p.skip() {
						return c, false
					}
					break
				}
				v, ok := p.port()
				if !ok {
					return c, false
				}
				c.ports[idx], seen[idx] = v, true
			}
			if p.byte('}') {
				break
			}
			if !p.byte(',') {
				return c, false
			}
		}
	}
	p.space()
	if p.i != len(p.b) {
		return c, false
	}
	for _, s := range seen {
		if !s {
			return c, false
		}
	}
	return c, true
}

// scanner follows JSON text.
type scanner struct {
	b []byte
	i int
}

func (p *scanner) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// byte consumes c after white space, if it is next.
func (p *scanner) byte(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str reads a string. Escapes other than \" and \\ make it fail: no
// connection file value the kernel binds needs them.
func (p *scanner) str() (string, bool) {
	if !p.byte('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case c == '"':
			s := string(p.b[start:p.i])
			p.i++
			return s, true
		case c == '\\' || c < 0x20:
			return "", false
		}
		p.i++
	}
	return "", false
}

// port reads an integer in 1..65535.
func (p *scanner) port() (int, bool) {
	p.space()
	n, digits := 0, 0
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		n = n*10 + int(p.b[p.i]-'0')
		p.i++
		digits++
		if n > 65535 {
			return 0, false
		}
	}
	return n, digits > 0 && n > 0
}

// skip passes over one JSON value of any kind.
func (p *scanner) skip() bool {
	p.space()
	if p.i >= len(p.b) {
		return false
	}
	switch p.b[p.i] {
	case '"':
		for p.i++; p.i < len(p.b); p.i++ {
			switch p.b[p.i] {
			case '\\':
				p.i++
			case '"':
				p.i++
				return true
			}
		}
		return false
	case '{', '[':
		depth := 0
		for ; p.i < len(p.b); p.i++ {
			switch p.b[p.i] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					p.i++
					return true
				}
			case '"':
				if !p.skip() {
					return false
				}
				p.i--
			}
		}
		return false
	default:
		start := p.i
		for p.i < len(p.b) {
			switch p.b[p.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return p.i > start
			}
			p.i++
		}
		return p.i > start
	}
}
