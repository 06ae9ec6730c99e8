package measure_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
)

// collectN runs any prober until n results arrived and returns them.
func collectN(p measure.Prober, n int) []measure.ProbeResult {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var got []measure.ProbeResult
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.Run(ctx, measure.NewClock(), func(r measure.ProbeResult) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, r)
			if len(got) == n {
				cancel()
			}
		})
	}()
	Eventually(done, 10*time.Second).Should(BeClosed())
	mu.Lock()
	defer mu.Unlock()
	return append([]measure.ProbeResult(nil), got...)
}

// listen serves TCP on a free port with serve(conn) per connection until cleanup.
func listen(serve func(net.Conn)) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			serve(c)
		}
	}()
	DeferCleanup(func() {
		ln.Close()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer ln.Close()
	return ln.Addr().String()
}

var _ = Describe("OpenLoop", func() {
	It("starts an operation every interval while earlier ones are still running, and returns only once all returned", func() {
		release := make(chan struct{})
		var started, finished atomic.Int32
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan struct{})
		go func() {
			defer close(done)
			measure.OpenLoop(ctx, 5*time.Millisecond, func(int) {
				started.Add(1)
				<-release
				finished.Add(1)
			})
		}()
		Eventually(started.Load, 5*time.Second).Should(BeNumerically(">=", 5), "operations start while none finished")
		Expect(finished.Load()).To(BeZero())
		cancel()
		Consistently(done, 50*time.Millisecond).ShouldNot(BeClosed(), "operations still in flight")
		close(release)
		Eventually(done, 5*time.Second).Should(BeClosed())
		Expect(finished.Load()).To(Equal(started.Load()))
	})

	It("numbers operations 0, 1, 2, ... in schedule order", func() {
		ctx, cancel := context.WithCancel(context.Background())
		var mu sync.Mutex
		var seqs []int
		measure.OpenLoop(ctx, time.Millisecond, func(seq int) {
			mu.Lock()
			defer mu.Unlock()
			seqs = append(seqs, seq)
			if len(seqs) == 20 {
				cancel()
			}
		})
		slices.Sort(seqs)
		Expect(seqs[:20]).To(Equal([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}))
	})

	DescribeTable("is the schedule of every probe kind: a stalled target is latency, not missing samples",
		func(build func() measure.Prober) {
			rs := collectN(build(), 8)
			starts := make([]measure.Offset, 0, len(rs))
			for _, r := range rs {
				starts = append(starts, r.Start)
				Expect(r.Latency()).To(BeNumerically(">=", 100*time.Millisecond), "each probe stalls")
			}
			slices.Sort(starts)
			// A closed loop would start probes ≥100ms apart.
			Expect(time.Duration(starts[len(starts)-1] - starts[0])).To(BeNumerically("<", 100*time.Millisecond*time.Duration(len(rs)-1)/2))
		},
		Entry("http", func() measure.Prober {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(120 * time.Millisecond) }))
			DeferCleanup(srv.Close)
			return &measure.HTTPProbe{URL: srv.URL, Status: 200, Interval: 10 * time.Millisecond, Timeout: time.Second}
		}),
		Entry("tcp", func() measure.Prober {
			addr := listen(func(net.Conn) {}) // silent peer: each probe watches it for Settle
			return &measure.TCPProbe{Addr: addr, Settle: 120 * time.Millisecond, Interval: 10 * time.Millisecond, Timeout: time.Second}
		}),
		Entry("exec", func() measure.Prober {
			return &measure.ExecProbe{Command: []string{"sleep", "0.12"}, Interval: 10 * time.Millisecond, Timeout: 2 * time.Second}
		}),
		Entry("prometheus", func() measure.Prober {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				time.Sleep(120 * time.Millisecond)
				fmt.Fprint(w, `{"status":"success","data":{"resultType":"scalar","result":[1,"0"]}}`)
			}))
			DeferCleanup(srv.Close)
			return promProbe(srv.URL, "up", "value == 0")
		}),
	)
})

var _ = Describe("TCPProbe", func() {
	probe := func(addr string) *measure.TCPProbe {
		return &measure.TCPProbe{Addr: addr, Settle: 30 * time.Millisecond, Interval: 10 * time.Millisecond, Timeout: 300 * time.Millisecond}
	}

	It("passes when a connection opens and the peer keeps it", func() {
		addr := listen(func(net.Conn) {})
		for _, r := range collectN(probe(addr), 3) {
			Expect(r.OK).To(BeTrue(), r.Err)
		}
	})

	It("passes when the peer speaks first", func() {
		addr := listen(func(c net.Conn) { _, _ = c.Write([]byte("220 ready\r\n")) })
		Expect(collectN(probe(addr), 1)[0].OK).To(BeTrue())
	})

	It("fails when nothing listens", func() {
		r := collectN(probe(freeAddr()), 1)[0]
		Expect(r.OK).To(BeFalse())
		Expect(r.Err).To(ContainSubstring("refused"))
	})

	It("fails when the peer closes the connection at once, as a front proxy with nothing behind it does", func() {
		addr := listen(func(c net.Conn) { c.Close() })
		r := collectN(probe(addr), 1)[0]
		Expect(r.OK).To(BeFalse())
		Expect(r.Err).To(ContainSubstring("closed by peer"))
	})
})

// alive says whether pid is a live (not zombie) process.
func alive(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(fields) > 0 && fields[0] != "Z"
}

