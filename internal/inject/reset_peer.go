package inject

import (
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
)

// resetPeerParams configure the reset_peer fault: connections are reset (TCP RST) after
// Timeout, or at once when Timeout is 0. Toxiproxy sets SO_LINGER 0 on every connection of
// a proxy holding a reset_peer toxic, so with a toxicity below 1 the spared connections
// still end with a reset rather than a clean close.
type resetPeerParams struct {
	// Timeout before the reset; 0 (default) resets at once. Whole milliseconds.
	Timeout time.Duration `param:"timeout,ms"`
	toxicParams
}

// buildResetPeer builds the "reset_peer" fault (Toxiproxy reset_peer toxic).
func buildResetPeer(params map[string]any) (Fault, error) {
	p := resetPeerParams{toxicParams: defaultToxicParams()}
	if err := decodeParams("reset_peer", params, &p); err != nil {
		return nil, err
	}
	return newToxicFault("reset_peer", p.toxicParams, toxiclient.Attributes{"timeout": p.Timeout.Milliseconds()})
}
