package audit_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/audit"
)

// fakeClock returns a clock starting at a fixed non-UTC instant, advancing 1.5ms a call.
func fakeClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 11, 21, 23, 0, 0, 0, time.FixedZone("CET", 3600))
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(1500 * time.Microsecond)
		return t
	}
}

// writeLog creates a log of n entries at a fresh path and returns the path and digest.
func writeLog(n int) (string, string) {
	path := filepath.Join(GinkgoT().TempDir(), "audit.jsonl")
	l, err := audit.Create(path, audit.WithClock(fakeClock()))
	Expect(err).NotTo(HaveOccurred())
	for i := 1; i <= n; i++ {
		e := audit.Entry{Actor: audit.ActorDrill, Action: audit.ActionFaultApplied, Trial: i, Outcome: audit.OutcomeOK, Detail: fmt.Sprintf("step %d <&> \"q\"", i)}
		switch i {
		case 1:
			e.Action, e.Trial = audit.ActionRunStart, 0
		case n:
			e.Action, e.Trial = audit.ActionRunEnd, 0
		}
		Expect(l.Append(e)).To(Succeed())
	}
	digest := l.Digest()
	Expect(l.Close()).To(Succeed())
	return path, digest
}

func readLines(path string) []string {
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	return strings.SplitAfter(string(b), "\n")
}

var _ = Describe("Log", func() {
	It("writes one canonical, chained JSON line per entry, re-verifiable without Go", func() {
		path, digest := writeLog(3)
		b, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(b).To(HaveSuffix("\n"))
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		Expect(lines).To(HaveLen(3))

		Expect(lines[0]).To(HavePrefix(`{"seq":1,"time":"2026-11-21T22:00:00.0015Z","actor":"drill","action":"run_start","outcome":"ok","detail":"step 1 <&> \"q\"","prev":"` + audit.GenesisPrev + `","hash":"`))
		Expect(lines[1]).To(ContainSubstring(`"action":"fault_applied","trial":2,`))

		// The documented auditor's procedure: strip the trailing hash member, sha256.
		strip := regexp.MustCompile(`,"hash":"[0-9a-f]{64}"}$`)
		prev := audit.GenesisPrev
		for _, ln := range lines {
			var e audit.Entry
			Expect(json.Unmarshal([]byte(ln), &e)).To(Succeed())
			Expect(e.Prev).To(Equal(prev))
			Expect(strip.MatchString(ln)).To(BeTrue())
			h := sha256.Sum256([]byte(strip.ReplaceAllString(ln, "}")))
			Expect(hex.EncodeToString(h[:])).To(Equal(e.Hash))
			Expect(e.Time.Location()).To(Equal(time.UTC))
			prev = e.Hash
		}
		Expect(digest).To(Equal(prev))
	})

	It("starts its digest at the genesis value", func() {
		l, err := audit.Create(filepath.Join(GinkgoT().TempDir(), "a.jsonl"))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(l.Close)
		Expect(l.Digest()).To(Equal(audit.GenesisPrev))
	})

	It("refuses to create over an existing file and leaves it untouched", func() {
		path, _ := writeLog(2)
		before, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		_, err = audit.Create(path)
		Expect(err).To(MatchError(os.ErrExist))
		Expect(err.Error()).To(HavePrefix("create audit log: "))
		after, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(after).To(Equal(before))
	})

	DescribeTable("rejects entries missing what an auditor needs",
		func(e audit.Entry, msg string) {
			l, err := audit.Create(filepath.Join(GinkgoT().TempDir(), "a.jsonl"))
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(l.Close)
			Expect(l.Append(e)).To(MatchError(ContainSubstring(msg)))
			Expect(l.Digest()).To(Equal(audit.GenesisPrev))
		},
		Entry("empty actor", audit.Entry{Action: "verify", Outcome: "ok"}, `actor ""`),
		Entry("operator without a name", audit.Entry{Actor: "operator:", Action: "verify", Outcome: "ok"}, `actor "operator:"`),
		Entry("unknown actor kind", audit.Entry{Actor: "root", Action: "verify", Outcome: "ok"}, `actor "root"`),
		Entry("empty action", audit.Entry{Actor: "drill", Outcome: "ok"}, "action is empty"),
		Entry("empty outcome", audit.Entry{Actor: audit.Operator("ana"), Action: "approval"}, "outcome is empty"),
	)

	It("refuses appends after Close, and Close is idempotent", func() {
		l, err := audit.Create(filepath.Join(GinkgoT().TempDir(), "a.jsonl"))
		Expect(err).NotTo(HaveOccurred())
		Expect(l.Close()).To(Succeed())
		Expect(l.Close()).To(Succeed())
		Expect(l.Append(audit.Entry{Actor: "drill", Action: "verify", Outcome: "ok"})).To(MatchError(audit.ErrClosed))
	})

	It("keeps a valid chain under concurrent appends", func() {
		path := filepath.Join(GinkgoT().TempDir(), "audit.jsonl")
		l, err := audit.Create(path)
		Expect(err).NotTo(HaveOccurred())
		const workers, each = 8, 25
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer GinkgoRecover()
				defer wg.Done()
				for i := range each {
					Expect(l.Append(audit.Entry{Actor: audit.Operator(fmt.Sprint("w", w)), Action: audit.ActionVerify, Trial: i + 1, Outcome: audit.OutcomeOK})).To(Succeed())
					_ = l.Digest()
				}
			}()
		}
		wg.Wait()
		digest := l.Digest()
		Expect(l.Close()).To(Succeed())

		sum, err := audit.Verify(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum.Entries).To(Equal(workers * each))
		Expect(sum.Digest).To(Equal(digest))

		perWorker := map[string]int{}
		sc := bufio.NewScanner(bytes.NewReader(must(os.ReadFile(path))))
		for sc.Scan() {
			var e audit.Entry
			Expect(json.Unmarshal(sc.Bytes(), &e)).To(Succeed())
			perWorker[e.Actor]++
		}
		Expect(perWorker).To(HaveLen(workers))
		for _, n := range perWorker {
			Expect(n).To(Equal(each))
		}
	})
})

func must[T any](v T, err error) T {
	Expect(err).NotTo(HaveOccurred())
	return v
}
