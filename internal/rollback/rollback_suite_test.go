package rollback_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestRollback(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Rollback Suite")
}
