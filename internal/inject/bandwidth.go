package inject

import (
	"fmt"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
)

// bandwidthParams configure the bandwidth fault: data passes at most at Rate.
type bandwidthParams struct {
	// Rate is the bandwidth limit in KB/s; must be positive.
	Rate int64 `param:"rate,required"`
	toxicParams
}

// buildBandwidth builds the "bandwidth" fault (Toxiproxy bandwidth toxic).
func buildBandwidth(params map[string]any) (Fault, error) {
	p := bandwidthParams{toxicParams: defaultToxicParams()}
	if err := decodeParams("bandwidth", params, &p); err != nil {
		return nil, err
	}
	if p.Rate == 0 {
		return nil, fmt.Errorf("fault %q: parameter \"rate\" must be positive (KB/s), got 0", "bandwidth")
	}
	return newToxicFault("bandwidth", p.toxicParams, toxiclient.Attributes{"rate": p.Rate})
}
