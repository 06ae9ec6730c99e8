package docker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/readiness"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/stack/stacktest"
)

// dockerSetup skips when no engine answers, builds the fixture binaries into a temporary
// directory and points DRILL_FIXTURE_DIR at it for the rest of the ordered container.
// Call it from a BeforeAll.
func dockerSetup() *testcontainers.DockerClient {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := docker.EngineAvailable(ctx); err != nil {
		Skip("docker engine not available: " + err.Error())
	}
	wd, err := os.Getwd()
	Expect(err).NotTo(HaveOccurred())
	root, err := fixture.ModuleRoot(wd)
	Expect(err).NotTo(HaveOccurred())
	dir := GinkgoT().TempDir()
	bctx, bcancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer bcancel()
	Expect(fixture.Build(bctx, root, dir)).To(Succeed())
	prev, had := os.LookupEnv(fixture.DirEnv)
	Expect(os.Setenv(fixture.DirEnv, dir)).To(Succeed())
	DeferCleanup(func() {
		if had {
			os.Setenv(fixture.DirEnv, prev)
		} else {
			os.Unsetenv(fixture.DirEnv)
		}
	})
	cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer ccancel()
	cli, err := testcontainers.NewDockerClientWithOpts(cctx)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(cli.Close)
	return cli
}

func byLabel(k, v string) client.Filters { return make(client.Filters).Add("label", k+"="+v) }

func containersWith(cli *testcontainers.DockerClient, f client.Filters) []string {
	GinkgoHelper()
	res, err := cli.ContainerList(context.Background(), client.ContainerListOptions{All: true, Filters: f})
	Expect(err).NotTo(HaveOccurred())
	var ids []string
	for _, c := range res.Items {
		ids = append(ids, c.ID)
	}
	return ids
}

func networksWith(cli *testcontainers.DockerClient, f client.Filters) []string {
	GinkgoHelper()
	res, err := cli.NetworkList(context.Background(), client.NetworkListOptions{Filters: f})
	Expect(err).NotTo(HaveOccurred())
	var names []string
	for _, n := range res.Items {
		names = append(names, n.Name)
	}
	return names
}

type containerIDer interface{ ContainerID() string }

// upLedger starts ledgerStack on rt, downs it at cleanup, and returns it with its
// ledger service.
func upLedger(ctx context.Context, rt stack.Runtime, opts ...stack.UpOption) (stack.Stack, stack.Service) {
	GinkgoHelper()
	st, err := rt.Up(ctx, stacktest.LedgerStack(), opts...)
	if st != nil {
		DeferCleanup(func(ctx SpecContext) { Expect(st.Down(ctx)).To(Succeed()) })
	}
	Expect(err).NotTo(HaveOccurred())
	svc, err := st.Service("ledger")
	Expect(err).NotTo(HaveOccurred())
	return st, svc
}

