package docker_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/stack/stacktest"
)

// debianImage skips unless the engine holds the image command services run in on docker.
func debianImage(cli *testcontainers.DockerClient) {
	GinkgoHelper()
	ref := docker.DebianImage.Ref()
	if _, err := cli.ImageInspect(context.Background(), ref); err != nil {
		Skip(ref + " is not built: make images builds it (debootstrap and docker import, about 75s once, as root)")
	}
}

// pgService is PostgreSQL 15 as the reference scenarios run it: initdb on first start,
// trusting the stack's network, listening on ${HOST}, ready by pg_isready.
func pgService() scenario.Service {
	pgBin := "/usr/lib/postgresql/15/bin"
	svc := stacktest.CmdService("pg", &scenario.Ready{Exec: []string{pgBin + "/pg_isready", "-q", "-h", "127.0.0.1", "-p", "${PORT}"}},
		"sh", "-c", `test -f "$DATA_DIR/pg/PG_VERSION" || { `+pgBin+`/initdb -D "$DATA_DIR/pg" -A trust -U postgres >/dev/null &&
echo "host all all all trust" >> "$DATA_DIR/pg/pg_hba.conf"; } || exit 1
exec `+pgBin+`/postgres -D "$DATA_DIR/pg" -p "$PORT" -k "$DATA_DIR" -c listen_addresses=${HOST}`)
	svc.Port, svc.User, svc.StopSignal = 5432, "postgres", "SIGINT"
	svc.Strategy = scenario.StrategyRecreate
	svc.StartTimeout = scenario.Duration(60 * time.Second)
	return svc
}

// pgConnect connects as postgres to the database at addr.
func pgConnect(ctx context.Context, addr string) (*pgx.Conn, error) {
	return pgx.Connect(ctx, "postgres://postgres@"+addr+"/postgres?sslmode=disable&connect_timeout=5")
}

// pgQuery runs sql on a fresh connection to addr and returns the first column of the first row.
func pgQuery(ctx context.Context, addr, sql string) (string, error) {
	c, err := pgConnect(ctx, addr)
	if err != nil {
		return "", err
	}
	defer c.Close(context.WithoutCancel(ctx))
	var out string
	err = c.QueryRow(ctx, sql).Scan(&out)
	return out, err
}

