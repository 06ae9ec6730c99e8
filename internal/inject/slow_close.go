package inject

import (
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
)

// slowCloseParams configure the slow_close fault: a closing connection is held open for
// Delay first.
type slowCloseParams struct {
	// Delay before the connection closes; whole milliseconds.
	Delay time.Duration `param:"delay,required,ms"`
	toxicParams
}

// buildSlowClose builds the "slow_close" fault (Toxiproxy slow_close toxic).
func buildSlowClose(params map[string]any) (Fault, error) {
	p := slowCloseParams{toxicParams: defaultToxicParams()}
	if err := decodeParams("slow_close", params, &p); err != nil {
		return nil, err
	}
	return newToxicFault("slow_close", p.toxicParams, toxiclient.Attributes{"delay": p.Delay.Milliseconds()})
}
