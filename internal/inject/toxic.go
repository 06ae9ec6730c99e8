package inject

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"

	"github.com/drillhq/drill/internal/stack"
)

// toxicParams are the parameters every Toxiproxy toxic takes.
type toxicParams struct {
	// Stream is the direction the toxic acts on: downstream (service → client, default),
	// upstream (client → service) or both.
	Stream string `param:"stream"`
	// Toxicity is the probability a connection gets the toxic, in (0, 1]; default 1.
	// Toxiproxy's own zero value, 0, means never, which is why the default is explicit.
	Toxicity float64 `param:"toxicity"`
}

// streams the toxic is added to.
var validStreams = []string{"downstream", "upstream", "both"}

// defaultToxicParams are the common defaults: downstream, always.
func defaultToxicParams() toxicParams {
	return toxicParams{Stream: "downstream", Toxicity: 1}
}

// check validates the common parameters.
func (p toxicParams) check(kind string) error {
	if !slices.Contains(validStreams, p.Stream) {
		return fmt.Errorf("fault %q: parameter \"stream\" must be one of %s, got %q", kind, strings.Join(validStreams, ", "), p.Stream)
	}
	if p.Toxicity <= 0 || p.Toxicity > 1 {
		return fmt.Errorf("fault %q: parameter \"toxicity\" must be in (0, 1] (0 would never apply the toxic), got %v", kind, p.Toxicity)
	}
	return nil
}

// streams expands Stream into Toxiproxy's stream names.
func (p toxicParams) streams() []string {
	if p.Stream == "both" {
		return []string{"downstream", "upstream"}
	}
	return []string{p.Stream}
}

// toxicFault adds one Toxiproxy toxic per stream to the target proxy and removes them on
// revert. Every toxic kind builds one.
type toxicFault struct {
	kind   string // the fault kind, which is also the Toxiproxy toxic type
	common toxicParams
	attrs  toxiclient.Attributes
}

// newToxicFault checks the common parameters and returns the fault.
func newToxicFault(kind string, common toxicParams, attrs toxiclient.Attributes) (Fault, error) {
	if err := common.check(kind); err != nil {
		return nil, err
	}
	return &toxicFault{kind: kind, common: common, attrs: attrs}, nil
}

// Apply adds the toxic to the proxy named t.Name. The Toxiproxy client takes no context:
// ctx is checked before each call, and a call is bounded by the client's own timeout.
func (f *toxicFault) Apply(ctx context.Context, t Target) (Revert, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fault %s: %w", f.kind, err)
	}
	proxy, err := t.proxy()
	if err != nil {
		return nil, fmt.Errorf("fault %s: %w", f.kind, err)
	}
	var added []string
	revert := newRevert(RevertTimeout, func(ctx context.Context) error {
		var errs []error
		for _, name := range added {
			err := await(ctx, func() error { return proxy.RemoveToxic(name) })
			if err != nil && !isNotFound(err) {
				errs = append(errs, fmt.Errorf("remove toxic %s from proxy %s: %w", name, t.Name, err))
			}
		}
		return errors.Join(errs...)
	})
	for _, stream := range f.common.streams() {
		err := ctx.Err()
		name := toxicName(f.kind, stream)
		if err == nil {
			_, err = proxy.AddToxic(name, f.kind, stream, float32(f.common.Toxicity), f.attrs)
		}
		if err != nil {
			return nil, errors.Join(fmt.Errorf("fault %s: add toxic to proxy %s: %w", f.kind, t.Name, err), revert(ctx))
		}
		added = append(added, name)
	}
	return revert, nil
}

// toxicName is a unique toxic name, so that two faults of one kind on one proxy coexist.
func toxicName(kind, stream string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("drill_%s_%s_%s", kind, stream, hex.EncodeToString(b))
}

// isNotFound reports whether err is Toxiproxy's 404: the toxic or proxy is already gone,
// which a revert counts as done.
func isNotFound(err error) bool {
	var api *toxiclient.ApiError
	return errors.As(err, &api) && api.Status == http.StatusNotFound
}

// Needs implements stack.Needer: the toxic is added to the target's Toxiproxy proxy.
func (*toxicFault) Needs() []stack.Need {
	return []stack.Need{{Capability: stack.CapProxy}}
}
