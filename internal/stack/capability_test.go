package stack_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/stack"
)

var _ = Describe("capabilities", func() {
	It("gives docker what process has, plus disconnect and images", func() {
		sets := stack.BuiltinCapabilities()
		process, docker := sets["process"], sets["docker"]
		Expect(process.Has(stack.CapDisconnect)).To(BeFalse())
		Expect(process.Has(stack.CapImage)).To(BeFalse())
		for _, c := range process {
			Expect(docker.Has(c)).To(BeTrue(), string(c))
		}
		Expect(docker.Has(stack.CapDisconnect)).To(BeTrue())
		Expect(docker.Has(stack.CapImage)).To(BeTrue())
	})

	It("says what each capability lets a runtime do", func() {
		Expect(stack.CapDisconnect.Describe()).To(Equal("disconnect a service from the stack's network"))
		Expect(stack.Capability("teleport").Describe()).To(Equal("teleport"))
		Expect(stack.Capabilities{stack.CapPause, stack.CapKill}.String()).To(Equal("kill, pause"))
	})
})
