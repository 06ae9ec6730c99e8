package inject_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	toxiclient "github.com/Shopify/toxiproxy/v2/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/drillhq/drill/internal/stack"
)

// testStack is a real, minimal stack.Stack: an embedded Toxiproxy server with one proxy
// named "web" in front of a real upstream HTTP server, plus whatever services a test adds.
type testStack struct {
	client   *toxiclient.Client
	proxy    string // listen address of the "web" proxy
	services map[string]stack.Service
}

func (s *testStack) Service(name string) (stack.Service, error) {
	svc, ok := s.services[name]
	if !ok {
		return nil, fmt.Errorf("no service %q", name)
	}
	return svc, nil
}

func (s *testStack) Toxiproxy() *toxiclient.Client { return s.client }

func (s *testStack) Down(context.Context) error { return nil }

// startStack starts an embedded Toxiproxy, an upstream serving "/" (body "ok") and
// "/bytes/N" (N bytes of 'x'), and a proxy "web" in front of it. Everything is cleaned up.
func startStack() *testStack {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n, ok := strings.CutPrefix(r.URL.Path, "/bytes/"); ok {
			size, err := strconv.Atoi(n)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Length", strconv.Itoa(size))
			_, _ = w.Write([]byte(strings.Repeat("x", size)))
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	DeferCleanup(upstream.Close)

	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	api := &http.Server{Handler: srv.Routes(), ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = api.Serve(ln)
	}()
	DeferCleanup(func() {
		Expect(srv.Collection.Clear()).To(Succeed())
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		Expect(api.Shutdown(ctx)).To(Succeed())
		<-done
	})

	client := toxiclient.NewClient("http://" + ln.Addr().String())
	p, err := client.CreateProxy("web", "127.0.0.1:0", strings.TrimPrefix(upstream.URL, "http://"))
	Expect(err).NotTo(HaveOccurred())
	return &testStack{client: client, proxy: p.Listen, services: map[string]stack.Service{}}
}

// get fetches path through the proxy on a fresh connection and returns the body, how long
// the whole exchange took, and any error.
func (s *testStack) get(path string, timeout time.Duration) (string, time.Duration, error) {
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: timeout}
	start := time.Now()
	resp, err := c.Get("http://" + s.proxy + path)
	if err != nil {
		return "", time.Since(start), err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), time.Since(start), err
}

// healthy reports whether "/" answers "ok" through the proxy within a second.
func (s *testStack) healthy() error {
	body, _, err := s.get("/", time.Second)
	if err != nil {
		return err
	}
	if body != "ok" {
		return fmt.Errorf("body %q", body)
	}
	return nil
}

// toxicCount is how many toxics the "web" proxy has.
func (s *testStack) toxicCount() int {
	p, err := s.client.Proxy("web")
	Expect(err).NotTo(HaveOccurred())
	toxics, err := p.Toxics()
	Expect(err).NotTo(HaveOccurred())
	return len(toxics)
}

// procService is a real stack.Service and stack.Controller (and stack.Stopper) backed by a
// child process (`sleep 60`): Kill sends SIGKILL, Pause SIGSTOP/SIGCONT, Stop SIGTERM,
// Restart stops the process if it runs and starts a new one.
type procService struct {
	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	// exits records how each process ended, in order.
	exits []*os.ProcessState
	// revives counts the starts Revive made.
	revives int
}

func newProcService() *procService {
	s := &procService{}
	Expect(s.start()).To(Succeed())
	DeferCleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.end(syscall.SIGKILL)
	})
	return s
}

func (s *procService) Endpoint() string { return "" }
func (s *procService) Release() string  { return "v1" }
func (s *procService) Deploy(context.Context, string, ...stack.DeployOption) error {
	return errors.New("not supported")
}

func (s *procService) start() error {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	s.cmd, s.done = cmd, done
	return nil
}

