package stack_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/stack"
)

var _ = Describe("capabilities", func() {
	It("says what each capability lets a runtime do", func() {
		Expect(stack.CapDisconnect.Describe()).To(Equal("disconnect a service from the stack's network"))
		Expect(stack.Capability("teleport").Describe()).To(Equal("teleport"))
		Expect(stack.Capabilities{stack.CapPause, stack.CapKill}.String()).To(Equal("kill, pause"))
	})
})
