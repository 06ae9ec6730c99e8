package process

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("logWatch", func() {
	It("finds a text split across two writes, and only once it is complete", func() {
		path := filepath.Join(GinkgoT().TempDir(), "out.log")
		f, err := os.Create(path)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(f.Close)
		w := newLogWatch(path, "ready to accept")
		Expect(w.seen()).To(BeFalse())
		_, _ = f.WriteString("booting\nready to ")
		Expect(w.seen()).To(BeFalse())
		_, _ = f.WriteString("acc")
		Expect(w.seen()).To(BeFalse())
		_, _ = f.WriteString("ept connections\n")
		Expect(w.seen()).To(BeTrue())
	})
})
