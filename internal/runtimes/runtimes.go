// Package runtimes is the one place drill's runtimes are registered: --runtime, auto,
// drill.WithRuntime, drill clean, the soak and help all read Default. Adding a runtime
// is its own package plus one line here.
package runtimes

import (
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/stack/external"
	"github.com/drillhq/drill/internal/stack/kubernetes"
	"github.com/drillhq/drill/internal/stack/process"
)

// Default returns the registry of drill's runtimes, in the order auto prefers them:
// docker where an engine answers, else process; external for a stack of services drill
// did not start (which only it can reach: auto picks by what the stack needs).
// kubernetes comes last and auto never picks it: a cluster is chosen by name.
func Default() *stack.Registry {
	r, err := stack.NewRegistry(
		docker.Registration(),
		process.Registration(),
		external.Registration(),
		kubernetes.Registration(),
	)
	if err != nil {
		panic(err) // the entries above are fixed: a duplicate is a programming error
	}
	return r
}
