package readiness_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/readiness"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// hostTarget is an instance on this host: a real address, real commands, a real output
// file, as the process runtime gives them.
type hostTarget struct {
	addr   string
	output string
}

func (t hostTarget) Addr(context.Context) (string, error) { return t.addr, nil }

func (t hostTarget) Exec(ctx context.Context, argv []string) error {
	return exec.CommandContext(ctx, argv[0], argv[1:]...).Run()
}

func (t hostTarget) Printed(_ context.Context, text string) (bool, error) {
	b, err := os.ReadFile(t.output)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return strings.Contains(string(b), text), err
}

// check builds r's check with the built-in kinds and makes one attempt on t.
func check(r scenario.Ready, t stack.ReadyTarget) error {
	GinkgoHelper()
	c, err := readiness.NewRegistry().ReadyCheck(r)
	Expect(err).NotTo(HaveOccurred())
	return c.Check(context.Background(), t)
}

var _ = Describe("the readiness registry", func() {
	It("builds each built-in kind from its own key, each checking what it says", func() {
		status := http.StatusServiceUnavailable
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/ready" {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			w.WriteHeader(status)
		}))
		DeferCleanup(srv.Close)
		up := hostTarget{addr: srv.Listener.Addr().String(), output: filepath.Join(GinkgoT().TempDir(), "out.log")}

		By("http: the path's status, any 2xx by default")
		Expect(check(scenario.Ready{HTTP: &scenario.ReadyHTTP{Path: "/ready"}}, up)).To(MatchError("health answered 503"))
		status = http.StatusNoContent
		Expect(check(scenario.Ready{HTTP: &scenario.ReadyHTTP{Path: "/ready"}}, up)).To(Succeed())
		Expect(check(scenario.Ready{HTTP: &scenario.ReadyHTTP{Path: "/ready", Status: 200}}, up)).To(MatchError("health answered 204"))

		By("tcp: a connection opens")
		Expect(check(scenario.Ready{TCP: &scenario.ReadyTCP{}}, up)).To(Succeed())
		l, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		closed := l.Addr().String()
		Expect(l.Close()).To(Succeed())
		Expect(check(scenario.Ready{TCP: &scenario.ReadyTCP{}}, hostTarget{addr: closed})).To(HaveOccurred())

		By("exec: the command exits 0")
		Expect(check(scenario.Ready{Exec: []string{"true"}}, up)).To(Succeed())
		Expect(check(scenario.Ready{Exec: []string{"false"}}, up)).To(HaveOccurred())

		By("log: the output shows the text")
		Expect(check(scenario.Ready{Log: "ready now"}, up)).To(MatchError(`its output did not show "ready now" yet`))
		Expect(os.WriteFile(up.output, []byte("booting\nready now\n"), 0o644)).To(Succeed())
		Expect(check(scenario.Ready{Log: "ready now"}, up)).To(Succeed())
	})

	It("builds a registered kind from ready.kind and its params, and refuses an unknown one", func() {
		r := readiness.NewRegistry()
		_, err := r.ReadyCheck(scenario.Ready{Kind: "file"})
		Expect(err).To(MatchError(`unknown readiness kind "file" (no readiness kinds are registered; built in, each set by its own key of ready: http, tcp, exec, log)`))

		r.Register("file", func(p map[string]any) (stack.ReadyCheck, error) {
			var f fileReady
			return f, readinessParams(p, &f)
		})
		Expect(r.Kinds()).To(Equal([]string{"file"}))
		_, err = r.ReadyCheck(scenario.Ready{Kind: "file", Params: map[string]any{"pth": "/x"}})
		Expect(err).To(MatchError(ContainSubstring(`"pth"`)))
		_, err = r.ReadyCheck(scenario.Ready{Kind: "fil"})
		Expect(err).To(MatchError(ContainSubstring(`did you mean "file"?`)))

		path := filepath.Join(GinkgoT().TempDir(), "up")
		c, err := r.ReadyCheck(scenario.Ready{Kind: "file", Params: map[string]any{"path": path}})
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Check(context.Background(), hostTarget{})).To(HaveOccurred())
		Expect(os.WriteFile(path, nil, 0o644)).To(Succeed())
		Expect(c.Check(context.Background(), hostTarget{})).To(Succeed())

		Expect(func() { r.Register("exec", nil) }).To(PanicWith(ContainSubstring("a built-in readiness kind's name")))
	})

	It("states the needs of the kind a service's ready sets: exec needs a runtime that runs commands in its unit, log one that reads its output", func() {
		r := readiness.NewRegistry()
		key, needs := r.Needs(scenario.Ready{Exec: []string{"pg_isready"}})
		Expect(key).To(Equal("exec"))
		Expect(needs).To(ConsistOf(HaveField("Capability", stack.CapExec)))
		key, needs = r.Needs(scenario.Ready{Log: "ready"})
		Expect(key).To(Equal("log"))
		Expect(needs).To(ConsistOf(HaveField("Capability", stack.CapLog)))
		key, needs = r.Needs(scenario.Ready{TCP: &scenario.ReadyTCP{}})
		Expect(key).To(Equal("tcp"))
		Expect(needs).To(BeEmpty())
		key, needs = r.Needs(scenario.Ready{Kind: "unknown"})
		Expect(key).To(Equal("kind"))
		Expect(needs).To(BeEmpty(), "a kind that does not build states none: validation reports it")
	})
})

// fileReady is a registered kind: ready once a file exists.
type fileReady struct {
	Path string `param:"path,required"`
}

func (fileReady) Every() time.Duration { return 10 * time.Millisecond }

func (f fileReady) Check(context.Context, stack.ReadyTarget) error {
	_, err := os.Stat(f.Path)
	return err
}

// readinessParams decodes a readiness kind's params strictly, as a kind's builder does.
func readinessParams(p map[string]any, dst any) error {
	return params.Decode("readiness", "file", p, dst)
}
