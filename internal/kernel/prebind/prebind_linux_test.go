package prebind

import (
	"net"
	"os"
	"strconv"
	"testing"
)

// freePorts returns n ports that were free a moment ago.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
		defer l.Close()
	}
	return ports
}

// TestBindTake binds five ports as init does and checks that Take hands
// out listening sockets that accept connections, that a socket asked for
// on another host is closed so that the port can be bound again, and
// that Release closes the rest.
func TestBindTake(t *testing.T) {
	p := freePorts(t, 5)
	bindAll(conn{"tcp", "127.0.0.1", [5]int{p[0], p[1], p[2], p[3], p[4]}})
	if len(bound) != 5 {
		t.Fatalf("bound %d of 5 ports", len(bound))
	}
	// Bound but not yet taken: the kernel's clients can connect already.
	c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(p[0]))
	if err != nil {
		t.Fatalf("connecting before Take: %v", err)
	}
	defer c.Close()

	fd, ok := Take("127.0.0.1", p[0])
	if !ok {
		t.Fatal("Take of a bound port failed")
	}
	f := os.NewFile(uintptr(fd), "shell")
	l, err := net.FileListener(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s, err := l.Accept()
	if err != nil {
		t.Fatalf("accepting the connection made before Take: %v", err)
	}
	s.Close()
	if _, ok := Take("127.0.0.1", p[0]); ok {
		t.Error("a port was taken twice")
	}

	if _, ok := Take("0.0.0.0", p[1]); ok {
		t.Error("Take on another host succeeded")
	}
	l1, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p[1]))
	if err != nil {
		t.Fatalf("the port refused for another host is still bound: %v", err)
	}
	l1.Close()

	Release()
	for _, port := range p[2:] {
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			t.Errorf("port %d still bound after Release: %v", port, err)
			continue
		}
		l.Close()
	}
}

// TestBindSkips checks that nothing is bound for ipc, for host names and
// for IPv6 addresses, and that a port in use is left to the kernel.
func TestBindSkips(t *testing.T) {
	p := freePorts(t, 5)
	ports := [5]int{p[0], p[1], p[2], p[3], p[4]}
	for _, c := range []conn{{"ipc", "kernel", ports}, {"tcp", "localhost", ports}, {"tcp", "::1", ports}} {
		bindAll(c)
		if len(bound) != 0 {
			t.Errorf("%+v: bound %d ports", c, len(bound))
			Release()
		}
	}
	busy, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	bindAll(conn{"tcp", "127.0.0.1", ports})
	if _, ok := bound[p[0]]; ok || len(bound) != 4 {
		t.Errorf("with one port busy: bound %v", bound)
	}
	Release()
}
