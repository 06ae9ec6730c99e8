package runtimes_test

import (
	"fmt"
	"io"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/runtimes"
	"github.com/drillhq/drill/internal/stack"
)

func TestRuntimes(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Runtimes Suite")
}

var _ = Describe("Default", func() {
	It("registers docker, process, external then kubernetes, so auto prefers docker where an engine answers", func() {
		reg := runtimes.Default()
		Expect(reg.Names()).To(Equal([]string{"docker", "process", "external", "kubernetes"}))
		Expect(reg.Choices()).To(Equal("auto, docker, process, external or kubernetes"))
	})

	It("never lets auto pick kubernetes: process before it is always available", func(ctx SpecContext) {
		proc, ok := runtimes.Default().Lookup("process")
		Expect(ok).To(BeTrue())
		Expect(proc.Available(ctx)).To(Succeed())
		rt, notes, err := runtimes.Default().Select(ctx, stack.Auto)
		Expect(err).NotTo(HaveOccurred())
		Expect(rt.Name()).NotTo(Equal("kubernetes"), "notes: %v", notes)
		if c, ok := rt.(io.Closer); ok {
			Expect(c.Close()).To(Succeed())
		}
	})

	It("registers every runtime under the name its Runtime reports", func() {
		for _, r := range runtimes.Default().Entries() {
			Expect(r.Description).NotTo(BeEmpty(), r.Name)
			if err := r.Available(GinkgoT().Context()); err != nil {
				By(fmt.Sprintf("%s is not available here: %v", r.Name, err))
				continue
			}
			rt, _, err := r.New(GinkgoT().Context())
			Expect(err).NotTo(HaveOccurred())
			Expect(rt.Name()).To(Equal(r.Name))
			if c, ok := rt.(io.Closer); ok {
				Expect(c.Close()).To(Succeed())
			}
		}
	})

	It("gives docker what process has, plus disconnect and images", func() {
		sets := runtimes.Default().Capabilities()
		process, docker := sets["process"], sets["docker"]
		Expect(process.Has(stack.CapDisconnect)).To(BeFalse())
		Expect(process.Has(stack.CapImage)).To(BeFalse())
		for _, c := range process {
			Expect(docker.Has(c)).To(BeTrue(), string(c))
		}
		Expect(docker.Has(stack.CapDisconnect)).To(BeTrue())
		Expect(docker.Has(stack.CapImage)).To(BeTrue())
	})
})
