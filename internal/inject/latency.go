package inject

import (
	"fmt"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
)

// latencyParams configure the latency fault: every chunk of data is delayed by
// latency ± jitter.
type latencyParams struct {
	// Latency added to each chunk; whole milliseconds.
	Latency time.Duration `param:"latency,required,ms"`
	// Jitter is the ± random spread around Latency; at most Latency.
	Jitter time.Duration `param:"jitter,ms"`
	toxicParams
}

// buildLatency builds the "latency" fault (Toxiproxy latency toxic).
func buildLatency(params map[string]any) (Fault, error) {
	p := latencyParams{toxicParams: defaultToxicParams()}
	if err := decodeParams("latency", params, &p); err != nil {
		return nil, err
	}
	if p.Jitter > p.Latency {
		return nil, fmt.Errorf("fault %q: parameter \"jitter\" (%s) must not exceed \"latency\" (%s)", "latency", p.Jitter, p.Latency)
	}
	return newToxicFault("latency", p.toxicParams, toxiclient.Attributes{
		"latency": p.Latency.Milliseconds(),
		"jitter":  p.Jitter.Milliseconds(),
	})
}
