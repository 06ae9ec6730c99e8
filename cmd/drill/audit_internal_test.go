package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/audit"
)

// auditLog writes a fresh audit log of n entries into dir and returns its path and digest.
func auditLog(dir, name string, n int) (string, string) {
	path := filepath.Join(dir, name)
	l, err := audit.Create(path)
	Expect(err).NotTo(HaveOccurred())
	for i := range n {
		Expect(l.Append(audit.Entry{Actor: audit.ActorDrill, Action: audit.ActionVerify, Trial: i + 1, Outcome: audit.OutcomeOK})).To(Succeed())
	}
	Expect(l.Close()).To(Succeed())
	return path, l.Digest()
}

// auditExitCode returns the exit code an error from a command maps to.
func auditExitCode(err error) int {
	var ee *exitError
	Expect(errors.As(err, &ee)).To(BeTrue(), "error %v carries no exit code", err)
	return ee.code
}

var _ = Describe("drill audit verify", func() {
	var (
		dir string
		out *bytes.Buffer
	)
	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		out = &bytes.Buffer{}
	})
	verify := func(args ...string) error {
		return cmdAudit(context.Background(), append([]string{"verify"}, args...), out)
	}

	It("prints one ok line with the entry count and digest per intact log", func() {
		a, da := auditLog(dir, "a.jsonl", 3)
		b, db := auditLog(dir, "b.jsonl", 1)
		Expect(verify(a, b)).To(Succeed())
		Expect(out.String()).To(Equal(a + ": ok, 3 entries, digest " + da + "\n" + b + ": ok, 1 entries, digest " + db + "\n"))
	})

	It("fails with exit 1 naming the file, line and entry of an edited log, after checking every file", func() {
		a, _ := auditLog(dir, "a.jsonl", 3)
		b, _ := auditLog(dir, "b.jsonl", 2)
		raw, err := os.ReadFile(a)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(a, bytes.Replace(raw, []byte(`"trial":2`), []byte(`"trial":7`), 1), 0o644)).To(Succeed())

		err = verify(a, b)
		Expect(auditExitCode(err)).To(Equal(exitFail))
		Expect(err.Error()).To(Equal(a + ": entry seq 2 at line 2: hash mismatch — the entry was modified after it was written"))
		Expect(out.String()).To(ContainSubstring(a + ": FAILED: entry seq 2 at line 2: hash mismatch"))
		Expect(out.String()).To(ContainSubstring(b + ": ok, 2 entries"))
	})

	It("checks the final digest a report carries, catching entries cut from the end", func() {
		a, digest := auditLog(dir, "a.jsonl", 3)
		Expect(verify("--digest", digest, a)).To(Succeed())

		raw, err := os.ReadFile(a)
		Expect(err).NotTo(HaveOccurred())
		lines := strings.SplitAfter(string(raw), "\n")
		Expect(os.WriteFile(a, []byte(lines[0]+lines[1]), 0o644)).To(Succeed())
		err = verify(a, "--digest", digest)
		Expect(auditExitCode(err)).To(Equal(exitFail))
		Expect(err.Error()).To(ContainSubstring("does not match the expected " + digest))
	})

	DescribeTable("reports usage problems with exit 2",
		func(args []string, msg string) {
			err := cmdAudit(context.Background(), args, out)
			Expect(auditExitCode(err)).To(Equal(exitConfig))
			Expect(err.Error()).To(ContainSubstring(msg))
		},
		Entry("no subcommand", []string{}, "usage: drill audit verify"),
		Entry("unknown subcommand", []string{"check", "x"}, "usage: drill audit verify"),
		Entry("no file", []string{"verify"}, "usage: drill audit verify"),
		Entry("unknown flag", []string{"verify", "--fix", "x"}, "flag provided but not defined"),
		Entry("--digest with two files", []string{"verify", "--digest", "ab", "x", "y"}, "--digest needs exactly one FILE"),
		Entry("missing file", []string{"verify", "/nonexistent/audit.jsonl"}, "no such file"),
	)
})
