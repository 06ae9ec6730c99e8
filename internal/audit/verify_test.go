package audit_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/audit"
)

var hashMember = regexp.MustCompile(`,"hash":"[0-9a-f]{64}"}\n$`)

// rehash recomputes a line's hash the way a careful forger would.
func rehash(ln string) string {
	canon := hashMember.ReplaceAllString(ln, "}")
	h := sha256.Sum256([]byte(canon))
	return strings.TrimSuffix(canon, "}") + `,"hash":"` + hex.EncodeToString(h[:]) + "\"}\n"
}

// tamper rewrites the log at path with edit applied to its lines (each with its "\n";
// the last element is what follows the final newline, normally "").
func tamper(path string, edit func([]string) []string) {
	lines := readLines(path)
	Expect(os.WriteFile(path, []byte(strings.Join(edit(lines), "")), 0o644)).To(Succeed())
}

// tamperErr verifies path expecting a *TamperError and returns it.
func tamperErr(path string) *audit.TamperError {
	_, err := audit.Verify(path)
	Expect(err).To(MatchError(audit.ErrTampered))
	Expect(err.Error()).NotTo(ContainSubstring("\n"))
	var te *audit.TamperError
	Expect(errors.As(err, &te)).To(BeTrue())
	return te
}

var _ = Describe("Verify", func() {
	It("accepts a fresh log and summarises it", func() {
		path, digest := writeLog(5)
		sum, err := audit.Verify(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum.Entries).To(Equal(5))
		Expect(sum.Digest).To(Equal(digest))
		Expect(sum.LastAction).To(Equal(audit.ActionRunEnd))
		Expect(sum.First).To(Equal(time.Date(2026, 11, 21, 22, 0, 0, 1_500_000, time.UTC)))
		Expect(sum.Last).To(Equal(time.Date(2026, 11, 21, 22, 0, 0, 7_500_000, time.UTC)))
	})

	It("tells the intact log of a run that never finished from a finished one", func() {
		path, _ := writeLog(5)
		sum, err := audit.Verify(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum.Finished()).To(BeTrue())
		Expect(sum.Unfinished()).To(Succeed())

		By("cutting run_end off at a line boundary, as a SIGKILL before it leaves the log")
		tamper(path, func(l []string) []string { return append(l[:4], "") })
		sum, err = audit.Verify(path)
		Expect(err).NotTo(HaveOccurred(), "every entry left is genuine: the chain is intact")
		Expect(sum.Entries).To(Equal(4))
		Expect(sum.Finished()).To(BeFalse())
		err = sum.Unfinished()
		Expect(err).To(MatchError(audit.ErrUnfinished))
		Expect(err).NotTo(MatchError(audit.ErrTampered))
		Expect(err.Error()).To(ContainSubstring("unfinished run: chain intact through 4 entries but no run_end entry"))
		Expect(err.Error()).To(ContainSubstring(`last: "fault_applied"`))
		Expect(err.Error()).NotTo(ContainSubstring("\n"))
	})

	It("names the entry whose field was edited", func() {
		path, _ := writeLog(5)
		tamper(path, func(l []string) []string {
			l[2] = strings.Replace(l[2], `"outcome":"ok"`, `"outcome":"error"`, 1)
			return l
		})
		te := tamperErr(path)
		Expect(te.Line).To(Equal(3))
		Expect(te.Seq).To(BeEquivalentTo(3))
		Expect(te.Error()).To(Equal("entry seq 3 at line 3: hash mismatch — the entry was modified after it was written"))
	})

	It("names the entry after one that was edited and re-hashed", func() {
		path, _ := writeLog(5)
		tamper(path, func(l []string) []string {
			l[2] = rehash(strings.Replace(l[2], `"outcome":"ok"`, `"outcome":"error"`, 1))
			return l
		})
		te := tamperErr(path)
		Expect(te.Error()).To(HavePrefix("entry seq 4 at line 4: prev does not match entry seq 3 — "))
	})

	It("names the entry after a deleted line", func() {
		path, _ := writeLog(5)
		tamper(path, func(l []string) []string { return append(l[:2], l[3:]...) })
		te := tamperErr(path)
		Expect(te.Error()).To(Equal("entry seq 4 at line 3: prev does not match entry seq 2 and seq 3 is missing — an entry was removed"))
	})

	It("names a deleted first line", func() {
		path, _ := writeLog(3)
		tamper(path, func(l []string) []string { return l[1:] })
		Expect(tamperErr(path).Error()).To(HavePrefix("entry seq 2 at line 1: expected seq 1 and prev of 64 zeros, seq 1 is missing"))
	})

	It("names two swapped lines", func() {
		path, _ := writeLog(5)
		tamper(path, func(l []string) []string {
			l[1], l[2] = l[2], l[1]
			return l
		})
		te := tamperErr(path)
		Expect(te.Error()).To(Equal("entry seq 3 at line 2: out of order: expected seq 2 here, found at line 3 — entries were reordered"))
	})

	It("names a duplicated (replayed) line", func() {
		path, _ := writeLog(3)
		tamper(path, func(l []string) []string { return append(l[:2], l[1:]...) })
		Expect(tamperErr(path).Error()).To(HavePrefix("entry seq 2 at line 3: out of order: expected seq 3, seq 2 comes after"))
	})

	It("names a torn last line", func() {
		path, _ := writeLog(5)
		tamper(path, func(l []string) []string {
			l[4] = l[4][:len(l[4])/2]
			return l
		})
		te := tamperErr(path)
		Expect(te.Line).To(Equal(5))
		Expect(te.Error()).To(Equal("line 5: last line is truncated (no newline; expected seq 5) — the log was cut or torn mid-write"))
	})

	It("names a last line that lost only its newline", func() {
		path, _ := writeLog(2)
		tamper(path, func(l []string) []string {
			l[1] = strings.TrimSuffix(l[1], "\n")
			return l
		})
		Expect(tamperErr(path).Error()).To(HavePrefix("entry seq 2 at line 2: last line is truncated"))
	})

	It("names an unparsable line", func() {
		path, _ := writeLog(3)
		tamper(path, func(l []string) []string {
			l[1] = "this is not json\n"
			return l
		})
		te := tamperErr(path)
		Expect(te.Line).To(Equal(2))
		Expect(te.Error()).To(HavePrefix("line 2: unparsable entry (expected seq 2): "))
	})

	It("names an empty line", func() {
		path, _ := writeLog(3)
		tamper(path, func(l []string) []string { return append([]string{l[0], "\n"}, l[1:]...) })
		Expect(tamperErr(path).Error()).To(Equal("line 2: unparsable entry (expected seq 2): empty line"))
	})

	It("refuses a line with an unknown member even if re-hashed", func() {
		path, _ := writeLog(2)
		tamper(path, func(l []string) []string {
			l[0] = rehash(strings.Replace(l[0], `"detail":`, `"approved_by":"x","detail":`, 1))
			return l
		})
		Expect(tamperErr(path).Error()).To(ContainSubstring("line 1: unparsable entry"))
	})

	It("refuses a re-hashed line that is not in canonical form", func() {
		path, _ := writeLog(2)
		tamper(path, func(l []string) []string {
			l[0] = rehash(strings.Replace(l[0], `"actor":"drill"`, `"actor": "drill"`, 1))
			return l
		})
		Expect(tamperErr(path).Error()).To(HavePrefix("entry seq 1 at line 1: not in canonical form"))
	})

	It("refuses a re-hashed time that is not UTC", func() {
		path, _ := writeLog(2)
		tamper(path, func(l []string) []string {
			l[0] = rehash(strings.Replace(l[0], `T22:00:00.0015Z`, `T23:00:00.0015+01:00`, 1))
			return l
		})
		Expect(tamperErr(path).Error()).To(HavePrefix("entry seq 1 at line 1: time 2026-11-21T23:00:00.0015+01:00 is not UTC"))
	})

	It("refuses an empty log", func() {
		path := filepath.Join(GinkgoT().TempDir(), "empty.jsonl")
		Expect(os.WriteFile(path, nil, 0o644)).To(Succeed())
		Expect(tamperErr(path).Error()).To(HavePrefix("line 1: log has no entries"))
	})

	It("keeps an unreadable file apart from a tampered one", func() {
		_, err := audit.Verify(filepath.Join(GinkgoT().TempDir(), "missing.jsonl"))
		Expect(err).To(MatchError(os.ErrNotExist))
		Expect(err).NotTo(MatchError(audit.ErrTampered))
	})
})