var _ = Describe("Docker runtime", Ordered, Label("docker"), func() {
	var (
		cli     *testcontainers.DockerClient
		rt      *docker.Runtime
		st      stack.Stack
		svc     stack.Service
		dataDir string
	)

	BeforeAll(func(ctx SpecContext) {
		cli = dockerSetup()
		var err error
		rt, err = docker.New()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(rt.Close)
		Expect(rt.Name()).To(Equal("docker"))

		dataDir = GinkgoT().TempDir()
		st, svc = upLedger(ctx, rt, stack.WithDataDir(dataDir),
			stack.WithLabels(map[string]string{"dev.drill.scenario": "unit", "dev.drill.trial": "1"}))
	}, NodeTimeout(4*time.Minute))

	It("starts the service and Toxiproxy, labelled, on a network of their own", func() {
		ids := containersWith(cli, byLabel(docker.LabelRun, rt.RunID()))
		Expect(ids).To(HaveLen(2))
		nets := networksWith(cli, byLabel(docker.LabelRun, rt.RunID()))
		Expect(nets).To(HaveLen(1))
		host, err := os.Hostname()
		Expect(err).NotTo(HaveOccurred())
		for _, id := range ids {
			in, err := cli.ContainerInspect(context.Background(), id, client.ContainerInspectOptions{})
			Expect(err).NotTo(HaveOccurred())
			Expect(in.Container.Config.Labels).To(HaveKeyWithValue(docker.LabelDrill, "true"))
			Expect(in.Container.Config.Labels).To(HaveKeyWithValue(docker.LabelPID, strconv.Itoa(os.Getpid())))
			Expect(in.Container.Config.Labels).To(HaveKeyWithValue(docker.LabelHost, host))
			Expect(in.Container.Config.Labels).To(HaveKeyWithValue("dev.drill.scenario", "unit"))
			Expect(in.Container.NetworkSettings.Networks).To(HaveLen(1))
			Expect(in.Container.NetworkSettings.Networks).To(HaveKey(nets[0]))
			if in.Container.Config.Labels[docker.LabelService] == "ledger" {
				Expect(in.Container.NetworkSettings.Networks[nets[0]].Aliases).To(ContainElement("ledger"))
				// Services are told where each scenario proxy listens inside the network.
				Expect(in.Container.Config.Env).To(ContainElement(MatchRegexp(`^DRILL_PROXY_LEDGER_DB=toxiproxy:\d+$`)))
				// And where each service is reached without faults (its switch, in the
				// proxy container), and where its data is.
				Expect(in.Container.Config.Env).To(ContainElement(MatchRegexp(`^DRILL_ENDPOINT_LEDGER=toxiproxy:\d+$`)))
				Expect(in.Container.Config.Env).To(ContainElement("DATA_DIR=/data"))
			}
		}
	})

	It("reaches the service's health path through its front proxy", func() {
		Expect(svc.Endpoint()).To(HavePrefix("127.0.0.1:"))
		Expect(stacktest.Healthy(svc.Endpoint())()).To(Succeed())
		Expect(svc.Release()).To(Equal("v1"))
		Expect(stacktest.Release(svc.Endpoint())).To(Equal("v1"))
		proxies, err := st.Toxiproxy().Proxies()
		Expect(err).NotTo(HaveOccurred())
		Expect(proxies).To(HaveKey("ledger"))
		Expect(proxies).To(HaveKey("ledger-db"))
		// The proxy forwards to the service's switch on the proxy container's loopback,
		// which follows every deploy: no name lookup while the service is redeployed.
		Expect(proxies["ledger"].Upstream).To(MatchRegexp(`^127\.0\.0\.1:\d+$`))
		Expect(proxies["ledger-db"].Upstream).To(Equal(proxies["ledger"].Upstream))
	})

	It("deploys another release as a new container and keeps the data", func(ctx SpecContext) {
		c := &http.Client{Timeout: 2 * time.Second}
		resp, err := c.Post("http://"+svc.Endpoint()+"/accounts", "application/json", strings.NewReader(`{"id":"keep","balance":42}`))
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusCreated))
		before := svc.(containerIDer).ContainerID()

		Expect(svc.Deploy(ctx, "v2")).To(Succeed())
		Expect(svc.(containerIDer).ContainerID()).NotTo(Equal(before))
		// Start-first: the old container is drained by the switch and removed at Reap.
		Expect(st.(stack.Reaper).Reap(ctx)).To(Succeed())
		Expect(containersWith(cli, byLabel(docker.LabelRun, rt.RunID()))).NotTo(ContainElement(before))
		Expect(svc.Release()).To(Equal("v2"))
		Expect(stacktest.Release(svc.Endpoint())).To(Equal("v2"))

		code, body, err := stacktest.Probe(svc.Endpoint(), "/accounts/keep")
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusOK))
		Expect(body).To(ContainSubstring(`"balance":42`))
		Expect(filepath.Join(dataDir, "ledger", "wal.log")).To(BeARegularFile())

		Expect(svc.Deploy(ctx, "nope")).To(MatchError(ContainSubstring(`"nope"`)))
		Expect(svc.Release()).To(Equal("v2"))
	}, NodeTimeout(2*time.Minute))

	It("kills and restarts the service", func(ctx SpecContext) {
		ctl := svc.(stack.Controller)
		Expect(ctl.Kill(ctx)).To(Succeed())
		Eventually(stacktest.Healthy(svc.Endpoint())).WithTimeout(10 * time.Second).Should(HaveOccurred())
		Expect(ctl.Restart(ctx)).To(Succeed())
		Eventually(stacktest.Healthy(svc.Endpoint())).WithTimeout(5 * time.Second).Should(Succeed())
		Expect(stacktest.Release(svc.Endpoint())).To(Equal("v2"))
	}, NodeTimeout(2*time.Minute))

	It("pauses and thaws the service", func(ctx SpecContext) {
		ctl := svc.(stack.Pauser)
		Expect(ctl.Pause(ctx, true)).To(Succeed())
		err := stacktest.Healthy(svc.Endpoint())()
		Expect(err).To(HaveOccurred())
		Expect(err.Error()).To(ContainSubstring("Timeout"))
		Expect(ctl.Pause(ctx, false)).To(Succeed())
		Eventually(stacktest.Healthy(svc.Endpoint())).WithTimeout(5 * time.Second).Should(Succeed())
	}, NodeTimeout(time.Minute))

	It("disconnects and reconnects the service", func(ctx SpecContext) {
		d, ok := svc.(stack.Disconnector)
		Expect(ok).To(BeTrue())
		Expect(d.Disconnect(ctx)).To(Succeed())
		By("disconnected")
		Eventually(stacktest.Healthy(svc.Endpoint())).WithTimeout(5 * time.Second).Should(HaveOccurred())
		By("unreachable")
		Consistently(stacktest.Healthy(svc.Endpoint())).WithTimeout(time.Second).Should(HaveOccurred())
		Expect(d.Reconnect(ctx)).To(Succeed())
		By("reconnected")
		// The engine sometimes needs a SYN retransmit or two (1 s, 3 s) before a
		// reconnected container is reachable again: that is the fault's real recovery.
		Eventually(stacktest.Healthy(svc.Endpoint())).WithTimeout(10 * time.Second).Should(Succeed())
	}, NodeTimeout(time.Minute))

	It("starts services in depends_on order, ready by tcp, each told the others' address", func(ctx SpecContext) {
		spec := stacktest.LedgerStack()
		spec.Proxies = nil
		first := spec.Services[0]
		first.Name, first.Health, first.Ready = "store", "", &scenario.Ready{TCP: &scenario.ReadyTCP{}}
		second := spec.Services[0]
		second.Name, second.DependsOn = "front", []string{"store"}
		second.Env = map[string]string{"STORE_ADDR": "${ENDPOINT_STORE}"}
		two, err := rt.Up(ctx, scenario.Stack{Services: []scenario.Service{second, first}}, stack.WithDataDir(GinkgoT().TempDir()))
		if two != nil {
			DeferCleanup(func(ctx SpecContext) { Expect(two.Down(ctx)).To(Succeed()) })
		}
		Expect(err).NotTo(HaveOccurred())
		started := map[string]time.Time{}
		var frontID string
		for _, name := range []string{"store", "front"} {
			s, err := two.Service(name)
			Expect(err).NotTo(HaveOccurred())
			Expect(stacktest.Healthy(s.Endpoint())()).To(Succeed())
			in, err := cli.ContainerInspect(ctx, s.(containerIDer).ContainerID(), client.ContainerInspectOptions{})
			Expect(err).NotTo(HaveOccurred())
			started[name], err = time.Parse(time.RFC3339Nano, in.Container.State.StartedAt)
			Expect(err).NotTo(HaveOccurred())
			if name == "front" {
				frontID = s.(containerIDer).ContainerID()
				Expect(in.Container.Config.Env).To(ContainElement(MatchRegexp(`^STORE_ADDR=toxiproxy:\d+$`)))
			}
		}
		Expect(frontID).NotTo(BeEmpty())
		Expect(started["front"]).To(BeTemporally(">", started["store"]), "front depends on store: it starts after store is ready")
	}, NodeTimeout(3*time.Minute))

	It("polls a log check and a readiness kind a program registered, given to Up with the stack's kinds", func(ctx SpecContext) {
		spec := stacktest.LedgerStack()
		spec.Proxies = nil
		byLog := spec.Services[0]
		byLog.Name, byLog.Health, byLog.Ready = "logged", "", &scenario.Ready{Log: "release v1 serving"}
		byKind := spec.Services[0]
		byKind.Name, byKind.Health, byKind.Ready = "kinded", "", &scenario.Ready{Kind: "release"}
		checks := readiness.NewRegistry()
		var seen []string
		checks.Register("release", func(map[string]any) (stack.ReadyCheck, error) {
			return releaseReady(func(r string) { seen = append(seen, r) }), nil
		})
		two, err := rt.Up(ctx, scenario.Stack{Services: []scenario.Service{byLog, byKind}},
			stack.WithDataDir(GinkgoT().TempDir()), stack.WithReadiness(checks))
		if two != nil {
			DeferCleanup(func(ctx SpecContext) { Expect(two.Down(ctx)).To(Succeed()) })
		}
		Expect(err).NotTo(HaveOccurred())
		Expect(seen).To(Equal([]string{"v1"}), "the registered kind read the starting container's release through its published port")
		s, err := two.Service("kinded")
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Deploy(ctx, "v2")).To(Succeed())
		Expect(seen).To(Equal([]string{"v1", "v2"}))
		s, err = two.Service("logged")
		Expect(err).NotTo(HaveOccurred())
		Expect(stacktest.Healthy(s.Endpoint())()).To(Succeed())
	}, NodeTimeout(3*time.Minute))

	It("removes every container and network of the stack at Down, even with a cancelled context", func(ctx SpecContext) {
		Expect(svc.(stack.Pauser).Pause(ctx, true)).To(Succeed(), "a frozen container is removed too")
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		By("down")
		Expect(st.Down(cancelled)).To(Succeed())
		By("down done")
		Expect(containersWith(cli, byLabel(docker.LabelRun, rt.RunID()))).To(BeEmpty())
		Expect(networksWith(cli, byLabel(docker.LabelRun, rt.RunID()))).To(BeEmpty())
		Expect(st.Down(ctx)).To(Succeed())
		Expect(filepath.Join(dataDir, "ledger", "wal.log")).To(BeARegularFile(), "a caller's data dir is the caller's")
	}, NodeTimeout(time.Minute))

	It("returns a half-built stack that Down removes when a service never becomes ready", func(ctx SpecContext) {
		spec := stacktest.LedgerStack()
		spec.Services[0].Health = "/never"
		spec.Services[0].StartTimeout = scenario.Duration(2 * time.Second)
		// Only this process's dirs: other test packages run drills at the same time.
		mine := filepath.Join(os.TempDir(), "drill-data-"+strconv.Itoa(os.Getpid())+".*")
		before, err := filepath.Glob(mine)
		Expect(err).NotTo(HaveOccurred())

		By("up")
		half, err := rt.Up(ctx, spec)
		By("up failed")
		Expect(err).To(MatchError(ContainSubstring("start ledger v1")))
		Expect(half).NotTo(BeNil())
		Expect(containersWith(cli, byLabel(docker.LabelRun, rt.RunID()).Add("label", docker.LabelService+"=ledger"))).To(BeEmpty(), "the failed container is removed at once")
		Expect(half.Down(ctx)).To(Succeed())
		By("down")
		Expect(containersWith(cli, byLabel(docker.LabelRun, rt.RunID()))).To(BeEmpty())
		Expect(networksWith(cli, byLabel(docker.LabelRun, rt.RunID()))).To(BeEmpty())
		after, err := filepath.Glob(mine)
		Expect(err).NotTo(HaveOccurred())
		Expect(after).To(ConsistOf(before), "the runtime's own data dir is removed")
	}, NodeTimeout(2*time.Minute))

	It("fails clearly on an image the engine has not and cannot pull", func(ctx SpecContext) {
		spec := stacktest.LedgerStack()
		spec.Services[0].Releases[1].Image = "drill-missing-image:nope"
		_, err := docker.EnsureImages(ctx, spec)
		Expect(err).To(MatchError(ContainSubstring(`image "drill-missing-image:nope" not found locally and could not be pulled: build it (docker build -t drill-missing-image:nope …) or load it (docker load)`)))
	}, NodeTimeout(time.Minute))

	It("resolves every release to a fixture image tagged by the binary's hash", func(ctx SpecContext) {
		im, err := docker.EnsureImages(ctx, stacktest.LedgerStack())
		Expect(err).NotTo(HaveOccurred())
		Expect(im.Toxiproxy).To(Equal(proxyRef()))
		Expect(im.Toxiproxy).To(MatchRegexp(`^drill-toxiproxy:[0-9a-f]{12}$`))
		v1, err := im.Image("ledger", "v1")
		Expect(err).NotTo(HaveOccurred())
		Expect(v1).To(MatchRegexp(`^drill-fixture-ledger:[0-9a-f]{12}$`))
		v2, err := im.Image("ledger", "v2")
		Expect(err).NotTo(HaveOccurred())
		Expect(v2).To(Equal(v1))
		_, err = cli.ImageInspect(ctx, v1)
		Expect(err).NotTo(HaveOccurred())

		By("using an image the engine holds as-is")
		spec := stacktest.LedgerStack()
		spec.Services[0].Releases[1].Image = proxyRef()
		im, err = docker.EnsureImages(ctx, spec)
		Expect(err).NotTo(HaveOccurred())
		Expect(im.Image("ledger", "v2")).To(Equal(proxyRef()))
		Expect(im.Image("ledger", "v1")).To(Equal(v1))
	}, NodeTimeout(time.Minute))
})

