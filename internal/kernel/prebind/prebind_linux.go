package prebind

import "syscall"

// bound maps a port to the listening socket bound for it at init.
var bound map[int]listener

type listener struct {
	fd   int
	host string
}

func init() {
	args, ok := readFile("/proc/self/cmdline")
	if !ok {
		return
	}
	path, ok := connectionFile(splitArgs(args))
	if !ok {
		return
	}
	data, ok := readFile(path)
	if !ok {
		return
	}
	if c, ok := parse(data); ok {
		bindAll(c)
	}
}

// bindAll binds the ports of c; a port it cannot bind is left to the
// kernel, which then reports the error.
func bindAll(c conn) {
	if c.transport != "tcp" {
		return
	}
	host := normalHost(c.ip)
	addr, ok := parseIPv4(host)
	if !ok {
		return
	}
	for _, port := range c.ports {
		fd, err := listen(addr, port)
		if err != nil {
			continue
		}
		if bound == nil {
			bound = make(map[int]listener, len(c.ports))
		}
		bound[port] = listener{fd, host}
	}
}

// listen binds a non-blocking tcp socket to addr:port and listens on it,
// as net.Listen does (SO_REUSEADDR, close-on-exec).
func listen(addr [4]byte, port int) (int, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Port: port, Addr: addr}); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	if err := syscall.Listen(fd, 4096); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	return fd, nil
}

// Take returns the listening socket bound at init for host:port, and
// gives up its ownership to the caller. A socket bound for the port on
// another host is closed, so that the caller can bind the port itself.
func Take(host string, port int) (fd int, ok bool) {
	l, found := bound[port]
	if !found {
		return -1, false
	}
	delete(bound, port)
	if l.host != normalHost(host) {
		syscall.Close(l.fd)
		return -1, false
	}
	return l.fd, true
}

// Release closes the sockets nobody took.
func Release() {
	for port, l := range bound {
		syscall.Close(l.fd)
		delete(bound, port)
	}
}

// readFile reads a small file with system calls only.
func readFile(path string) ([]byte, bool) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, false
	}
	defer syscall.Close(fd)
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := syscall.Read(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, false
		}
		if n == 0 {
			return out, true
		}
		out = append(out, buf[:n]...)
		if len(out) > maxFile {
			return nil, false
		}
	}
}
