package process_test

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/drillhq/drill/internal/stack/process"
)

var _ = Describe("declared capabilities", func() {
	It("match the process runtime's service type", func() {
		expectDeclared(process.Registration(), process.Service)
	})
})
