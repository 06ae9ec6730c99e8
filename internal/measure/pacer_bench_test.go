package measure_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/testenv"
)

// BenchmarkPacer runs the HTTP workload open loop against a trivial local server (it
// reads the body and answers 200) at 5,000 and 10,000 writes/s and reports the Load the
// schedule achieved: the share of the due writes issued within the tolerance (1 ms) of
// their scheduled time (the goal is at least 99 %), the rate issued against the rate
// asked, the latest start, and the acknowledged rate. The server runs in the benchmark's
// own process (inproc) and, as a service under test does, in a process of its own
// (external: this test binary again, serving), so the client's scheduler and collector
// carry the client alone. The collector is set as drill's CLI sets it (measure.TuneGC;
// GOGC=100 in the environment measures Go's default).
//
//	go test -run '^$' -bench BenchmarkPacer -benchtime 1x ./internal/measure/
func BenchmarkPacer(b *testing.B) {
	measure.TuneGC() // as drill's CLI runs the workload
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(trivialHandler())
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	external, serverPid := startExternalServer(b, "net/http")
	minimal, minimalPid := startExternalServer(b, "minimal")
	const window = 2 * time.Second
	for _, rate := range []float64{5000, 10000} {
		for _, where := range []string{"inproc", "external", "minimal"} {
			addr, pid := srv.Listener.Addr().String(), 0
			switch where {
			case "external":
				addr, pid = external, serverPid
			case "minimal":
				addr, pid = minimal, minimalPid
			}
			b.Run(fmt.Sprintf("asked-%g/%s", rate, where), func(b *testing.B) {
				conns.Store(0)
				var l measure.Load
				var client, server time.Duration
				acked := 0
				for i := 0; i < b.N; i++ {
					w, err := measure.NewHTTPWorkload(measure.HTTPWorkloadSpec{Endpoint: addr, Rate: rate,
						Timeout: time.Second, Write: measure.HTTPRequest{Path: "/w", Body: `{"id":"{{.ID}}"}`}, Success: []int{200},
						Rand: rand.New(rand.NewPCG(1, uint64(i)))})
					if err != nil {
						b.Fatal(err)
					}
					h := &measure.History{}
					ctx, cancel := context.WithTimeout(context.Background(), window)
					client0, server0 := cpuTime(b, 0), cpuTime(b, pid)
					w.Run(ctx, measure.NewClock(), h)
					client, server = cpuTime(b, 0)-client0, cpuTime(b, pid)-server0
					cancel()
					l = *h.Load()
					acked = 0
					for _, op := range h.Ops() {
						if op.Outcome == measure.OK {
							acked++
						}
					}
				}
				b.ReportMetric(100*l.OnScheduleShare(), "%on-schedule")
				b.ReportMetric(100*float64(l.Issued)/float64(l.Due), "%issued")
				b.ReportMetric(l.AchievedRate, "issued/s")
				b.ReportMetric(l.AskedRate, "asked/s")
				b.ReportMetric(float64(l.Due-l.Issued), "not-issued")
				b.ReportMetric(l.MaxLate.Ms(), "max-late-ms")
				b.ReportMetric(float64(acked)/l.Window.D().Seconds(), "acked/s")
				// The cores the run took: client and in-process server together, or each
				// process apart; of the machine's runtime.NumCPU().
				b.ReportMetric(client.Seconds()/l.Window.D().Seconds(), "client-cores")
				if where == "inproc" {
					b.ReportMetric(float64(conns.Load())/float64(b.N), "connections")
				} else {
					b.ReportMetric(server.Seconds()/l.Window.D().Seconds(), "server-cores")
				}
				b.ReportMetric(loadAverage(b), "loadavg")
			})
		}
	}
	// The schedule alone, each operation doing nothing: the pacer's own lateness on this
	// machine, apart from the CPU the requests take.
	b.Run("asked-10000-noop", func(b *testing.B) {
		var l measure.Load
		var client time.Duration
		for i := 0; i < b.N; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), window)
			client0 := cpuTime(b, 0)
			l = measure.OpenLoop(ctx, 100*time.Microsecond, func(int) {})
			client = cpuTime(b, 0) - client0
			cancel()
		}
		b.ReportMetric(client.Seconds()/l.Window.D().Seconds(), "client-cores")
		b.ReportMetric(100*l.OnScheduleShare(), "%on-schedule")
		b.ReportMetric(l.AchievedRate, "issued/s")
		b.ReportMetric(float64(l.Due-l.Issued), "not-issued")
		b.ReportMetric(l.MaxLate.Ms(), "max-late-ms")
		b.ReportMetric(loadAverage(b), "loadavg")
	})
}

// loadAverage is the machine's one-minute load average, the context of every figure.
func loadAverage(b *testing.B) float64 {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f, err := strconv.ParseFloat(strings.Fields(string(raw))[0], 64)
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// trivialHandler reads the body and answers 200: the least a server can do.
func trivialHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	})
}

// serverEnv makes this test binary the benchmark's external server (TestExternalServer).
const serverEnv = "DRILL_BENCH_SERVE"

// TestExternalServer is not a test: run with DRILL_BENCH_SERVE set, it serves
// trivialHandler on loopback, prints its address and serves until its stdin closes.
// Without the variable it returns at once.
func TestExternalServer(t *testing.T) {
	if os.Getenv(serverEnv) == "" {
		t.Skip("only the external server of BenchmarkPacer")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(ln.Addr().String())
	if os.Getenv(serverEnv) == "minimal" {
		go serveMinimal(ln)
	} else {
		go func() { _ = http.Serve(ln, trivialHandler()) }()
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// serveMinimal answers every HTTP/1.1 request on ln's connections with an empty 200,
// keeping each connection open: it reads the header lines and discards the body its
// Content-Length announces, and nothing more (no routing, no header map, no
// goroutine per request). It is the least CPU a server can take for a request, so the
// client's figures are the client's.
func serveMinimal(ln net.Listener) {
	answer := []byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
	testenv.ServeEach(ln, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			length := 0
			for {
				line, err := br.ReadSlice('\n')
				if err != nil {
					return
				}
				if len(line) <= 2 {
					break
				}
				const header = "content-length:"
				if len(line) > len(header) && strings.EqualFold(string(line[:len(header)]), header) {
					length, _ = strconv.Atoi(strings.TrimSpace(string(line[len(header):])))
				}
			}
			if _, err := br.Discard(length); err != nil {
				return
			}
			if _, err := c.Write(answer); err != nil {
				return
			}
		}
	})
}

// cpuTime is the CPU time (user and system) process pid has used, this process for 0.
func cpuTime(b *testing.B, pid int) time.Duration {
	if pid == 0 {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// Fields after the command's closing parenthesis: utime and stime are the 12th and
	// 13th, in clock ticks (100 a second on Linux).
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// startExternalServer starts this test binary again as the trivial server and returns
// its address and pid; it stops when the benchmark ends.
func startExternalServer(b *testing.B, kind string) (string, int) {
	cmd := exec.Command(os.Args[0], "-test.run", "^TestExternalServer$")
	cmd.Env = append(os.Environ(), serverEnv+"="+kind)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return strings.TrimSpace(addr), cmd.Process.Pid
}
