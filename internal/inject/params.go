package inject

import "github.com/drillhq/drill/internal/params"

// decodeParams fills dst, a pointer to a fault kind's parameter struct, strictly from a
// scenario's params map (see params.Decode); its errors start with `fault "<kind>":`.
func decodeParams(kind string, p map[string]any, dst any) error {
	return params.Decode("fault", kind, p, dst)
}
