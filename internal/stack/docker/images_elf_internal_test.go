package docker

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("imageRootfs", func() {
	interp := func(path string) string {
		f, err := elf.Open(path)
		Expect(err).NotTo(HaveOccurred())
		defer f.Close()
		in, err := elfInterpreter(f)
		Expect(err).NotTo(HaveOccurred())
		return in
	}

	It("copies a dynamically linked drill with its loader and every library it loads", func() {
		exe, err := os.Executable() // this test binary, linked like a plain "go build" drill
		Expect(err).NotTo(HaveOccurred())
		in := interp(exe)
		if in == "" {
			Skip("this test binary is static (cgo off): the dynamic case needs a dynamically linked binary")
		}
		files, dirs, err := imageRootfs(exe)
		Expect(err).NotTo(HaveOccurred())
		Expect(files[0]).To(Equal(imageFile{dst: "/drill", src: exe}))
		dsts := map[string]bool{}
		for _, f := range files {
			Expect(f.src).To(BeAnExistingFile())
			dsts[f.dst] = true
		}
		Expect(dsts).To(HaveKey(in))
		Expect(files).To(ContainElement(WithTransform(func(f imageFile) string { return filepath.Base(f.dst) }, HavePrefix("libc."))))
		Expect(dirs).NotTo(BeEmpty())
		for _, d := range dirs { // LD_LIBRARY_PATH names only directories of copied libraries
			Expect(files).To(ContainElement(WithTransform(func(f imageFile) string { return filepath.Dir(f.dst) }, Equal(d))))
		}
	})

	It("copies a static binary alone", func() {
		goBin, err := exec.LookPath("go")
		Expect(err).NotTo(HaveOccurred())
		goBin, err = filepath.EvalSymlinks(goBin)
		Expect(err).NotTo(HaveOccurred())
		if interp(goBin) != "" {
			Skip("the go command here is dynamically linked: no static binary at hand")
		}
		files, dirs, err := imageRootfs(goBin)
		Expect(err).NotTo(HaveOccurred())
		Expect(files).To(Equal([]imageFile{{dst: "/drill", src: goBin}}))
		Expect(dirs).To(BeEmpty())
	})

	It("refuses a file that is not an executable ELF, saying what it needs", func() {
		p := filepath.Join(GinkgoT().TempDir(), "drill")
		Expect(os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755)).To(Succeed())
		_, _, err := imageRootfs(p)
		Expect(err).To(MatchError(ContainSubstring("need a Linux ELF binary")))
	})
})
