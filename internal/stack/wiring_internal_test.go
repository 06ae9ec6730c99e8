package stack

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("wiring variables", func() {
	vars := map[string]string{"PORT": "4242", "ENDPOINT_DB": "127.0.0.1:5000", "EMPTY": ""}

	DescribeTable("expand only ${NAME} of a known NAME, leaving every other byte",
		func(in, want string) { Expect(expand(in, vars)).To(Equal(want)) },
		Entry("known", "-p ${PORT}", "-p 4242"),
		Entry("two and adjacent", "${ENDPOINT_DB}/${PORT}${PORT}", "127.0.0.1:5000/42424242"),
		Entry("empty value", "[${EMPTY}]", "[]"),
		Entry("unknown kept", "${HOME}/x ${PORT}", "${HOME}/x 4242"),
		Entry("a shell's own $", `echo $PORT $$ $1 "$@"`, `echo $PORT $$ $1 "$@"`),
		Entry("unclosed", "${PORT", "${PORT"),
	)
})

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
