package atomicfile_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/atomicfile"
	"github.com/drillhq/drill/internal/testenv"
)

func TestAtomicfile(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "atomicfile Suite")
}

var _ = Describe("a file written whole or not at all", func() {
	It("on a full disk leaves no file, or the previous one whole, and no temp file", func() {
		dir := filepath.Join(GinkgoT().TempDir(), "disk")
		unmount, err := testenv.FullDisk(dir, 64<<10)
		if err != nil {
			Skip(err.Error())
		}
		DeferCleanup(unmount)
		path := filepath.Join(dir, "results.json")
		big := bytes.Repeat([]byte("x"), 256<<10)

		Expect(atomicfile.Write(path, big, 0o644)).To(MatchError(ContainSubstring("no space left on device")))
		Expect(path).NotTo(BeAnExistingFile(), "absent, never truncated")

		small := []byte(`{"whole": true}` + "\n")
		Expect(atomicfile.Write(path, small, 0o644)).To(Succeed())
		Expect(atomicfile.Write(path, big, 0o644)).To(HaveOccurred())
		Expect(os.ReadFile(path)).To(Equal(small), "the previous file, whole")
		entries, err := os.ReadDir(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(1), "no temp file left")
		info, err := os.Stat(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o644)))
	})

	It("shows nothing at the path until Commit, and nothing after Abort", func() {
		dir := GinkgoT().TempDir()
		path := filepath.Join(dir, "raw.json.gz")
		f, err := atomicfile.Create(path, 0o600)
		Expect(err).NotTo(HaveOccurred())
		_, err = f.WriteString("part")
		Expect(err).NotTo(HaveOccurred())
		Expect(path).NotTo(BeAnExistingFile())
		Expect(f.Commit()).To(Succeed())
		Expect(os.ReadFile(path)).To(Equal([]byte("part")))
		Expect(f.Commit()).To(HaveOccurred(), "once")

		g, err := atomicfile.Create(path, 0o600)
		Expect(err).NotTo(HaveOccurred())
		_, _ = g.WriteString("other")
		g.Abort()
		g.Abort()
		Expect(os.ReadFile(path)).To(Equal([]byte("part")))
		entries, _ := os.ReadDir(dir)
		Expect(entries).To(HaveLen(1))
	})
})
