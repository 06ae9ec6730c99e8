package inject

import toxiclient "github.com/Shopify/toxiproxy/v2/client"

// limitDataParams configure the limit_data fault: a connection is closed once Bytes have
// passed through it.
type limitDataParams struct {
	// Bytes let through before the connection closes.
	Bytes int64 `param:"bytes,required"`
	toxicParams
}

// buildLimitData builds the "limit_data" fault (Toxiproxy limit_data toxic).
func buildLimitData(params map[string]any) (Fault, error) {
	p := limitDataParams{toxicParams: defaultToxicParams()}
	if err := decodeParams("limit_data", params, &p); err != nil {
		return nil, err
	}
	return newToxicFault("limit_data", p.toxicParams, toxiclient.Attributes{"bytes": p.Bytes})
}
