// Package stacktest holds what the specs of every runtime share: the ledger stack they
// start, HTTP probes, the drain specs' freeze and queued request, and the check that a
// runtime declares the capabilities its services implement. Test code only.
package stacktest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// Freeze stops process pid (SIGSTOP), so it accepts nothing, and returns the thaw, which
// must find it still there. A spec that ends before thawing thaws it at cleanup.
func Freeze(pid int) (thaw func()) {
	ginkgo.GinkgoHelper()
	gomega.Expect(syscall.Kill(pid, syscall.SIGSTOP)).To(gomega.Succeed())
	var once sync.Once
	ginkgo.DeferCleanup(func() { once.Do(func() { _ = syscall.Kill(pid, syscall.SIGCONT) }) })
	return func() {
		ginkgo.GinkgoHelper()
		var err error
		once.Do(func() { err = syscall.Kill(pid, syscall.SIGCONT) })
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "the frozen process is still there to thaw")
	}
}

// QueueRequest opens a connection to ep, sends GET /version on it, and returns it once
// queued reports it waiting in the accept queue of the instance behind ep (within).
func QueueRequest(ep string, queued func() int, within time.Duration) net.Conn {
	ginkgo.GinkgoHelper()
	c := SendRequest(ep)
	gomega.Eventually(queued).WithTimeout(within).Should(gomega.Equal(1))
	return c
}

// SendRequest opens a connection to ep and sends GET /version on it; the connection is
// closed when the spec ends.
func SendRequest(ep string) net.Conn {
	ginkgo.GinkgoHelper()
	c, err := net.Dial("tcp", ep)
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	ginkgo.DeferCleanup(c.Close)
	_, err = fmt.Fprint(c, "GET /version HTTP/1.1\r\nHost: ledger\r\n\r\n")
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	return c
}

// ExpectAnswered reads the answer to QueueRequest's request on c (within): 200, from
// release.
func ExpectAnswered(c net.Conn, release string, within time.Duration) {
	ginkgo.GinkgoHelper()
	gomega.Expect(c.SetReadDeadline(time.Now().Add(within))).To(gomega.Succeed())
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "the request sent to the old release before the flip was answered, not reset")
	body, _ := io.ReadAll(resp.Body)
	gomega.Expect(resp.StatusCode).To(gomega.Equal(http.StatusOK))
	gomega.Expect(string(body)).To(gomega.ContainSubstring(`"release":"` + release + `"`))
}

// LedgerStack is a one-service stack of the ledger fixture with releases v1 and v2, and
// one scenario proxy in front of it.
func LedgerStack() scenario.Stack {
	return scenario.Stack{
		Services: []scenario.Service{{
			Name:         "ledger",
			Fixture:      "ledger",
			Port:         8080,
			Health:       "/healthz",
			StartTimeout: scenario.Duration(30 * time.Second),
			Release:      "v1",
			Releases:     []scenario.Release{{Name: "v1"}, {Name: "v2", Env: map[string]string{"LEDGER_DURABILITY": "always"}}},
		}},
		Proxies: []scenario.Proxy{{Name: "ledger-db", Upstream: "ledger"}},
	}
}

// Probe GETs path through ep on a fresh connection with a short timeout.
func Probe(ep, path string) (int, string, error) {
	c := &http.Client{Timeout: 500 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get("http://" + ep + path)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// Healthy is a poll of the ledger's health path through ep: nil once it answers 200.
func Healthy(ep string) func() error {
	return func() error {
		code, _, err := Probe(ep, "/healthz")
		if err != nil {
			return err
		}
		if code != http.StatusOK {
			return fmt.Errorf("status %d", code)
		}
		return nil
	}
}

// Release is the release the ledger behind ep says it runs (GET /version).
func Release(ep string) string {
	ginkgo.GinkgoHelper()
	code, body, err := Probe(ep, "/version")
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	gomega.Expect(code).To(gomega.Equal(http.StatusOK))
	var v struct {
		Release string `json:"release"`
	}
	gomega.Expect(json.Unmarshal([]byte(body), &v)).To(gomega.Succeed())
	return v.Release
}

func Alive(pid int) bool {
	_, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid)))
	return err == nil && !strings.Contains(ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat")), ") Z ")
}

func ReadFile(p string) string { b, _ := os.ReadFile(p); return string(b) }

// CmdService is a command service with releases v1 and v2 (RELEASE in their env).
func CmdService(name string, ready *scenario.Ready, argv ...string) scenario.Service {
	return scenario.Service{Name: name, Command: argv, Port: 9000, Ready: ready, Release: "v1",
		Releases: []scenario.Release{
			{Name: "v1", Env: map[string]string{"RELEASE": "v1"}},
			{Name: "v2", Env: map[string]string{"RELEASE": "v2"}},
		},
		StartTimeout: scenario.Duration(10 * time.Second)}
}

// ExpectDeclared holds reg's declared capabilities to what svc implements: every
// capability that stands for an interface is declared exactly when svc implements it.
func ExpectDeclared(reg stack.Registration, svc stack.Service) {
	ginkgo.GinkgoHelper()
	var declared stack.Capabilities
	for _, c := range reg.Capabilities {
		if c.Interfaced() {
			declared = append(declared, c)
		}
	}
	gomega.Expect(declared).To(gomega.ConsistOf(stack.Implemented(svc)), "runtime %s declares what its services implement", reg.Name)
}

// DependsOnStack is an application that asks its database (Redis) for a PONG when told
// to stop, writing the answer to its data dir: a teardown in the reverse of depends_on
// order gets one.
func DependsOnStack() scenario.Stack {
	db := CmdService("db", &scenario.Ready{Log: "Ready to accept connections"},
		"redis-server", "--bind", "${HOST}", "--protected-mode", "no", "--port", "${PORT}", "--save", "")
	db.Port = 6379
	app := CmdService("app", &scenario.Ready{Log: "app ready"}, "sh", "-c",
		`trap 'redis-cli -u "redis://$DB" ping > "$DATA_DIR/at-stop" 2>&1; exit 0' TERM; echo app ready; while :; do sleep 0.05; done`)
	app.Env = map[string]string{"DB": "${ENDPOINT_DB}"}
	app.DependsOn = []string{"db"}
	return scenario.Stack{Services: []scenario.Service{app, db}}
}

// DeadPID is a pid no process can have: one above the kernel's pid_max.
func DeadPID() int {
	max := 4194304
	if b, err := os.ReadFile("/proc/sys/kernel/pid_max"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			max = n
		}
	}
	return max + 1
}
