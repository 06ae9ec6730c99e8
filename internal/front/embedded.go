package front

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
)

// Embedded is a Server running inside drill's own process, serving its HTTP API on a
// loopback port, so faults drive its proxies through Toxiproxy's client exactly as they
// drive the proxy container of the docker runtime. The process and external runtimes
// run one per stack.
type Embedded struct {
	// Server holds the proxies and switches.
	Server *Server
	// Client is a Toxiproxy client of the API.
	Client *toxiclient.Client
	http   *http.Server
	done   chan struct{}
}

// StartEmbedded starts a Server on 127.0.0.1 and waits until its API answers.
func StartEmbedded(ctx context.Context) (*Embedded, error) {
	srv := NewServer()
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen toxiproxy api: %w", err)
	}
	e := &Embedded{
		Server: srv,
		http:   &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second},
		Client: toxiclient.NewClient("http://" + ln.Addr().String()),
		done:   make(chan struct{}),
	}
	go func() {
		defer close(e.done)
		_ = e.http.Serve(ln)
	}()
	if _, err := e.Client.Version(); err != nil {
		return nil, errors.Join(fmt.Errorf("start toxiproxy: %w", err), e.Close())
	}
	return e, nil
}

// CreateProxy makes a Toxiproxy proxy listening at listen ("127.0.0.1:0": a free
// loopback port) and returns the address it got.
func (e *Embedded) CreateProxy(name, listen, upstream string) (string, error) {
	p, err := e.Client.CreateProxy(name, listen, upstream)
	if err != nil {
		return "", fmt.Errorf("create proxy %s: %w", name, err)
	}
	return p.Listen, nil
}

// Close stops every proxy and switch (closing their listeners and connections) and the
// API server.
func (e *Embedded) Close() error {
	errs := []error{e.Server.Close()}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	errs = append(errs, e.http.Shutdown(ctx))
	<-e.done
	return errors.Join(errs...)
}
