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
	"sync/atomic"
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
	conns    map[net.Conn]*link
	dialing  map[string]int // per upstream: connections accepted and not yet connected to it
	accepted uint64         // client connections accepted so far
	closed   bool
	wg       sync.WaitGroup
}

// link is what the switch knows of one client connection: where it goes, its place in
// the order of acceptance, when a byte last moved on it either way, and whether it is
// waiting for its upstream.
type link struct {
	upstream string
	seq      uint64
	last     atomic.Int64 // unix nanoseconds
	// waiting: the connection is still being dialled, or the last bytes on it went to
	// the upstream (a request whose answer has not begun). Such a link is never quiet:
	// a flip that closed it would fail a request the old release is still to answer.
	waiting atomic.Bool
}

func (l *link) touch() { l.last.Store(time.Now().UnixNano()) }

// quiet reports whether nothing moved on the link for d and it waits for nothing.
func (l *link) quiet(now time.Time, d time.Duration) bool {
	return !l.waiting.Load() && now.Sub(time.Unix(0, l.last.Load())) >= d
}

// Listen starts a switch on addr ("127.0.0.1:0" picks a port) forwarding to upstream.
func Listen(addr, upstream string) (*Switch, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen switch %s: %w", addr, err)
	}
	s := &Switch{ln: ln, upstream: upstream, conns: map[net.Conn]*link{}, dialing: map[string]int{}}
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

// Dialing is how many connections the switch accepted for upstream are still being
// connected to it. A deploy stops an old release only once none is: a connection routed
// to it just before the flip would otherwise find its listener gone.
func (s *Switch) Dialing(upstream string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dialing[upstream]
}

// Set sends every connection accepted from now on to upstream; connections already
// open keep their upstream until either side closes them. "" refuses new connections.
func (s *Switch) Set(upstream string) {
	s.mu.Lock()
	s.upstream = upstream
	s.mu.Unlock()
}

// Reset sends every connection accepted from now on to upstream and closes every
// connection open now, whatever its upstream or activity: nothing carries over to
// what comes next (a stack kept for the next trial). The closed connections leave
// Conns as their forwarders end.
func (s *Switch) Reset(upstream string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.upstream = upstream
	for c := range s.conns {
		_ = c.Close()
	}
}

// Conns is how many connections the switch holds: client sides and upstream sides.
func (s *Switch) Conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
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
		s.accepted++
		l := &link{upstream: up, seq: s.accepted}
		l.touch()
		l.waiting.Store(up != "")
		if !closed {
			s.conns[c] = l
			s.wg.Add(1)
			if up != "" {
				s.dialing[up]++
			}
		}
		s.mu.Unlock()
		if closed {
			_ = c.Close()
			return
		}
		// Each connection dials on its own: one slow upstream never delays the others
		// (Toxiproxy dials inside its accept loop, which is why it sits behind a switch).
		go s.forward(c, l)
	}
}

func (s *Switch) forward(client net.Conn, l *link) {
	defer s.wg.Done()
	defer s.forget(client)
	if l.upstream == "" {
		return
	}
	up, err := net.DialTimeout("tcp", l.upstream, dialTimeout)
	s.mu.Lock()
	if s.dialing[l.upstream]--; s.dialing[l.upstream] <= 0 {
		delete(s.dialing, l.upstream)
	}
	s.mu.Unlock()
	if err != nil {
		return
	}
	if !s.track(up) {
		return
	}
	defer s.forget(up)
	l.waiting.Store(false) // connected: the client's first bytes mark it waiting again
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, activity{src, l, dst == up})
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

// activity marks its link active on every read that brings bytes, and waiting when
// those bytes go to the upstream (toUp), no longer waiting when they come from it.
type activity struct {
	net.Conn
	l    *link
	toUp bool
}

func (a activity) Read(p []byte) (int, error) {
	n, err := a.Conn.Read(p)
	if n > 0 {
		a.l.touch()
		a.l.waiting.Store(a.toUp)
	}
	return n, err
}

// track registers an upstream connection so Close can end it; false when the switch
// is closing.
func (s *Switch) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		_ = c.Close()
		return false
	}
	s.conns[c] = nil
	return true
}

// Flip sends new connections to upstream, as Set does, and then closes each client
// connection still going elsewhere once it is quiet: nothing moved on it for quiet and
// it waits for nothing (between two requests of a keep-alive connection, not while it
// is dialled or a request awaits its answer), or at the latest after drain. It is what
// a router flip of a blue-green deploy does to connections open on the old colour, and
// what a release's graceful stop does to its idle keep-alive connections. A client
// whose next request races the close sees the connection closed, as it would there.
func (s *Switch) Flip(upstream string, quiet, drain time.Duration) {
	s.Set(upstream)
	s.closeQuiet(func(l *link) bool { return l.upstream != upstream }, quiet, drain)
}

// Renew closes every client connection accepted before it, whatever its upstream, once
// nothing has moved on it for quiet, or at the latest after drain, as Flip does with
// those going elsewhere. It is the flip of an upstream whose address stays while what
// answers there changed: a Kubernetes Service whose selector flipped to the other
// colour keeps its established connections on the old colour's pods, and only a new
// connection reaches the new one.
func (s *Switch) Renew(quiet, drain time.Duration) {
	s.mu.Lock()
	before := s.accepted
	s.mu.Unlock()
	s.closeQuiet(func(l *link) bool { return l.seq <= before }, quiet, drain)
}

// closeQuiet closes, in the background, each client connection for which old holds
// once it has been quiet for quiet, or once drain has passed.
func (s *Switch) closeQuiet(old func(*link) bool, quiet, drain time.Duration) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		deadline := time.Now().Add(drain)
		tick := time.NewTicker(max(quiet/4, time.Millisecond))
		defer tick.Stop()
		for range tick.C {
			left := 0
			now := time.Now()
			s.mu.Lock()
			if s.closed {
				s.mu.Unlock()
				return
			}
			for c, l := range s.conns {
				if l == nil || !old(l) {
					continue
				}
				if now.After(deadline) || l.quiet(now, quiet) {
					_ = c.Close()
					continue
				}
				left++
			}
			s.mu.Unlock()
			if left == 0 {
				return
			}
		}
	}()
}

func (s *Switch) forget(c net.Conn) {
	_ = c.Close()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}
