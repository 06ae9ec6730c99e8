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

// auditLog writes a fresh audit log of a finished run, n entries ending with run_end,
// into dir and returns its path and digest.
func auditLog(dir, name string, n int) (string, string) {
	return auditLogOf(dir, name, n, true)
}

// auditLogOf writes n entries into dir/name, the last one run_end when finished.
func auditLogOf(dir, name string, n int, finished bool) (string, string) {
	path := filepath.Join(dir, name)
	l, err := audit.Create(path)
	Expect(err).NotTo(HaveOccurred())
	for i := range n {
		e := audit.Entry{Actor: audit.ActorDrill, Action: audit.ActionVerify, Trial: i + 1, Outcome: audit.OutcomeOK}
		if finished && i == n-1 {
			e.Action, e.Trial = audit.ActionRunEnd, 0
		}
		Expect(l.Append(e)).To(Succeed())
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

	It("names the log of a run that never finished as unfinished with exit 5, never ok", func() {
		a, _ := auditLog(dir, "a.jsonl", 3)
		u, du := auditLogOf(dir, "killed.jsonl", 2, false)
		err := verify(a, u)
		Expect(auditExitCode(err)).To(Equal(exitUnfinished))
		Expect(err.Error()).To(HavePrefix(u + ": unfinished run: chain intact through 2 entries but no run_end entry"))
		Expect(out.String()).To(ContainSubstring(a + ": ok, 3 entries"))
		Expect(out.String()).To(ContainSubstring(u + ": UNFINISHED RUN: 2 entries, no run_end entry, last \"verify\""))
		Expect(out.String()).To(ContainSubstring("digest " + du))
		Expect(out.String()).NotTo(ContainSubstring(u + ": ok"))

		By("a tampered log among them still decides the exit code")
		b, _ := auditLog(dir, "b.jsonl", 2)
		raw, err := os.ReadFile(b)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(b, bytes.Replace(raw, []byte(`"trial":1`), []byte(`"trial":7`), 1), 0o644)).To(Succeed())
		err = verify(u, b)
		Expect(auditExitCode(err)).To(Equal(exitFail))
		Expect(err.Error()).To(HavePrefix(b + ": entry seq 1 at line 1: hash mismatch"))
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
