package stack_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/stack"
)

// expectDeclared holds reg's declared capabilities to what svc implements: every
// capability that stands for an interface is declared exactly when svc implements it.
func expectDeclared(reg stack.Registration, svc stack.Service) {
	GinkgoHelper()
	var declared stack.Capabilities
	for _, c := range reg.Capabilities {
		if c.Interfaced() {
			declared = append(declared, c)
		}
	}
	Expect(declared).To(ConsistOf(stack.Implemented(svc)), "runtime %s declares what its services implement", reg.Name)
}

var _ = Describe("declared capabilities", func() {
	It("match the process runtime's service type", func() {
		expectDeclared(stack.ProcessRegistration(), stack.ProcessService)
	})
	It("match the docker runtime's service type", func() {
		expectDeclared(stack.DockerRegistration(), stack.DockerService)
	})
})
