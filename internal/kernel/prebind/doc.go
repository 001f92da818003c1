// Package prebind binds the listening sockets of `gomx kernel` while the
// program is still initialising, before the interpreter's symbol tables
// and the plotting libraries are set up.
//
// A Jupyter client starts the kernel process and connects to the ports of
// the connection file a few milliseconds later. When nothing listens yet,
// libzmq waits its reconnect interval (100 ms) before trying again, and
// that wait, not the kernel, used to be most of the kernel's start time.
// The gomx binary initialises its packages for about 10 ms; this package
// depends on nothing but syscall, so Go initialises it among the first,
// and its init binds the five tcp ports as soon as the process starts.
// The kernel then takes the bound sockets with Take instead of binding
// them itself. For any other command line, for ipc, for addresses other
// than IPv4 literals and on systems other than Linux, init does nothing
// and the kernel binds its sockets as usual.
package prebind
