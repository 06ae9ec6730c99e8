package process_test

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/readiness"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/stack/stacktest"
)

// echoServer is a Python TCP server that greets each connection with "hello <RELEASE>"
// on $PORT after $DELAY seconds, and answers HTTP 204 on $HEALTH_PORT when that is set.
const echoServer = `
import os, socket, threading, time
time.sleep(float(os.environ.get("DELAY", "0")))
def serve(port, answer):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(port))); s.listen(16)
    while True:
        c, _ = s.accept()
        try:
            if answer is None: c.recv(1024); c.sendall(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
            else: c.sendall(answer)
        finally: c.close()
if os.environ.get("HEALTH_PORT"):
    threading.Thread(target=serve, args=(os.environ["HEALTH_PORT"], None), daemon=True).start()
print("listening", flush=True)
serve(os.environ["PORT"], ("hello " + os.environ.get("RELEASE", "?") + "\n").encode())
`

func python() string {
	GinkgoHelper()
	p, err := exec.LookPath("python3")
	if err != nil {
		Skip("python3 is not installed: the non-HTTP service specs need it (apt-get install python3)")
	}
	return p
}

// upStack starts spec on the process runtime and tears it down after the spec.
func upStack(spec scenario.Stack, opts ...stack.UpOption) (stack.Stack, error) {
	st, err := process.New().Up(context.Background(), spec, opts...)
	if st != nil {
		DeferCleanup(st.Down, context.Background())
	}
	return st, err
}

// greeting is the first line a TCP service sends on a fresh connection to addr.
func greeting(addr string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line), err
}

func dataDir(st stack.Stack, name string) string {
	GinkgoHelper()
	svc, err := st.Service(name)
	Expect(err).NotTo(HaveOccurred())
	dk, ok := svc.(stack.DataKeeper)
	Expect(ok).To(BeTrue(), "process services keep data")
	return dk.DataDir()
}

// sessionOf is field 6 of /proc/<pid>/stat: the session the process is in (-1: gone).
func sessionOf(pid int) int {
	s := readFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	f := strings.Fields(s[strings.LastIndex(s, ")")+1:])
	if len(f) < 4 {
		return -1
	}
	n, _ := strconv.Atoi(f[3])
	return n
}

// greetsReady is a readiness kind of the kind a program registers: ready once a fresh
// connection to the instance reads a greeting, which it tells seen.
type greetsReady func(line string)

// Every implements stack.ReadyCheck.
func (greetsReady) Every() time.Duration { return 10 * time.Millisecond }

// Check implements stack.ReadyCheck.
func (seen greetsReady) Check(ctx context.Context, t stack.ReadyTarget) error {
	addr, err := t.Addr(ctx)
	if err != nil {
		return err
	}
	line, err := greeting(addr)
	if err != nil {
		return err
	}
	seen(line)
	return nil
}

