package process

import (
	"context"

	"github.com/drillhq/drill/internal/front"
	"github.com/drillhq/drill/internal/stack"
)

// embeddedToxiproxy is a real Toxiproxy server running inside drill's process (package
// front's Embedded), with the switches of the stack's services beside it.
type embeddedToxiproxy struct {
	*front.Embedded
}

// startToxiproxy starts an embedded Toxiproxy server on 127.0.0.1 and waits until its API answers.
func startToxiproxy(ctx context.Context) (*embeddedToxiproxy, error) {
	e, err := front.StartEmbedded(ctx)
	if err != nil {
		return nil, err
	}
	return &embeddedToxiproxy{e}, nil
}

// createProxy makes a proxy listening on a free loopback port and returns its address.
func (e *embeddedToxiproxy) createProxy(name, upstream string) (string, error) {
	return e.CreateProxy(name, "127.0.0.1:0", upstream)
}

// createSwitch makes the named service's switch on a free loopback port, refusing until
// setSwitch gives it an upstream, and returns its address.
func (e *embeddedToxiproxy) createSwitch(name string) (string, error) {
	info, err := e.Server.CreateSwitch(name, "127.0.0.1:0", "")
	if err != nil {
		return "", err
	}
	return info.Listen, nil
}

// setSwitch sends the named switch's new connections to upstream ("" refuses them).
func (e *embeddedToxiproxy) setSwitch(name, upstream string) {
	// The switch exists: createSwitch made it with the service.
	_ = e.Server.SetUpstream(name, upstream)
}

// dialing is how many of the named switch's connections are still being connected to
// upstream.
func (e *embeddedToxiproxy) dialing(name, upstream string) int {
	n, _ := e.Server.Dialing(name, upstream)
	return n
}

// flipSwitch flips the named switch to upstream and closes its other connections once
// quiet (a blue-green flip).
func (e *embeddedToxiproxy) flipSwitch(name, upstream string) {
	_ = e.Server.Flip(name, upstream, stack.FlipQuiet, stack.FlipDrain)
}
