package rollback

import "context"

// FeatureFlag rolls back by turning the defect's flag off through the service's own API:
// one HTTP call to the service (through its front proxy) answered with the expected
// status (params method, path, body, content_type, status, timeout, as a call's).
// Nothing restarts: the release that carries the defect keeps running. It reports the
// step "flag_set" with the status the service answered.
type FeatureFlag struct {
	Call
}

func buildFeatureFlag(p map[string]any) (Mechanism, error) {
	c, err := decodeCall("feature-flag", p)
	if err != nil {
		return nil, err
	}
	return FeatureFlag{c}, nil
}

// Rollback implements Mechanism.
func (f FeatureFlag) Rollback(ctx context.Context, t Target) error {
	return f.invoke(ctx, t, "feature-flag", "flag_set")
}

// Describe implements Describer.
func (f FeatureFlag) Describe(t Target) string { return "feature-flag " + f.Call.Describe(t) }