// end signals the running process (if any), waits for it and records its exit. Caller holds mu.
func (s *procService) end(sig syscall.Signal) {
	if s.cmd == nil {
		return
	}
	// A stopped process only acts on SIGTERM once continued.
	_ = s.cmd.Process.Signal(sig)
	_ = s.cmd.Process.Signal(syscall.SIGCONT)
	<-s.done
	s.exits = append(s.exits, s.cmd.ProcessState)
	s.cmd = nil
}

func (s *procService) Kill(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return errors.New("not running")
	}
	s.end(syscall.SIGKILL)
	return nil
}

func (s *procService) Stop(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return errors.New("not running")
	}
	s.end(syscall.SIGTERM)
	return nil
}

func (s *procService) Pause(_ context.Context, paused bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return errors.New("not running")
	}
	if paused {
		return s.cmd.Process.Signal(syscall.SIGSTOP)
	}
	return s.cmd.Process.Signal(syscall.SIGCONT)
}

func (s *procService) Restart(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.end(syscall.SIGTERM)
	return s.start()
}

// Revive starts the process when none runs (stack.Reviver).
func (s *procService) Revive(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return nil
	}
	s.revives++
	return s.start()
}

// pid is the running process's pid, or 0.
func (s *procService) pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// lastExitSignal is the signal that ended the last process, or -1.
func (s *procService) lastExitSignal() syscall.Signal {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.exits) == 0 {
		return -1
	}
	ws := s.exits[len(s.exits)-1].Sys().(syscall.WaitStatus)
	if !ws.Signaled() {
		return -1
	}
	return ws.Signal()
}

// procState is the kernel's state letter for pid (R, S, T, ...), from /proc/PID/stat.
func procState(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "gone"
	}
	// pid (comm) STATE ...; comm may hold spaces, so cut after the last ')'.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return fields[0]
}

// netService is a real stack.Service and stack.Disconnector: an HTTP server on a loopback
// port that Disconnect closes and Reconnect opens again on the same address.
type netService struct {
	mu   sync.Mutex
	addr string
	srv  *http.Server
}

func newNetService() *netService {
	s := &netService{addr: "127.0.0.1:0"}
	Expect(s.Reconnect(context.Background())).To(Succeed())
	DeferCleanup(func() { Expect(s.Disconnect(context.Background())).To(Succeed()) })
	return s
}

func (s *netService) Endpoint() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

func (s *netService) Release() string { return "v1" }
func (s *netService) Deploy(context.Context, string, ...stack.DeployOption) error {
	return errors.New("not supported")
}

func (s *netService) Disconnect(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv == nil {
		return nil
	}
	err := s.srv.Close()
	s.srv = nil
	return err
}

func (s *netService) Reconnect(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	s.addr = ln.Addr().String()
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }),
		ReadHeaderTimeout: time.Second,
	}
	go func(srv *http.Server) { _ = srv.Serve(ln) }(s.srv)
	return nil
}

// probe GETs the service directly.
func (s *netService) probe() error {
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: time.Second}).Get("http://" + s.Endpoint() + "/")
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// plainService is a stack.Service whose runtime can do nothing to it.
type plainService struct{}

func (plainService) Endpoint() string                                            { return "" }
func (plainService) Release() string                                             { return "v1" }
func (plainService) Deploy(context.Context, string, ...stack.DeployOption) error { return nil }

// raw sends an HTTP/1.0 request for path over a plain TCP connection to the proxy and reads
// until the connection ends; it returns what was read, how long until the end, and the
// read error (nil on a clean EOF).
func (s *testStack) raw(path string, timeout time.Duration) ([]byte, time.Duration, error) {
	start := time.Now()
	conn, err := net.DialTimeout("tcp", s.proxy, timeout)
	if err != nil {
		return nil, time.Since(start), err
	}
	defer conn.Close()
	Expect(conn.SetDeadline(start.Add(timeout))).To(Succeed())
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.0\r\nHost: web\r\n\r\n", path); err != nil {
		return nil, time.Since(start), err
	}
	b, err := io.ReadAll(conn)
	return b, time.Since(start), err
}
