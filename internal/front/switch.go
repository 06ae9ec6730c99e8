// Package front is the front door of every service of a stack: a real Toxiproxy server
// (faults) whose proxies forward to switches, small TCP forwarders whose upstream drill
// can change without closing anything. A start-first deploy starts the new release
// beside the old one and flips the service's switch: connections opened from then on go
// to the new release while those already open finish on the old one, as a Kubernetes
// Service does when a rolling update moves its endpoints. Toxiproxy cannot do that by
// itself: changing a proxy's upstream restarts the proxy and cuts every connection, an
// outage drill would then measure although drill caused it.
package front

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// dialTimeout bounds the dial towards an upstream. A service whose address vanished
// (a container removed) never answers a SYN; the switch refuses instead of hanging the
// client for the kernel's retransmission time, as a closed port would.
const dialTimeout = 2 * time.Second

// Switch accepts TCP connections on its listener and forwards each one to the upstream
// it had when the connection was accepted.
type Switch struct {
	ln net.Listener

	mu       sync.Mutex
	upstream string // "" refuses: accepted connections are closed at once
	conns    map[net.Conn]struct{}
	closed   bool
	wg       sync.WaitGroup
}

// Listen starts a switch on addr ("127.0.0.1:0" picks a port) forwarding to upstream.
func Listen(addr, upstream string) (*Switch, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen switch %s: %w", addr, err)
	}
	s := &Switch{ln: ln, upstream: upstream, conns: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is the address the switch listens on.
func (s *Switch) Addr() string { return s.ln.Addr().String() }

// Upstream is where new connections go now ("" when the switch refuses them).
func (s *Switch) Upstream() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.upstream
}

// Set sends every connection accepted from now on to upstream; connections already
// open keep their upstream until either side closes them. "" refuses new connections.
func (s *Switch) Set(upstream string) {
	s.mu.Lock()
	s.upstream = upstream
	s.mu.Unlock()
}

// Close stops accepting and closes every open connection.
func (s *Switch) Close() error {
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	err := s.ln.Close()
	s.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

func (s *Switch) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		up, closed := s.upstream, s.closed
		if !closed {
			s.conns[c] = struct{}{}
			s.wg.Add(1)
		}
		s.mu.Unlock()
		if closed {
			_ = c.Close()
			return
		}
		// Each connection dials on its own: one slow upstream never delays the others
		// (Toxiproxy dials inside its accept loop, which is why it sits behind a switch).
		go s.forward(c, up)
	}
}

func (s *Switch) forward(client net.Conn, upstream string) {
	defer s.wg.Done()
	defer s.forget(client)
	if upstream == "" {
		return
	}
	up, err := net.DialTimeout("tcp", upstream, dialTimeout)
	if err != nil {
		return
	}
	if !s.track(up) {
		return
	}
	defer s.forget(up)
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		// Half-close so a response still in flight the other way is delivered.
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		} else {
			_ = dst.Close()
		}
		done <- struct{}{}
	}
	go pipe(up, client)
	go pipe(client, up)
	<-done
	<-done
}

// track registers a connection so Close can end it; false when the switch is closing.
func (s *Switch) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		_ = c.Close()
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Switch) forget(c net.Conn) {
	_ = c.Close()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}
