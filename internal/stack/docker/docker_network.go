package docker

import (
	"context"
	"fmt"

	"github.com/moby/moby/client"
)

// dockerCreateNetwork creates the stack's bridge network. Services need no fixed
// address on it: the switch in front of each service is told the address of every new
// container as it becomes ready, so no name is looked up while a service is redeployed
// (a lookup of an alias that does not resolve hangs in the engine's resolver).
func (st *dockerStack) dockerCreateNetwork(ctx context.Context) error {
	res, err := st.d.cli.NetworkCreate(ctx, st.netName, client.NetworkCreateOptions{Driver: "bridge", Labels: st.labels})
	if err != nil {
		return fmt.Errorf("create network %s: %w", st.netName, err)
	}
	st.netID = res.ID
	return nil
}
