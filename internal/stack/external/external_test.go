package external_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/external"
	"github.com/drillhq/drill/internal/stack/stacktest"
)

// staging is a service drill did not start: an HTTP server of the spec's own, which
// counts the requests it answered and turns unhealthy on demand.
type staging struct {
	srv      *httptest.Server
	answered atomic.Int64
	down     atomic.Bool
}

func startStaging() *staging {
	s := &staging{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.answered.Add(1)
		if s.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "staging "+r.URL.Path)
	}))
	DeferCleanup(s.srv.Close)
	return s
}

func (s *staging) addr() string { return strings.TrimPrefix(s.srv.URL, "http://") }

func externalService(name, endpoint string) scenario.Service {
	return scenario.Service{Name: name, External: endpoint, Health: "/healthz", StartTimeout: scenario.Duration(2 * time.Second)}
}

var _ = Describe("the external runtime", func() {
	ctx := context.Background()

	It("declares what its services implement", func() {
		stacktest.ExpectDeclared(external.Registration(), external.Service)
	})

	It("fronts a running service with a fault proxy and leaves the service as it found it", func() {
		svc := startStaging()
		st, err := external.Runtime{}.Up(ctx, scenario.Stack{
			Services: []scenario.Service{externalService("web", "http://"+svc.addr())},
			Proxies:  []scenario.Proxy{{Name: "web-db", Upstream: "web"}},
		})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _ = st.Down(ctx) })
		web, err := st.Service("web")
		Expect(err).NotTo(HaveOccurred())
		Expect(web.Endpoint()).NotTo(Equal(svc.addr()), "drill reaches it through its own proxy")
		Expect(web.Release()).To(Equal("external"))
		status, body, err := stacktest.Probe(web.Endpoint(), "/x")
		Expect(err).NotTo(HaveOccurred())
		Expect(status).To(Equal(http.StatusOK))
		Expect(body).To(Equal("staging /x"))

		By("a proxy fault cuts drill's path, not the service")
		px, err := st.Toxiproxy().Proxy("web")
		Expect(err).NotTo(HaveOccurred())
		px.Enabled = false
		Expect(px.Save()).To(Succeed())
		_, _, err = stacktest.Probe(web.Endpoint(), "/x")
		Expect(err).To(HaveOccurred())
		Expect(stacktest.Probe(svc.addr(), "/x")).Error().NotTo(HaveOccurred())
		px.Enabled = true
		Expect(px.Save()).To(Succeed())

		By("the named proxy forwards to the same endpoint")
		named, err := st.Toxiproxy().Proxy("web-db")
		Expect(err).NotTo(HaveOccurred())
		Expect(named.Upstream).To(Equal(svc.addr()))

		By("deploys are refused: the change and the rollback are the team's hooks")
		Expect(web.Deploy(ctx, "v2")).To(MatchError(ContainSubstring("drill does not deploy a service it did not start")))

		By("Down removes the proxies and nothing else")
		endpoint := web.Endpoint()
		Expect(st.Down(ctx)).To(Succeed())
		Expect(st.Down(ctx)).To(Succeed(), "twice is fine")
		_, err = net.DialTimeout("tcp", endpoint, time.Second)
		Expect(err).To(HaveOccurred(), "the front proxy is gone")
		status, body, err = stacktest.Probe(svc.addr(), "/y")
		Expect(err).NotTo(HaveOccurred())
		Expect(status).To(Equal(http.StatusOK))
		Expect(body).To(Equal("staging /y"), "the service still answers")
	})

	It("returns the half-built stack with an error naming a service that is not ready", func() {
		svc := startStaging()
		svc.down.Store(true)
		st, err := external.Runtime{}.Up(ctx, scenario.Stack{Services: []scenario.Service{externalService("web", svc.addr())}})
		Expect(err).To(MatchError(And(ContainSubstring("service web at "+svc.addr()), ContainSubstring("not ready within 2s"), ContainSubstring("answered 503"))))
		Expect(st).NotTo(BeNil())
		Expect(st.Down(ctx)).To(Succeed())
		Expect(svc.answered.Load()).To(BeNumerically(">", 1), "polled, not slept")
	})

	It("refuses a service drill would have to start", func() {
		st, err := external.Runtime{}.Up(ctx, scenario.Stack{Services: []scenario.Service{{Name: "db", Command: []string{"redis-server"}, Port: 6379, Health: "/"}}})
		Expect(err).To(MatchError(ContainSubstring("the external runtime only reaches services with external: ENDPOINT")))
		Expect(st.Down(ctx)).To(Succeed())
	})

	It("can do what the path allows and nothing it would need the service for", func() {
		caps := external.Registration().Capabilities
		Expect(caps).To(ConsistOf(stack.CapProxy, stack.CapExternal))
	})
})