var _ = Describe("ExecProbe", func() {
	probe := func(argv ...string) *measure.ExecProbe {
		return &measure.ExecProbe{Command: argv, Interval: 10 * time.Millisecond, Timeout: 2 * time.Second}
	}

	It("passes on exit 0", func() {
		Expect(collectN(probe("true"), 2)).To(HaveEach(HaveField("OK", BeTrue())))
	})

	It("fails on another exit status, saying which and the first line of output", func() {
		r := collectN(probe("false"), 1)[0]
		Expect(r.OK).To(BeFalse())
		Expect(r.Err).To(Equal("false exited 1"))
		r = collectN(probe("sh", "-c", "echo; echo boom >&2; exit 3"), 1)[0]
		Expect(r.Err).To(Equal("sh exited 3: boom"))
	})

	It("fails when the command cannot start", func() {
		r := collectN(probe("/nonexistent/drill-probe"), 1)[0]
		Expect(r.OK).To(BeFalse())
		Expect(r.Err).To(ContainSubstring("run /nonexistent/drill-probe"))
	})

	It("adds its environment to drill's", func() {
		p := probe("sh", "-c", `test "$DRILL_ENDPOINT_API" = 127.0.0.1:1 && test -n "$PATH"`)
		p.Env = []string{"DRILL_ENDPOINT_API=127.0.0.1:1"}
		Expect(collectN(p, 1)[0].OK).To(BeTrue())
	})

	It("fails at the timeout and kills the whole process group, children included", func() {
		pidFile := filepath.Join(GinkgoT().TempDir(), "child.pid")
		p := probe("sh", "-c", `sleep 30 & echo $! > "$0"; wait`, pidFile)
		p.Timeout = 300 * time.Millisecond
		p.Interval = time.Hour // one probe
		r := collectN(p, 1)[0]
		Expect(r.OK).To(BeFalse())
		Expect(r.Err).To(ContainSubstring("no exit within 300ms (process group killed)"))
		Expect(r.Latency()).To(BeNumerically("<", 2*time.Second))
		b, err := os.ReadFile(pidFile)
		Expect(err).NotTo(HaveOccurred())
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() bool { return alive(pid) }, 5*time.Second).Should(BeFalse(), "the background sleep was killed with its group")
	})
})

func promProbe(url, query, condition string) *measure.PrometheusProbe {
	prog, err := scenario.CompileProbeCondition(condition)
	Expect(err).NotTo(HaveOccurred())
	return &measure.PrometheusProbe{URL: url, Query: query, Condition: prog, Interval: 10 * time.Millisecond, Timeout: time.Second}
}

var _ = Describe("PrometheusProbe", func() {
	var (
		mu      sync.Mutex
		status  int
		body    string
		queries []string
		url     string
	)
	answer := func(code int, b string) {
		mu.Lock()
		defer mu.Unlock()
		status, body = code, b
	}
	vector := func(values ...string) string {
		var series []string
		for i, v := range values {
			series = append(series, fmt.Sprintf(`{"metric":{"__name__":"errors","job":"api","instance":"%d"},"value":[1763769600.123,"%s"]}`, i, v))
		}
		return `{"status":"success","data":{"resultType":"vector","result":[` + strings.Join(series, ",") + `]}}`
	}
	BeforeEach(func() {
		queries = nil
		answer(200, vector("0.01"))
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			if r.URL.Path != "/api/v1/query" || r.Method != http.MethodGet {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			queries = append(queries, r.URL.Query().Get("query"))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprint(w, body)
		}))
		DeferCleanup(srv.Close)
		url = srv.URL + "/"
	})
	const query = `sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))`

	It("passes when the one sample satisfies the condition, sending the query as written", func() {
		r := collectN(promProbe(url, query, "value < 0.05"), 1)[0]
		Expect(r.OK).To(BeTrue(), r.Err)
		Expect(r.Status).To(Equal(200))
		mu.Lock()
		Expect(queries).To(ContainElement(query))
		mu.Unlock()
	})

	It("reads a scalar result too", func() {
		answer(200, `{"status":"success","data":{"resultType":"scalar","result":[1763769600.123,"3"]}}`)
		Expect(collectN(promProbe(url, "scalar(up)", "value >= 3"), 1)[0].OK).To(BeTrue())
	})

	DescribeTable("fails, saying why",
		func(code int, b, condition, msg string) {
			answer(code, b)
			r := collectN(promProbe(url, query, condition), 1)[0]
			Expect(r.OK).To(BeFalse())
			Expect(r.Err).To(ContainSubstring(msg))
		},
		Entry("the condition does not hold", 200, vector("0.2"), "value < 0.05", "condition value < 0.05 does not hold at value 0.2"),
		Entry("NaN never passes a comparison", 200, vector("NaN"), "value < 0.05", "does not hold at value NaN"),
		Entry("no series", 200, vector(), "value < 0.05", "query returned 0 series, want exactly 1"),
		Entry("several series", 200, vector("0", "1"), "value < 0.05", "query returned 2 series"),
		Entry("a matrix", 200, `{"status":"success","data":{"resultType":"matrix","result":[]}}`, "value < 1", "query returned a matrix"),
		Entry("a query error", 400, `{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:1: parse error"}`, "value < 1", "query failed (status 400): bad_data: invalid parameter"),
		Entry("not Prometheus", 502, `<html>bad gateway</html>`, "value < 1", "status 502, not a Prometheus API answer"),
	)

	It("fails when the server is down", func() {
		r := collectN(promProbe("http://"+freeAddr(), "up", "value == 1"), 1)[0]
		Expect(r.OK).To(BeFalse())
		Expect(r.Err).To(ContainSubstring("refused"))
	})
})
