// Package kernel is gomx's Jupyter kernel: the Jupyter messaging protocol
// 5.4 on top of an engine.Controller.
//
// It reads the connection file, binds the five ZeroMQ sockets (shell,
// control and stdin as ROUTER, iopub as PUB, heartbeat as REP), signs and
// verifies messages with HMAC-SHA256, brackets every shell and control
// request with busy/idle status messages, keeps the execution counter and
// the history (history.Store), batches stream output, bridges input requests to
// the stdin channel and answers comm messages. Cells always run in the
// engine's worker: this package never links the interpreter.
//
// The sockets sit behind the small Transport interface, so the protocol
// logic is tested over an in-memory transport; ListenZMQ provides the real
// one.
package kernel