var _ = Describe("real stacks on the process runtime", func() {
	Describe("readiness", func() {
		It("routes traffic only once a line of output shows, and keeps each instance's output in a file", func() {
			out := GinkgoT().TempDir()
			svc := cmdService("worker", &scenario.Ready{Log: "ready to accept connections"},
				"sh", "-c", `echo booting; sleep 0.3; echo "ready to accept connections"; exec sleep 600`)
			_, err := upStack(scenario.Stack{Services: []scenario.Service{svc}},
				stack.WithDataDir(GinkgoT().TempDir()), stack.WithOutputDir(out))
			Expect(err).NotTo(HaveOccurred())
			b, err := os.ReadFile(filepath.Join(out, "worker.1.v1.log"))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(b)).To(Equal("booting\nready to accept connections\n"))
		})

		It("fails a start whose line never shows, naming the check and the output file", func() {
			out := GinkgoT().TempDir()
			svc := cmdService("worker", &scenario.Ready{Log: "never printed"}, "sh", "-c", `echo booting; exec sleep 600`)
			svc.StartTimeout = scenario.Duration(300 * time.Millisecond)
			_, err := upStack(scenario.Stack{Services: []scenario.Service{svc}},
				stack.WithDataDir(GinkgoT().TempDir()), stack.WithOutputDir(out))
			Expect(err).To(MatchError(And(
				ContainSubstring(`start worker v1: not ready after 300ms: its output did not show "never printed" yet`),
				ContainSubstring("output in "+filepath.Join(out, "worker.1.v1.log")),
				ContainSubstring("booting"))))
		})

		It("runs an exec check with the instance's ${DATA_DIR} until it exits 0", func() {
			svc := cmdService("batch", &scenario.Ready{Exec: []string{"test", "-f", "${DATA_DIR}/up"}},
				"sh", "-c", `sleep 0.2; touch "${DATA_DIR}/up"; exec sleep 600`)
			st, err := upStack(scenario.Stack{Services: []scenario.Service{svc}}, stack.WithDataDir(GinkgoT().TempDir()))
			Expect(err).NotTo(HaveOccurred())
			Expect(filepath.Join(dataDir(st, "batch"), "up")).To(BeAnExistingFile())
		})

		It("checks an HTTP status on a health port apart from the service port", func() {
			svc := cmdService("raw", &scenario.Ready{HTTP: &scenario.ReadyHTTP{Path: "/ready", Port: 9001, Status: 204}},
				python(), "-c", echoServer)
			st, err := upStack(scenario.Stack{Services: []scenario.Service{svc}}, stack.WithDataDir(GinkgoT().TempDir()))
			Expect(err).NotTo(HaveOccurred())
			s, _ := st.Service("raw")
			Expect(greeting(s.Endpoint())).To(Equal("hello v1"))
		})

		It("polls a readiness kind a program registered, given to Up with the stack's kinds, on every start", func() {
			checks := readiness.NewRegistry()
			var starts []string
			checks.Register("greets", func(map[string]any) (stack.ReadyCheck, error) {
				return greetsReady(func(line string) { starts = append(starts, line) }), nil
			})
			svc := cmdService("raw", &scenario.Ready{Kind: "greets"}, python(), "-c", echoServer)
			svc.Releases[1].Env["DELAY"] = "0.3"
			st, err := upStack(scenario.Stack{Services: []scenario.Service{svc}}, stack.WithDataDir(GinkgoT().TempDir()), stack.WithReadiness(checks))
			Expect(err).NotTo(HaveOccurred())
			s, _ := st.Service("raw")
			Expect(s.Deploy(context.Background(), "v2")).To(Succeed())
			Expect(greeting(s.Endpoint())).To(Equal("hello v2"))
			Expect(starts).To(Equal([]string{"hello v1", "hello v2"}), "the registered kind passed each start once it greeted")
		})

		It("refuses a readiness kind the stack's kinds lack before starting anything", func() {
			svc := cmdService("raw", &scenario.Ready{Kind: "greets"}, "sh", "-c", `touch "${DATA_DIR}/started"; exec sleep 600`)
			dir := GinkgoT().TempDir()
			_, err := upStack(scenario.Stack{Services: []scenario.Service{svc}}, stack.WithDataDir(dir))
			Expect(err).To(MatchError(ContainSubstring(`start raw: unknown readiness kind "greets"`)))
			Expect(filepath.Join(dir, "raw", "started")).NotTo(BeAnExistingFile())
		})

		It("ends a start-first redeploy only once the new release accepts connections (tcp)", func() {
			svc := cmdService("raw", &scenario.Ready{TCP: &scenario.ReadyTCP{}}, python(), "-c", echoServer)
			svc.Releases[1].Env["DELAY"] = "0.5" // v2 listens half a second after it started
			st, err := upStack(scenario.Stack{Services: []scenario.Service{svc}}, stack.WithDataDir(GinkgoT().TempDir()))
			Expect(err).NotTo(HaveOccurred())
			s, _ := st.Service("raw")
			Expect(greeting(s.Endpoint())).To(Equal("hello v1"))
			Expect(s.Deploy(context.Background(), "v2")).To(Succeed())
			Expect(greeting(s.Endpoint())).To(Equal("hello v2"), "the switch moved to v2 only once v2 listened")
		})
	})

	Describe("wiring", func() {
		It("starts a service after those it depends on, telling it their stable address", func() {
			py := python()
			db := cmdService("db", &scenario.Ready{TCP: &scenario.ReadyTCP{}}, py, "-c", echoServer)
			// Declared first: only depends_on makes it start second. It reads the database's
			// greeting at start and fails when nothing answers.
			app := cmdService("app", &scenario.Ready{Log: "wired"}, "sh", "-c",
				`echo "db at $DB_ADDR $DRILL_ENDPOINT_DB"; `+py+` -c "import socket,sys; print(socket.create_connection(sys.argv[1].split(':')).recv(64).decode().strip())" "$DB_ADDR" && echo wired && exec sleep 600`)
			app.DependsOn = []string{"db"}
			app.Env = map[string]string{"DB_ADDR": "${ENDPOINT_DB}"}
			out := GinkgoT().TempDir()
			st, err := upStack(scenario.Stack{Services: []scenario.Service{app, db}},
				stack.WithDataDir(GinkgoT().TempDir()), stack.WithOutputDir(out))
			Expect(err).NotTo(HaveOccurred())
			lines := strings.Split(readFile(filepath.Join(out, "app.1.v1.log")), "\n")
			Expect(lines[1:3]).To(Equal([]string{"hello v1", "wired"}))
			f := strings.Fields(lines[0]) // db at ADDR ADDR
			Expect(f).To(HaveLen(4))
			Expect(f[2]).To(HavePrefix("127.0.0.1:"))
			Expect(f[3]).To(Equal(f[2]), "DRILL_ENDPOINT_DB is ${ENDPOINT_DB}")

			// A start-first deploy of the database moves it to a new port: the address the
			// app was given follows it.
			s, _ := st.Service("db")
			Expect(s.Deploy(context.Background(), "v2")).To(Succeed())
			Expect(greeting(f[2])).To(Equal("hello v2"))
		})

		It("refuses a depends_on cycle before starting anything", func() {
			a := cmdService("a", &scenario.Ready{Log: "x"}, "true")
			b := cmdService("b", &scenario.Ready{Log: "x"}, "true")
			a.DependsOn, b.DependsOn = []string{"b"}, []string{"a"}
			_, err := upStack(scenario.Stack{Services: []scenario.Service{a, b}}, stack.WithDataDir(GinkgoT().TempDir()))
			Expect(err).To(MatchError(ContainSubstring("depends_on makes a cycle a → b → a")))
		})
	})

	Describe("stopping", func() {
		It("asks a service to stop with its stop signal", func() {
			out := GinkgoT().TempDir()
			svc := cmdService("db", &scenario.Ready{Log: "ready"}, "sh", "-c",
				`trap 'echo "stopped by INT"; exit 0' INT; trap 'echo "stopped by TERM"; exit 0' TERM; echo ready; while :; do sleep 0.05; done`)
			svc.StopSignal = "SIGINT"
			st, err := upStack(scenario.Stack{Services: []scenario.Service{svc}},
				stack.WithDataDir(GinkgoT().TempDir()), stack.WithOutputDir(out))
			Expect(err).NotTo(HaveOccurred())
			Expect(st.Down(context.Background())).To(Succeed())
			Expect(readFile(filepath.Join(out, "db.1.v1.log"))).To(Equal("ready\nstopped by INT\n"))
		})
	})

	Describe("kills and data", func() {
		It("kills processes that left the service's process group, and keeps the data directory for the next start", func() {
			svc := cmdService("forker", &scenario.Ready{Log: "ready"}, "sh", "-c",
				`setsid sleep 600 & echo $! > "${DATA_DIR}/escapee"; echo ready; wait`)
			st, err := upStack(scenario.Stack{Services: []scenario.Service{svc}}, stack.WithDataDir(GinkgoT().TempDir()))
			Expect(err).NotTo(HaveOccurred())
			dir := dataDir(st, "forker")
			pid, err := strconv.Atoi(strings.TrimSpace(readFile(filepath.Join(dir, "escapee"))))
			Expect(err).NotTo(HaveOccurred())
			Expect(alive(pid)).To(BeTrue())
			Eventually(func() int { return sessionOf(pid) }).Should(Equal(pid), "setsid makes it a session of its own, out of the service's group (the shell may report the pid before the child has called setsid)")
			Expect(os.WriteFile(filepath.Join(dir, "marker"), []byte("kept"), 0o644)).To(Succeed())

			s, _ := st.Service("forker")
			Expect(s.(stack.Controller).Kill(context.Background())).To(Succeed())
			Expect(alive(pid)).To(BeFalse(), "the kill reached the process that called setsid")

			Expect(s.(stack.Reviver).Revive(context.Background())).To(Succeed())
			Expect(dataDir(st, "forker")).To(Equal(dir))
			Expect(stack.DataEnv(st, []string{"forker", "nope"})).To(Equal([]string{"DRILL_DATA_FORKER=" + dir}))
			Expect(readFile(filepath.Join(dir, "marker"))).To(Equal("kept"))
		})
	})
})