var _ = Describe("real stacks on the docker runtime", Label("docker", "real-stack"), Ordered, func() {
	var (
		cli *testcontainers.DockerClient
		rt  *docker.Runtime
	)
	BeforeAll(func(SpecContext) {
		cli = dockerSetup()
		var err error
		rt, err = docker.New()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(rt.Close)
	}, NodeTimeout(4*time.Minute))

	upDocker := func(ctx context.Context, spec scenario.Stack, opts ...stack.UpOption) (stack.Stack, error) {
		st, err := rt.Up(ctx, spec, opts...)
		if st != nil {
			DeferCleanup(func(ctx SpecContext) { Expect(st.Down(ctx)).To(Succeed()) })
		}
		return st, err
	}

	It("refuses to start a command service whose image is not built, saying to run make images, and pulls nothing", func(ctx SpecContext) {
		saved := docker.DebianImage
		DeferCleanup(func() { docker.DebianImage = saved })
		docker.DebianImage.Packages = append(append([]string{}, saved.Packages...), "never-built")
		ref := docker.DebianImage.Ref()
		Expect(ref).NotTo(Equal(saved.Ref()), "the tag is a hash of the recipe")

		err := rt.Prepare(ctx, scenario.Stack{Services: []scenario.Service{pgService()}})
		Expect(errors.Is(err, docker.ErrImageNotBuilt)).To(BeTrue(), "%v", err)
		Expect(err).To(MatchError(ContainSubstring("image " + ref)))
		Expect(err).To(MatchError(HaveSuffix("is not built: run make images (or use --runtime process)")))
		Expect(err.Error()).NotTo(ContainSubstring("\n"))
		_, ierr := cli.ImageInspect(ctx, ref)
		Expect(ierr).To(HaveOccurred(), "nothing pulled or built %s", ref)
	}, NodeTimeout(time.Minute))

	It("gives a command service with packages an image of its own, named when it is not built", func(ctx SpecContext) {
		svc := pgService()
		Expect(docker.DebianImageFor(svc).Ref()).To(Equal(docker.DebianImage.Ref()), "no packages: drill's Debian image")
		svc.Packages = []string{"never-built-pkg", "redis-server"}
		r := docker.DebianImageFor(svc)
		Expect(r.Packages).To(Equal(append(append([]string{}, docker.DebianImage.Packages...), "never-built-pkg")), "each package once")
		Expect(r.Ref()).NotTo(Equal(docker.DebianImage.Ref()), "the tag is a hash of the package list")

		err := rt.Prepare(ctx, scenario.Stack{Services: []scenario.Service{svc}})
		Expect(errors.Is(err, docker.ErrImageNotBuilt)).To(BeTrue(), "%v", err)
		Expect(err).To(MatchError(ContainSubstring("image " + r.Ref())))
		Expect(err).To(MatchError(ContainSubstring("never-built-pkg")))
	}, NodeTimeout(time.Minute))

	It("runs PostgreSQL from its command as user postgres on the data mount, ready by pg_isready inside its container; a kill leaves no process of it; its data survives", func(ctx SpecContext) {
		debianImage(cli)
		data := GinkgoT().TempDir()
		st, err := upDocker(ctx, scenario.Stack{Services: []scenario.Service{pgService()}}, stack.WithDataDir(data))
		Expect(err).NotTo(HaveOccurred())
		s, _ := st.Service("pg")
		// Through the front proxy from the host: PostgreSQL listens on ${HOST} = 0.0.0.0,
		// which the switch in the proxy container reaches.
		Expect(pgQuery(ctx, s.Endpoint(), "select current_user")).To(Equal("postgres"))
		c, err := pgConnect(ctx, s.Endpoint())
		Expect(err).NotTo(HaveOccurred())
		_, err = c.Exec(ctx, "create table t (id int); insert into t values (42)")
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Close(ctx)).To(Succeed())
		Expect(filepath.Join(data, "pg", "pg", "PG_VERSION")).To(BeAnExistingFile(), "the cluster is in the service's data directory")

		// A client holding a backend while the database dies.
		hold, err := pgConnect(ctx, s.Endpoint())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _ = hold.Close(context.Background()) })
		go func() { _, _ = hold.Exec(context.Background(), "select pg_sleep(600)") }()
		id := s.(containerIDer).ContainerID()
		var pids []int
		Eventually(func(g Gomega) {
			top, err := cli.ContainerTop(ctx, id, client.ContainerTopOptions{Arguments: []string{"-o", "pid,uid,args"}})
			g.Expect(err).NotTo(HaveOccurred())
			pids = nil
			sleeping := false
			for _, p := range top.Processes {
				g.Expect(p[1]).NotTo(Equal("0"), "every process of the container runs as postgres, none as root: %v", p)
				pid, err := strconv.Atoi(p[0])
				g.Expect(err).NotTo(HaveOccurred())
				pids = append(pids, pid)
				sleeping = sleeping || strings.Contains(p[2], "SELECT")
			}
			g.Expect(sleeping).To(BeTrue(), "the held backend shows: %v", top.Processes)
		}, 10*time.Second, 50*time.Millisecond).Should(Succeed())
		Expect(len(pids)).To(BeNumerically(">", 2), "postmaster, its helpers and the backend")

		Expect(s.(stack.Controller).Kill(ctx)).To(Succeed())
		in, err := cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(in.Container.State.Running).To(BeFalse(), "the killed container is stopped")
		for _, pid := range pids {
			Expect(stacktest.Alive(pid)).To(BeFalse(), "process %d of the killed instance still runs", pid)
		}

		Expect(s.Deploy(ctx, s.Release())).To(Succeed())
		Expect(pgQuery(ctx, s.Endpoint(), "select id::text from t")).To(Equal("42"), "crash recovery on the same data")
	}, NodeTimeout(3*time.Minute))

	It("runs Redis from its command as user redis, bound to ${HOST}, and keeps each container's output in a file", func(ctx SpecContext) {
		debianImage(cli)
		svc := stacktest.CmdService("redis", &scenario.Ready{Log: "Ready to accept connections"},
			"redis-server", "--bind", "${HOST}", "--protected-mode", "no", "--port", "${PORT}", "--dir", "${DATA_DIR}", "--appendonly", "yes")
		svc.Port, svc.User = 6379, "redis"
		svc.Strategy = scenario.StrategyRecreate
		out := GinkgoT().TempDir()
		st, err := upDocker(ctx, scenario.Stack{Services: []scenario.Service{svc}}, stack.WithDataDir(GinkgoT().TempDir()), stack.WithOutputDir(out))
		Expect(err).NotTo(HaveOccurred())
		s, _ := st.Service("redis")
		Expect(redisCommand(s.Endpoint(), "PING")).To(Equal("+PONG"))
		Expect(redisCommand(s.Endpoint(), "CONFIG GET dir")).To(ContainSubstring("/data"))

		Expect(s.Deploy(ctx, "v2")).To(Succeed())
		Expect(st.Down(ctx)).To(Succeed())
		// The container the deploy replaced was stopped gracefully: its file ends with
		// its goodbye. The teardown of a stack without depends_on removes at once: the
		// file holds what it printed until then.
		Expect(stacktest.ReadFile(filepath.Join(out, "redis.1.v1.log"))).To(And(
			ContainSubstring("Ready to accept connections"), ContainSubstring("Redis is now ready to exit, bye bye")))
		Expect(stacktest.ReadFile(filepath.Join(out, "redis.2.v2.log"))).To(ContainSubstring("Ready to accept connections"))
	}, NodeTimeout(2*time.Minute))
})

