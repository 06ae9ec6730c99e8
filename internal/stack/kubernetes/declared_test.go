package kubernetes_test

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/drillhq/drill/internal/stack/kubernetes"
	"github.com/drillhq/drill/internal/stack/stacktest"
)

var _ = Describe("declared capabilities", func() {
	It("match the kubernetes runtime's service type", func() {
		stacktest.ExpectDeclared(kubernetes.Registration(), kubernetes.Service)
	})
})