var _ = Describe("Docker runtime's start-first drain", Label("docker"), func() {
	var (
		cli *testcontainers.DockerClient
		rt  *docker.Runtime
		st  stack.Stack
		svc stack.Service
	)
	BeforeEach(func(ctx SpecContext) {
		cli = dockerSetup()
		var err error
		rt, err = docker.New(docker.WithStopTimeout(300 * time.Millisecond))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(rt.Close)
		st, svc = upLedger(ctx, rt, stack.WithDataDir(GinkgoT().TempDir()))
	}, NodeTimeout(4*time.Minute))

	It("moves keep-alive clients to the new release at the switch and stops the old container only at Reap", func(ctx SpecContext) {
		old := svc.(containerIDer).ContainerID()
		// One keep-alive connection, as a probe or a client's pool holds.
		c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
		DeferCleanup(c.CloseIdleConnections)
		var dials atomic.Int32
		c.Transport.(*http.Transport).DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
		release := func() string {
			resp, err := c.Get("http://" + svc.Endpoint() + "/version")
			Expect(err).NotTo(HaveOccurred(), "a request failed across the deploy")
			defer resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(http.StatusOK))
			var v struct {
				Release string `json:"release"`
			}
			Expect(json.NewDecoder(resp.Body).Decode(&v)).To(Succeed())
			return v.Release
		}
		Expect(release()).To(Equal("v1"))

		Expect(svc.Deploy(ctx, "v2")).To(Succeed())
		// The switch closed the idle connection bound to v1: the client's next requests
		// reach v2 on a new one, none failing, while v1's container still runs.
		Eventually(release).WithTimeout(time.Second).WithPolling(5 * time.Millisecond).Should(Equal("v2"))
		Expect(dials.Load()).To(BeEquivalentTo(2))
		in, err := cli.ContainerInspect(ctx, old, client.ContainerInspectOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(in.Container.State.Running).To(BeTrue(), "the old container was stopped inside the window")
		Expect(containersWith(cli, byLabel(docker.LabelRun, rt.RunID()))).To(ContainElement(old))

		Expect(st.(stack.Reaper).Reap(ctx)).To(Succeed())
		Expect(containersWith(cli, byLabel(docker.LabelRun, rt.RunID()))).NotTo(ContainElement(old))
		Expect(release()).To(Equal("v2"))
		Expect(st.(stack.Reaper).Reap(ctx)).To(Succeed(), "a second reap has nothing to do")
	}, NodeTimeout(2*time.Minute))

	It("stops a drained container only once it accepted the connections sent to it before the flip", func(ctx SpecContext) {
		old, oldRelease := svc.(containerIDer).ContainerID(), svc.Release()
		in, err := cli.ContainerInspect(ctx, old, client.ContainerInspectOptions{})
		Expect(err).NotTo(HaveOccurred())
		pid := in.Container.State.Pid
		// The old container's process cannot accept (stopped by a signal: the engine
		// still sees it running, as a loaded machine's would be): the connection opened
		// now waits in its accept queue, its request with it.
		thaw := stacktest.Freeze(pid)
		c := stacktest.QueueRequest(svc.Endpoint(), func() int { n, _ := stack.AcceptQueue("/proc/"+strconv.Itoa(pid)+"/net", 8080); return n }, 10*time.Second)

		Expect(svc.Deploy(ctx, "v1")).To(Succeed())
		// The stack is reaped while the old container is still frozen, past its stop
		// timeout: stopped now, it would be killed with the request unanswered.
		reaped := make(chan error, 1)
		go func() { reaped <- st.(stack.Reaper).Reap(ctx) }()
		time.Sleep(time.Second)
		thaw()
		stacktest.ExpectAnswered(c, oldRelease, 10*time.Second)
		Eventually(reaped).WithTimeout(30 * time.Second).Should(Receive(Succeed()))
		Expect(containersWith(cli, byLabel(docker.LabelRun, rt.RunID()))).NotTo(ContainElement(old))
	}, NodeTimeout(2*time.Minute))

})

// releaseReady is a readiness kind of the kind a program registers: ready once the
// instance's /version names its release, which it tells seen.
type releaseReady func(release string)

// Every implements stack.ReadyCheck.
func (releaseReady) Every() time.Duration { return 20 * time.Millisecond }

// Check implements stack.ReadyCheck.
func (seen releaseReady) Check(ctx context.Context, t stack.ReadyTarget) error {
	addr, err := t.Addr(ctx)
	if err != nil {
		return err
	}
	code, body, err := stacktest.Probe(addr, "/version")
	if err != nil {
		return err
	}
	var v struct {
		Release string `json:"release"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil || code != http.StatusOK || v.Release == "" {
		return fmt.Errorf("/version answered %d %q", code, body)
	}
	seen(v.Release)
	return nil
}
