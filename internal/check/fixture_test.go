package check_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// ledger is one real ledger fixture process; DeferCleanup kills it.
type ledger struct {
	cmd      *exec.Cmd
	endpoint string
	exited   chan struct{}
	client   *http.Client
	mu       sync.Mutex
	stderr   bytes.Buffer
}

// startLedger runs the fixture on a free 127.0.0.1 port with data in dir and waits
// until /version answers with its PID.
func startLedger(dir string, env ...string) *ledger {
	GinkgoHelper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	port := l.Addr().(*net.TCPAddr).Port
	Expect(l.Close()).To(Succeed())
	p := &ledger{
		endpoint: "127.0.0.1:" + strconv.Itoa(port),
		exited:   make(chan struct{}),
		client:   &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}},
	}
	p.cmd = exec.Command(ledgerBinary)
	p.cmd.Env = append([]string{"HOST=127.0.0.1", "PORT=" + strconv.Itoa(port), "LEDGER_DATA=" + dir}, env...)
	p.cmd.Stderr = lockedWriter{&p.mu, &p.stderr}
	Expect(p.cmd.Start()).To(Succeed())
	go func() {
		p.cmd.Wait() //nolint:errcheck // only the exit matters
		close(p.exited)
	}()
	DeferCleanup(func() {
		p.cmd.Process.Kill() //nolint:errcheck // it may be gone already
		<-p.exited
		p.client.CloseIdleConnections()
	})
	Eventually(func(g Gomega) {
		g.Expect(p.exited).NotTo(BeClosed(), "ledger exited early: %s", p.log())
		var v struct{ PID int }
		g.Expect(p.call(http.MethodGet, "/version", nil, &v)).To(Equal(http.StatusOK))
		g.Expect(v.PID).To(Equal(p.cmd.Process.Pid))
	}).WithTimeout(10 * time.Second).WithPolling(10 * time.Millisecond).Should(Succeed())
	return p
}

func (p *ledger) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// kill SIGKILLs the process and waits for it to be gone.
func (p *ledger) kill() {
	GinkgoHelper()
	Expect(p.cmd.Process.Kill()).To(Succeed())
	Eventually(p.exited).WithTimeout(10 * time.Second).Should(BeClosed())
}

// call sends a JSON request and decodes a 2xx answer into out; -1 when no answer.
func (p *ledger) call(method, path string, body, out any) int {
	GinkgoHelper()
	var b []byte
	if body != nil {
		var err error
		b, err = json.Marshal(body)
		Expect(err).NotTo(HaveOccurred())
	}
	req, err := http.NewRequest(method, "http://"+p.endpoint+path, bytes.NewReader(b))
	Expect(err).NotTo(HaveOccurred())
	resp, err := p.client.Do(req)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		Expect(json.NewDecoder(resp.Body).Decode(out)).To(Succeed())
	}
	return resp.StatusCode
}

const opening = 1_000_000

// workload is what a small transfer workload sent and learned.
type workload struct {
	intended  map[string]int64 // id → requested amount
	attempted []string
	acked     []string
}

// openAccounts opens n accounts a0..a<n-1> with the opening balance.
func (p *ledger) openAccounts(n int) {
	GinkgoHelper()
	for i := range n {
		Expect(p.call(http.MethodPost, "/accounts", map[string]any{"id": fmt.Sprintf("a%d", i), "balance": opening}, nil)).
			To(BeElementOf(http.StatusCreated, http.StatusOK))
	}
}

// transfers sends n transfers t-<from>.. between accounts of n accounts, from 4
// concurrent clients, each expected to be acknowledged.
func (p *ledger) transfers(w *workload, accounts, from, n int) {
	GinkgoHelper()
	if w.intended == nil {
		w.intended = map[string]int64{}
	}
	type sent struct {
		id   string
		code int
	}
	results := make([]sent, n)
	var wg sync.WaitGroup
	for c := range 4 {
		wg.Go(func() {
			defer GinkgoRecover()
			for i := c; i < n; i += 4 {
				seq := from + i
				id := fmt.Sprintf("t-%d", seq)
				body := map[string]any{"id": id, "from": fmt.Sprintf("a%d", seq%accounts), "to": fmt.Sprintf("a%d", (seq+1)%accounts), "amount": 1 + seq%97}
				results[i] = sent{id, p.call(http.MethodPost, "/transfers", body, nil)}
			}
		})
	}
	wg.Wait()
	for i, r := range results {
		w.intended[r.id] = int64(1 + (from+i)%97)
		w.attempted = append(w.attempted, r.id)
		Expect(r.code).To(Equal(http.StatusOK), r.id)
		w.acked = append(w.acked, r.id)
	}
}

// kvWorkload runs clients that each write and read keys of keys, recording a history.
func kvWorkload(c interface {
	Put(context.Context, int, string, string) error
	Get(context.Context, int, string) (string, bool, error)
}, clients, keys, rounds int) {
	GinkgoHelper()
	var wg sync.WaitGroup
	for cl := range clients {
		wg.Go(func() {
			defer GinkgoRecover()
			ctx := context.Background()
			for r := range rounds {
				key := fmt.Sprintf("k%d", (cl+r)%keys)
				Expect(c.Put(ctx, cl, key, fmt.Sprintf("c%d-r%d", cl, r))).To(Succeed())
				_, _, err := c.Get(ctx, cl, key)
				Expect(err).NotTo(HaveOccurred())
			}
		})
	}
	wg.Wait()
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
