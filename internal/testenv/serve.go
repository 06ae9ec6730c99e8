package testenv

import "net"

// ServeEach accepts connections on ln until ln is closed and runs handle on each, on a
// goroutine of its own, closing the connection when handle returns: the accept loop of
// every small TCP server a spec or benchmark needs.
func ServeEach(ln net.Listener, handle func(net.Conn)) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			handle(c)
		}()
	}
}
