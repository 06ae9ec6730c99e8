package process_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv"
)

// pidOf reads the pid of the process serving ep from the ledger's /version.
func pidOf(ep string) int {
	GinkgoHelper()
	code, body, err := probe(ep, "/version")
	Expect(err).NotTo(HaveOccurred())
	Expect(code).To(Equal(200))
	var v struct {
		PID     int    `json:"pid"`
		Release string `json:"release"`
	}
	Expect(json.Unmarshal([]byte(body), &v)).To(Succeed())
	return v.PID
}

func procState(pid int) string {
	s := readFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if i := strings.LastIndex(s, ") "); i >= 0 && len(s) > i+2 {
		return s[i+2 : i+3]
	}
	return ""
}

var _ = Describe("the process runtime", Ordered, func() {
	var (
		st  stack.Stack
		ctx = context.Background()
	)
	BeforeAll(func() {
		dir := GinkgoT().TempDir()
		prev, had := os.LookupEnv(fixture.DirEnv)
		Expect(testenv.BuildFixtures(ctx, dir)).To(Succeed())
		DeferCleanup(func() {
			if had {
				os.Setenv(fixture.DirEnv, prev)
			} else {
				os.Unsetenv(fixture.DirEnv)
			}
		})
	})

	BeforeEach(func() {
		var err error
		st, err = process.New().Up(ctx, ledgerStack(), stack.WithDataDir(GinkgoT().TempDir()))
		if st != nil {
			DeferCleanup(st.Down, context.Background())
		}
		Expect(err).NotTo(HaveOccurred())
	})

	It("serves each service through its front proxy and each scenario proxy", func() {
		svc, err := st.Service("ledger")
		Expect(err).NotTo(HaveOccurred())
		Expect(svc.Endpoint()).To(HavePrefix("127.0.0.1:"))
		code, _, err := probe(svc.Endpoint(), "/healthz")
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(200))
		proxies, err := st.Toxiproxy().Proxies()
		Expect(err).NotTo(HaveOccurred())
		Expect(proxies).To(HaveKey("ledger"))
		Expect(proxies).To(HaveKey("ledger-db"))
		code, _, err = probe(proxies["ledger-db"].Listen, "/healthz")
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(200))
	})

	It("tells every service where each scenario proxy listens, and the proxy reaches its upstream", func() {
		svc, _ := st.Service("ledger")
		environ := readFile(filepath.Join("/proc", strconv.Itoa(pidOf(svc.Endpoint())), "environ"))
		var addr string
		for _, kv := range strings.Split(environ, "\x00") {
			if v, ok := strings.CutPrefix(kv, "DRILL_PROXY_LEDGER_DB="); ok {
				addr = v
			}
		}
		Expect(addr).To(HavePrefix("127.0.0.1:"))
		code, _, err := probe(addr, "/healthz")
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(200))
	})

	It("redeploys a service with another release start-first: a new process takes the traffic, the old one drains and stops", func() {
		svc, _ := st.Service("ledger")
		before := pidOf(svc.Endpoint())
		var steps []stack.DeployStep
		var mu sync.Mutex
		Expect(svc.Deploy(ctx, "v2", stack.WithSteps(func(s stack.DeployStep, _ string) {
			mu.Lock()
			defer mu.Unlock()
			steps = append(steps, s)
		}))).To(Succeed())
		Expect(svc.Release()).To(Equal("v2"))
		after := pidOf(svc.Endpoint())
		Expect(after).NotTo(Equal(before))
		Eventually(func() bool { return alive(before) }).Should(BeFalse())
		Eventually(func() []stack.DeployStep {
			mu.Lock()
			defer mu.Unlock()
			return append([]stack.DeployStep(nil), steps...)
		}).Should(Equal([]stack.DeployStep{stack.StepReady, stack.StepSwitched, stack.StepDrained}))
		Expect(svc.Deploy(ctx, "nope")).To(MatchError(ContainSubstring(`release "nope"`)))
	})

	It("stops a drained release only once it accepted the connections sent to it before the flip", func() {
		svc, _ := st.Service("ledger")
		v1 := pidOf(svc.Endpoint())
		v1Addr := process.InstanceAddr(svc)
		// v1 cannot accept (a loaded machine's worst case): the connection opened now
		// waits in its accept queue (through the front proxy and the switch), its request
		// with it.
		thaw := freeze(v1)
		_, port, _ := net.SplitHostPort(v1Addr)
		v1Port, _ := strconv.Atoi(port)
		queued := func() int { n, _ := stack.AcceptQueue(stack.SelfNet, v1Port); return n }
		c := sendRequest(svc.Endpoint())
		// The spec's precondition, not its assertion: in fresh-clone make test runs the
		// request sometimes never reached the frozen v1's accept queue (0 for 10 s, v1
		// stopped and listening; cause not found, see the issue notes). Then the drain
		// cannot be judged, and the spec says so instead of failing or passing.
		for deadline := time.Now().Add(5 * time.Second); queued() != 1 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		if n := queued(); n != 1 {
			Skip(fmt.Sprintf("precondition not met: the request did not reach the frozen release's accept queue within 5 s (queue %d); the drain was not judged", n))
		}

		Expect(svc.Deploy(ctx, "v2")).To(Succeed())
		time.Sleep(300 * time.Millisecond) // v1 is being drained, and still frozen
		thaw()
		expectAnswered(c, "v1", 5*time.Second)
		Eventually(func() bool { return alive(v1) }, 10*time.Second).Should(BeFalse(), "and then v1 stopped")
	})

	It("kills, pauses and restarts the service's process", func() {
		svc, _ := st.Service("ledger")
		ctl := svc.(stack.Controller)
		pid := pidOf(svc.Endpoint())

		Expect(svc.(stack.Pauser).Pause(ctx, true)).To(Succeed())
		Eventually(func() string { return procState(pid) }).Should(Equal("T"))
		_, _, err := probe(svc.Endpoint(), "/healthz")
		Expect(err).To(HaveOccurred(), "a paused service cannot answer")
		Expect(svc.(stack.Pauser).Pause(ctx, false)).To(Succeed())
		Eventually(func() error { _, _, err := probe(svc.Endpoint(), "/healthz"); return err }).Should(Succeed())

		Expect(ctl.Kill(ctx)).To(Succeed())
		Expect(alive(pid)).To(BeFalse())
		_, _, err = probe(svc.Endpoint(), "/healthz")
		Expect(err).To(HaveOccurred())

		Expect(ctl.Restart(ctx)).To(Succeed())
		Expect(pidOf(svc.Endpoint())).NotTo(Equal(pid))
	})

	It("marks a kill's and a pause's effect when the kernel has stopped the process, before the call returns (a trial dates the fault by it)", func() {
		svc, _ := st.Service("ledger")
		ctl := svc.(stack.Controller)
		pid := pidOf(svc.Endpoint())
		// The mark blocks the call that made it: the process can reach state T (stopped)
		// meanwhile only if SIGSTOP went out before the mark, and is still there only if
		// the kill has not gone on to SIGKILL.
		var states []string
		mctx := stack.WithEffect(ctx, func() {
			deadline := time.Now().Add(2 * time.Second)
			for procState(pid) != "T" && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			states = append(states, procState(pid))
		})

		Expect(svc.(stack.Pauser).Pause(mctx, true)).To(Succeed())
		Expect(states).To(Equal([]string{"T"}), "one mark, once SIGSTOP was sent (/proc/%d/stat)", pid)
		Expect(svc.(stack.Pauser).Pause(mctx, false)).To(Succeed())
		Expect(states).To(HaveLen(1), "a thaw marks nothing")

		Expect(ctl.Kill(mctx)).To(Succeed())
		Expect(states).To(Equal([]string{"T", "T"}), "the kill's mark: stopped, not yet killed")
		Expect(alive(pid)).To(BeFalse())
	})

	It("removes every process, proxy listener and owned directory at Down, and is idempotent", func() {
		svc, _ := st.Service("ledger")
		pid := pidOf(svc.Endpoint())
		ep := svc.Endpoint()
		Expect(st.Down(ctx)).To(Succeed())
		Expect(st.Down(ctx)).To(Succeed())
		Expect(alive(pid)).To(BeFalse())
		_, _, err := probe(ep, "/healthz")
		Expect(err).To(HaveOccurred())

		tmp := GinkgoT().TempDir()
		GinkgoT().Setenv("TMPDIR", tmp)
		own, err := process.New().Up(ctx, ledgerStack())
		Expect(err).NotTo(HaveOccurred())
		Expect(os.ReadDir(tmp)).To(HaveLen(1))
		Expect(own.Down(ctx)).To(Succeed())
		Expect(os.ReadDir(tmp)).To(BeEmpty())
	})

	It("returns a half-built stack with a clear error when a service cannot start", func() {
		spec := ledgerStack()
		spec.Services = append(spec.Services, scenario.Service{Name: "broken", Command: []string{"/bin/false"},
			Port: 9000, Health: "/healthz", Release: "v1", Releases: []scenario.Release{{Name: "v1"}},
			StartTimeout: scenario.Duration(5 * time.Second)})
		half, err := process.New().Up(ctx, spec, stack.WithDataDir(GinkgoT().TempDir()))
		Expect(err).To(MatchError(ContainSubstring("start broken v1: exited before it was ready")))
		Expect(half).NotTo(BeNil())
		svc, lerr := half.Service("ledger")
		Expect(lerr).NotTo(HaveOccurred())
		pid := pidOf(svc.Endpoint())
		Expect(half.Down(ctx)).To(Succeed())
		Expect(alive(pid)).To(BeFalse())
	})
})
