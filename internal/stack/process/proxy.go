package process

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"

	"github.com/drillhq/drill/internal/front"
	"github.com/drillhq/drill/internal/stack"
)

// embeddedToxiproxy is a real Toxiproxy server running inside drill's process, serving
// its HTTP API on a loopback port so faults drive it exactly as they drive a container,
// with the switches of the stack's services (package front) beside it.
type embeddedToxiproxy struct {
	server *front.Server
	http   *http.Server
	client *toxiclient.Client
	done   chan struct{}
}

// startToxiproxy starts an embedded Toxiproxy server on 127.0.0.1 and waits until its API answers.
func startToxiproxy(ctx context.Context) (*embeddedToxiproxy, error) {
	srv := front.NewServer()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen toxiproxy api: %w", err)
	}
	e := &embeddedToxiproxy{
		server: srv,
		http:   &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second},
		client: toxiclient.NewClient("http://" + ln.Addr().String()),
		done:   make(chan struct{}),
	}
	go func() {
		defer close(e.done)
		_ = e.http.Serve(ln)
	}()
	if _, err := e.client.Version(); err != nil {
		e.close()
		return nil, fmt.Errorf("start toxiproxy: %w", err)
	}
	return e, nil
}

// createProxy makes a proxy listening on a free loopback port and returns its address.
func (e *embeddedToxiproxy) createProxy(name, upstream string) (string, error) {
	return e.createProxyAt(name, "127.0.0.1:0", upstream)
}

// createProxyAt makes a proxy listening at listen and returns the address it got.
func (e *embeddedToxiproxy) createProxyAt(name, listen, upstream string) (string, error) {
	p, err := e.client.CreateProxy(name, listen, upstream)
	if err != nil {
		return "", fmt.Errorf("create proxy %s: %w", name, err)
	}
	return p.Listen, nil
}

// createSwitch makes the named service's switch on a free loopback port, refusing until
// setSwitch gives it an upstream, and returns its address.
func (e *embeddedToxiproxy) createSwitch(name string) (string, error) {
	info, err := e.server.CreateSwitch(name, "127.0.0.1:0", "")
	if err != nil {
		return "", err
	}
	return info.Listen, nil
}

// setSwitch sends the named switch's new connections to upstream ("" refuses them).
func (e *embeddedToxiproxy) setSwitch(name, upstream string) {
	// The switch exists: createSwitch made it with the service.
	_ = e.server.SetUpstream(name, upstream)
}

// dialing is how many of the named switch's connections are still being connected to
// upstream.
func (e *embeddedToxiproxy) dialing(name, upstream string) int {
	n, _ := e.server.Dialing(name, upstream)
	return n
}

// flipSwitch flips the named switch to upstream and closes its other connections once
// quiet (a blue-green flip).
func (e *embeddedToxiproxy) flipSwitch(name, upstream string) {
	_ = e.server.Flip(name, upstream, stack.FlipQuiet, stack.FlipDrain)
}

// close stops every proxy and switch (closing their listeners and connections) and the API server.
func (e *embeddedToxiproxy) close() error {
	errs := []error{e.server.Close()}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	errs = append(errs, e.http.Shutdown(ctx))
	<-e.done
	return errors.Join(errs...)
}
