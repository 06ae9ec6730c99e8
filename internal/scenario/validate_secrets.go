package scenario

import (
	"fmt"
	"maps"
	"slices"

	"github.com/drillhq/drill/internal/secret"
)

// secretRefs reports each secret reference (${env:NAME}, ${file:PATH}) in a service's or
// a release's env and argv that does not resolve now: a run refuses it before anything
// starts rather than handing the program the reference as written.
func (v *validator) secretRefs(path string, env map[string]string, argv []string) {
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if err := secret.Check(env[k]); err != nil {
			v.errf(path+".env."+k, "%s.env.%s: %v", path, k, err)
		}
	}
	for i, a := range argv {
		if err := secret.Check(a); err != nil {
			v.errf(fmt.Sprintf("%s.command[%d]", path, i), "%s.command[%d]: %v", path, i, err)
		}
	}
}
