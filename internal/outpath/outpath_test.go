package outpath_test

import (
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/outpath"
)

func TestOutpath(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "outpath Suite")
}

var _ = Describe("Join", func() {
	It("joins local names under the root and refuses what would leave it", func() {
		for _, ok := range [][]string{{"a"}, {"a", "b.log"}, {"ledger.1.v1.log"}, {"a..b"}} {
			p, err := outpath.Join("/out", ok...)
			Expect(err).NotTo(HaveOccurred())
			Expect(p).To(HavePrefix("/out/"))
		}
		for _, bad := range [][]string{{".."}, {"../x"}, {"a", "../../x"}, {"/etc"}, {""}, {"."}, {"a\x00b"}, {"a/../.."}} {
			_, err := outpath.Join("/out", bad...)
			Expect(err).To(MatchError(HavePrefix("join path under /out: ")), "%q", bad)
		}
		for _, bad := range []string{"a/b", `a\b`, "..", "../x-run"} {
			_, err := outpath.File("/out", bad)
			Expect(err).To(HaveOccurred(), "%q", bad)
		}
	})
})

// FuzzJoin: whatever Join returns without an error lies strictly under root.
func FuzzJoin(f *testing.F) {
	for _, s := range []string{"a", "..", "../x", "a/../../b", "/abs", "a\x00", "", "./a", "a/./b"} {
		f.Add("/out/dir", s)
		f.Add("rel", s)
	}
	f.Fuzz(func(t *testing.T, root, elem string) {
		if root == "" {
			return
		}
		p, err := outpath.Join(root, elem)
		if err != nil {
			return
		}
		rel, rerr := filepath.Rel(filepath.Clean(root), p)
		if rerr != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
			t.Fatalf("Join(%q, %q) = %q leaves the root (rel %q)", root, elem, p, rel)
		}
	})
}
