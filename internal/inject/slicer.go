package inject

import (
	"fmt"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
)

// slicerParams configure the slicer fault: data is cut into small packets of about
// AverageSize ± SizeVariation bytes, each delayed by Delay.
type slicerParams struct {
	// AverageSize of a packet in bytes; must be positive.
	AverageSize int64 `param:"average_size,required"`
	// SizeVariation is the ± spread of packet sizes in bytes; less than AverageSize.
	SizeVariation int64 `param:"size_variation"`
	// Delay before each packet; whole microseconds.
	Delay time.Duration `param:"delay,us"`
	toxicParams
}

// buildSlicer builds the "slicer" fault (Toxiproxy slicer toxic).
func buildSlicer(params map[string]any) (Fault, error) {
	p := slicerParams{toxicParams: defaultToxicParams()}
	if err := decodeParams("slicer", params, &p); err != nil {
		return nil, err
	}
	if p.AverageSize == 0 {
		return nil, fmt.Errorf("fault %q: parameter \"average_size\" must be positive, got 0", "slicer")
	}
	if p.SizeVariation >= p.AverageSize {
		return nil, fmt.Errorf("fault %q: parameter \"size_variation\" (%d) must be less than \"average_size\" (%d)", "slicer", p.SizeVariation, p.AverageSize)
	}
	return newToxicFault("slicer", p.toxicParams, toxiclient.Attributes{
		"average_size":   p.AverageSize,
		"size_variation": p.SizeVariation,
		"delay":          p.Delay.Microseconds(),
	})
}
