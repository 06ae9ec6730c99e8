package docker_test

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/stack/stacktest"
)

var _ = Describe("declared capabilities", func() {
	It("match the docker runtime's service type", func() {
		stacktest.ExpectDeclared(docker.Registration(), docker.Service)
	})
})