// independentLog was written by a Python script following only the package doc
// (hashlib.sha256 over each line with its hash member removed), not by this package.
const independentLog = `{"seq":1,"time":"2026-11-21T22:00:00.0015Z","actor":"drill","action":"verify","trial":1,"outcome":"ok","detail":"a \"q\" \\ <&>","prev":"0000000000000000000000000000000000000000000000000000000000000000","hash":"c010bfad922e891babbee59eade29d8e1b2acd9f2b4b0c0c83c97db432b72bea"}
{"seq":2,"time":"2026-11-21T22:00:00.0015Z","actor":"drill","action":"verify","trial":2,"outcome":"ok","detail":"a \"q\" \\ <&>","prev":"c010bfad922e891babbee59eade29d8e1b2acd9f2b4b0c0c83c97db432b72bea","hash":"43c3830405256b1110142651d8e8300b6ecc64904eca096d6a6c90107f122d08"}
{"seq":3,"time":"2026-11-21T22:00:00.0015Z","actor":"drill","action":"verify","trial":3,"outcome":"ok","detail":"a \"q\" \\ <&>","prev":"43c3830405256b1110142651d8e8300b6ecc64904eca096d6a6c90107f122d08","hash":"1b453ddad8d3756ed1e9b30759bf5e67e19aea46b6913af82e6634282e2c64c3"}
`