// PostgreSQL from Debian's packages (make deps): a real database whose backends call
// setsid, run as its own user, with its data in the service's data directory.
var _ = Describe("PostgreSQL on the process runtime", func() {
	It("is ready by pg_isready, loses no backend to a kill, and keeps its data across the kill", func() {
		pgBin := "/usr/lib/postgresql/15/bin"
		if _, err := os.Stat(filepath.Join(pgBin, "postgres")); err != nil {
			Skip("PostgreSQL 15 is not installed (make deps installs Debian's postgresql)")
		}
		if _, err := user.Lookup("postgres"); err != nil || os.Geteuid() != 0 {
			Skip("needs root and the postgres user (Debian's postgresql package makes it) to run PostgreSQL as its own user")
		}
		psql := func(addr, sql string) (string, error) {
			host, port, _ := net.SplitHostPort(addr)
			out, err := exec.Command("psql", "-h", host, "-p", port, "-U", "postgres", "-tAc", sql).CombinedOutput()
			return strings.TrimSpace(string(out)), err
		}
		svc := cmdService("pg", &scenario.Ready{Exec: []string{filepath.Join(pgBin, "pg_isready"), "-h", "127.0.0.1", "-p", "${PORT}"}},
			"sh", "-c", `test -f "$DATA_DIR/pg/PG_VERSION" || `+pgBin+`/initdb -D "$DATA_DIR/pg" -A trust -U postgres >/dev/null || exit 1
exec `+pgBin+`/postgres -D "$DATA_DIR/pg" -p "$PORT" -k "$DATA_DIR" -c listen_addresses=127.0.0.1`)
		svc.User = "postgres"
		svc.StartTimeout = scenario.Duration(60 * time.Second)
		// The runtime's own data directory (in $TMPDIR): the one it may open to postgres.
		st, err := upStack(scenario.Stack{Services: []scenario.Service{svc}})
		Expect(err).NotTo(HaveOccurred())
		s, _ := st.Service("pg")
		Expect(psql(s.Endpoint(), "create table t (id int); insert into t values (42)")).To(HaveSuffix("INSERT 0 1"))

		// A client holding a backend while the database dies.
		hold := exec.Command("psql", "-h", "127.0.0.1", "-p", strings.Split(s.Endpoint(), ":")[1], "-U", "postgres", "-c", "select pg_sleep(600)")
		Expect(hold.Start()).To(Succeed())
		DeferCleanup(func() { _ = hold.Process.Kill(); _ = hold.Wait() })
		dir := dataDir(st, "pg")
		postmaster, err := strconv.Atoi(strings.SplitN(readFile(filepath.Join(dir, "pg", "postmaster.pid")), "\n", 2)[0])
		Expect(err).NotTo(HaveOccurred())
		var backends []int
		Eventually(func() []int {
			backends = nil
			for _, line := range strings.Split(strings.TrimSpace(string(must(exec.Command("ps", "-o", "pid=", "--ppid", strconv.Itoa(postmaster)).Output()))), "\n") {
				if pid, err := strconv.Atoi(strings.TrimSpace(line)); err == nil {
					backends = append(backends, pid)
				}
			}
			out, _ := psql(s.Endpoint(), "select count(*) from pg_stat_activity where query like 'select pg_sleep%'")
			if out != "1" {
				return nil
			}
			return backends
		}, 10*time.Second, 20*time.Millisecond).ShouldNot(BeEmpty())
		for _, b := range backends {
			if sid := sessionOf(b); sid != -1 { // not the backend of an earlier probe's connection, gone since
				Expect(sid).NotTo(Equal(sessionOf(postmaster)), "PostgreSQL's children call setsid")
			}
		}

		Expect(s.(stack.Controller).Kill(context.Background())).To(Succeed())
		Expect(alive(postmaster)).To(BeFalse())
		for _, b := range backends {
			Expect(alive(b)).To(BeFalse(), "backend %d of the killed instance still runs", b)
		}

		Expect(s.(stack.Reviver).Revive(context.Background())).To(Succeed())
		Expect(psql(s.Endpoint(), "select id from t")).To(Equal("42"))
	})
})

func must(b []byte, _ error) []byte { return b }

// Teardown in the reverse of depends_on order.
var _ = Describe("teardown of a stack with depends_on", Label("real-stack"), func() {
	It("stops the application before its database on the process runtime", func(ctx SpecContext) {
		for _, bin := range []string{"redis-server", "redis-cli"} {
			if _, err := exec.LookPath(bin); err != nil {
				Skip(bin + " is not installed: make deps installs Debian's redis-server")
			}
		}
		data := GinkgoT().TempDir()
		st, err := upStack(stacktest.DependsOnStack(), stack.WithDataDir(data))
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Down(ctx)).To(Succeed())
		Expect(readFile(filepath.Join(data, "app", "at-stop"))).To(Equal("PONG\n"))
	}, NodeTimeout(time.Minute))

})
