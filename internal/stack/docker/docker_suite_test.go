package docker_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/stack/docker"
)

func TestDocker(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Docker Runtime Suite")
}

// proxyRef is this binary's proxy image, tagged with the binary's hash.
func proxyRef() string {
	GinkgoHelper()
	ref, err := docker.ToxiproxyRef()
	Expect(err).NotTo(HaveOccurred())
	return ref
}