var _ = Describe("the documented format", func() {
	It("verifies a log written by another tool from the documentation alone", func() {
		path := filepath.Join(GinkgoT().TempDir(), "independent.jsonl")
		Expect(os.WriteFile(path, []byte(independentLog), 0o644)).To(Succeed())
		sum, err := audit.Verify(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum.Entries).To(Equal(3))
		Expect(sum.Digest).To(Equal("1b453ddad8d3756ed1e9b30759bf5e67e19aea46b6913af82e6634282e2c64c3"))
	})
})

var _ = Describe("the end of a run's log", func() {
	// appendForged chains a new line after the log's last one, as a forger who can
	// write the file and knows the format would: right seq, right prev, right hash.
	appendForged := func(path, action string) {
		lines := readLines(path)
		last := lines[len(lines)-2]
		prevHash := regexp.MustCompile(`"hash":"([0-9a-f]{64})"`).FindStringSubmatch(last)[1]
		seq := len(lines) - 1
		forged := regexp.MustCompile(`"seq":\d+`).ReplaceAllString(last, fmt.Sprintf(`"seq":%d`, seq+1))
		forged = regexp.MustCompile(`"prev":"[0-9a-f]{64}"`).ReplaceAllString(forged, `"prev":"`+prevHash+`"`)
		forged = regexp.MustCompile(`"action":"[a-z_]+"`).ReplaceAllString(forged, `"action":"`+action+`"`)
		tamper(path, func(ls []string) []string { return append(ls[:len(ls)-1], rehash(forged), "") })
	}

	It("rejects an entry chained after run_end, and a second run_end", func() {
		for _, action := range []string{"decision_approved", audit.ActionRunEnd} {
			path, _ := writeLog(4)
			appendForged(path, action)
			te := tamperErr(path)
			Expect(te.Line).To(Equal(5))
			Expect(te.Seq).To(Equal(int64(5)))
			Expect(te.Error()).To(ContainSubstring(fmt.Sprintf("%q entry after the run's run_end at line 4", action)))
		}
		By("the same forgery before run_end's place is an intact, unfinished chain: only the end is final")
		path, _ := writeLog(4)
		tamper(path, func(ls []string) []string { return append(ls[:3], "") })
		appendForged(path, "decision_approved")
		_, err := audit.Verify(path)
		Expect(err).NotTo(HaveOccurred())
	})

	It("takes no entry after run_end", func() {
		path := filepath.Join(GinkgoT().TempDir(), "audit.jsonl")
		l, err := audit.Create(path)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(l.Close)
		for _, a := range []string{audit.ActionRunStart, audit.ActionRunEnd} {
			Expect(l.Append(audit.Entry{Actor: audit.ActorDrill, Action: a, Outcome: audit.OutcomeOK})).To(Succeed())
		}
		Expect(l.Append(audit.Entry{Actor: audit.ActorDrill, Action: audit.ActionRunEnd, Outcome: audit.OutcomeOK})).
			To(MatchError(ContainSubstring("the log ended with run_end")))
		sum, err := audit.Verify(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum.Entries).To(Equal(2))
	})
})
