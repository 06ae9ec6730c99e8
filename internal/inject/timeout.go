package inject

import (
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
)

// timeoutParams configure the timeout fault: data stops flowing and the connection is
// closed after Timeout, or held open until the fault is reverted when Timeout is 0.
type timeoutParams struct {
	// Timeout before the connection is closed; 0 (default) keeps it hanging. Whole milliseconds.
	Timeout time.Duration `param:"timeout,ms"`
	toxicParams
}

// buildTimeout builds the "timeout" fault (Toxiproxy timeout toxic).
func buildTimeout(params map[string]any) (Fault, error) {
	p := timeoutParams{toxicParams: defaultToxicParams()}
	if err := decodeParams("timeout", params, &p); err != nil {
		return nil, err
	}
	return newToxicFault("timeout", p.toxicParams, toxiclient.Attributes{"timeout": p.Timeout.Milliseconds()})
}
