package inject

import "github.com/drillhq/drill/internal/scenario"

// Lasts reports whether the fault f describes lasts past the rollback's start (its kind
// implements Lasting and says so): what scenario.WithLasting asks, so the plan and the
// trial read it from the fault kind alone. A fault that does not build does not last.
func (r *Registry) Lasts(f scenario.Fault) bool {
	if r.kinds.Check(f.Kind) != nil {
		return false
	}
	fault, err := r.kinds.Build(f.Kind, f.Params)
	if err != nil {
		return false
	}
	l, ok := fault.(Lasting)
	return ok && l.LastsPastRollback()
}
