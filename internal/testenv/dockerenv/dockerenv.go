// Package dockerenv gives Ginkgo specs the docker runtime, or skips them, saying why,
// where no engine answers. It lives apart from testenv so that testenv stays free of
// the stack package its own specs use.
package dockerenv

import (
	"context"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/stack/docker"
)

// Runtime returns a docker runtime closed when the calling spec (or container) ends, or
// skips the spec when no engine answers within 3 s.
func Runtime() *docker.Runtime {
	ginkgo.GinkgoHelper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := docker.EngineAvailable(ctx); err != nil {
		ginkgo.Skip("docker engine not available: " + err.Error())
	}
	d, err := docker.New()
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	ginkgo.DeferCleanup(d.Close)
	return d
}
