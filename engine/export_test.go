package engine

// WorkerPID returns the process id of the current worker once it is ready,
// waiting for it to start; 0 if it could not start. It exists for the
// tests (package engine_test), which kill and replace workers.
func (c *Client) WorkerPID() int {
	p := c.current()
	select {
	case <-p.ready:
	case <-p.dead:
	}
	return p.pid
}
