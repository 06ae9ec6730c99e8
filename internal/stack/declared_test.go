package stack_test

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/stacktest"
)

var _ = Describe("declared capabilities", func() {
	It("match the docker runtime's service type", func() {
		stacktest.ExpectDeclared(stack.DockerRegistration(), stack.DockerService)
	})
})