// Teardown in the reverse of depends_on order (the process runtime's spec is in its package): an application that
// asks its database for a PONG when told to stop gets one, so it stopped first.
var _ = Describe("teardown of a stack with depends_on", Label("real-stack"), func() {
	It("stops the application before its database on the docker runtime", Label("docker"), func(ctx SpecContext) {
		cli := dockerSetup()
		debianImage(cli)
		rt, err := docker.New()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(rt.Close)
		data := GinkgoT().TempDir()
		st, err := rt.Up(ctx, stacktest.DependsOnStack(), stack.WithDataDir(data))
		if st != nil {
			DeferCleanup(func(ctx SpecContext) { Expect(st.Down(ctx)).To(Succeed()) })
		}
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Down(ctx)).To(Succeed())
		Expect(stacktest.ReadFile(filepath.Join(data, "app", "at-stop"))).To(Equal("PONG\n"))
		Expect(containersWith(cli, byLabel(docker.LabelRun, rt.RunID()))).To(BeEmpty())
	}, NodeTimeout(3*time.Minute))
})

// redisCommand sends one inline command to the Redis at addr and returns its first reply line.
func redisCommand(addr, cmd string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte(cmd + "\r\n")); err != nil {
		return "", err
	}
	b := make([]byte, 256)
	n, err := c.Read(b)
	return strings.TrimSpace(string(b[:n])), err
}

var _ = Describe("the Debian image of command services", func() {
	It("is tagged by a hash of its recipe: suite, mirror, variant and packages", func() {
		r := docker.DebianImage
		Expect(r.Ref()).To(MatchRegexp(`^drill-debian:[0-9a-f]{12}$`))
		Expect(r.Packages).To(ContainElements("postgresql-15", "redis-server"), "the reference scenarios' servers")
		same := r
		same.Packages = append([]string{}, r.Packages...)
		Expect(same.Ref()).To(Equal(r.Ref()))
		for _, change := range []func(*docker.DebianRecipe){
			func(c *docker.DebianRecipe) { c.Suite = "trixie" },
			func(c *docker.DebianRecipe) { c.Mirror = "http://mirror.example/debian" },
			func(c *docker.DebianRecipe) { c.Variant = "buildd" },
			func(c *docker.DebianRecipe) { c.Packages = append(append([]string{}, r.Packages...), "procps") },
		} {
			c := r
			change(&c)
			Expect(c.Ref()).NotTo(Equal(r.Ref()))
		}
	})
})
