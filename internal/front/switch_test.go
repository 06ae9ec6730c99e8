package front_test

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/front"
	"github.com/drillhq/drill/internal/testenv"
)

// echoName is a TCP server that answers every line with its name: which upstream a
// connection reached.
func echoName(name string) string {
	return echoNow(func() string { return name })
}

// echoNow is a TCP server that answers every line of a connection with the name now
// gave when it accepted the connection.
func echoNow(now func() string) string { return echoAfter(now, 0) }

// echoAfter is echoNow answering each line delay late.
func echoAfter(now func() string, delay time.Duration) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(ln.Close)
	go testenv.ServeEach(ln, func(c net.Conn) {
		name := now()
		r := bufio.NewReader(c)
		for {
			if _, err := r.ReadString('\n'); err != nil {
				return
			}
			time.Sleep(delay)
			if _, err := c.Write([]byte(name + "\n")); err != nil {
				return
			}
		}
	})
	return ln.Addr().String()
}

func ask(c net.Conn) (string, error) {
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte("who\n")); err != nil {
		return "", err
	}
	return bufio.NewReader(c).ReadString('\n')
}

// withOne starts a switch to upstream (which answers "blue" now) with one connection
// open through it, asked once.
func withOne(upstream string) (*front.Switch, net.Conn) {
	GinkgoHelper()
	sw, err := front.Listen("127.0.0.1:0", upstream)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(sw.Close)
	old, err := net.Dial("tcp", sw.Addr())
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(old.Close)
	Expect(ask(old)).To(Equal("blue\n"))
	return sw, old
}

var _ = Describe("Switch", func() {
	It("sends new connections to the new upstream and leaves open ones on the old", func() {
		blue, green := echoName("blue"), echoName("green")
		sw, old := withOne(blue)

		sw.Set(green)
		fresh, err := net.Dial("tcp", sw.Addr())
		Expect(err).NotTo(HaveOccurred())
		defer fresh.Close()
		Expect(ask(fresh)).To(Equal("green\n"))
		// The connection opened before the flip is not cut: it still reaches blue.
		Expect(ask(old)).To(Equal("blue\n"))
	})

	It("flips: new connections go to the new upstream, and quiet ones on the old are closed", func() {
		blue, green := echoName("blue"), echoName("green")
		sw, old := withOne(blue)

		sw.Flip(green, 5*time.Millisecond, time.Second)
		fresh, err := net.Dial("tcp", sw.Addr())
		Expect(err).NotTo(HaveOccurred())
		defer fresh.Close()
		Expect(ask(fresh)).To(Equal("green\n"))
		// The old connection, quiet since its last answer, is closed by the flip: its
		// client reconnects and reaches the new colour.
		Eventually(func() error { _, err := ask(old); return err }).Should(HaveOccurred())
		Expect(ask(fresh)).To(Equal("green\n"), "connections to the new colour stay")
	})

	It("renews: connections accepted before it are closed once quiet, those after it stay, the upstream is kept", func() {
		// One address whose answer changes, as a Service's ClusterIP after its selector
		// flipped: a connection opened before keeps reaching what it reached.
		var colour atomic.Value
		colour.Store("blue")
		addr := echoNow(func() string { return colour.Load().(string) })
		sw, old := withOne(addr)

		colour.Store("green")
		Expect(ask(old)).To(Equal("blue\n"), "the address now answers green, but an open connection stays where it was")
		sw.Renew(5*time.Millisecond, time.Second)
		fresh, err := net.Dial("tcp", sw.Addr())
		Expect(err).NotTo(HaveOccurred())
		defer fresh.Close()
		Expect(ask(fresh)).To(Equal("green\n"))
		Eventually(func() error { _, err := ask(old); return err }).Should(HaveOccurred(), "the connection from before the renew is closed")
		Consistently(func() (string, error) { return ask(fresh) }, 100*time.Millisecond).Should(Equal("green\n"), "one accepted after it stays")
		Expect(sw.Upstream()).To(Equal(addr))
	})

	It("flips without closing a connection whose request awaits its answer; closes it once answered and quiet", func() {
		// blue answers each line 300ms late: far longer than the flip's quiet time.
		sw, old := withOne(echoAfter(func() string { return "blue" }, 300*time.Millisecond))

		answer := make(chan string, 1)
		go func() {
			defer GinkgoRecover()
			a, _ := ask(old) // sent before the flip, answered 300ms later
			answer <- a
		}()
		time.Sleep(50 * time.Millisecond) // the request is on its way to blue
		sw.Flip(echoName("green"), 5*time.Millisecond, 5*time.Second)
		Eventually(answer, time.Second).Should(Receive(Equal("blue\n")), "the flip cut a request awaiting its answer")
		// Answered and quiet: now it is closed, long before the drain's 5s.
		Eventually(func() error { _, err := ask(old); return err }, 2*time.Second).Should(HaveOccurred())
	})

	It("counts the connections still being dialled to an upstream (a deploy stops the old release only at zero)", func() {
		// An upstream whose accept queue (backlog 0: one connection) is full: the kernel
		// drops further SYNs, so a dial to it waits until the queue is drained.
		fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})).To(Succeed())
		Expect(syscall.Listen(fd, 0)).To(Succeed())
		f := os.NewFile(uintptr(fd), "full")
		full, err := net.FileListener(f)
		f.Close()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(full.Close)
		up := full.Addr().String()
		for range 2 { // the one the queue holds, and one more its SYN queue keeps
			c, err := net.DialTimeout("tcp", up, 200*time.Millisecond)
			if err == nil {
				DeferCleanup(c.Close)
			}
		}

		sw, err := front.Listen("127.0.0.1:0", up)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sw.Close)
		c, err := net.Dial("tcp", sw.Addr())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(c.Close)
		Eventually(func() int { return sw.Dialing(up) }).Should(Equal(1))
		Consistently(func() int { return sw.Dialing(up) }, 300*time.Millisecond).Should(Equal(1))
		Expect(sw.Dialing("127.0.0.1:1")).To(BeZero())

		go func() { // drain the queue: the dial's retransmitted SYN gets through
			for {
				c, err := full.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		Eventually(func() int { return sw.Dialing(up) }, 5*time.Second).Should(BeZero())
	})

	It("refuses at once while it has no upstream, and Close ends open connections", func() {
		sw, err := front.Listen("127.0.0.1:0", echoName("blue"))
		Expect(err).NotTo(HaveOccurred())
		open, err := net.Dial("tcp", sw.Addr())
		Expect(err).NotTo(HaveOccurred())
		defer open.Close()
		Expect(ask(open)).To(Equal("blue\n"))

		sw.Set("")
		c, err := net.Dial("tcp", sw.Addr())
		Expect(err).NotTo(HaveOccurred())
		defer c.Close()
		start := time.Now()
		_, err = ask(c)
		Expect(err).To(HaveOccurred())
		Expect(time.Since(start)).To(BeNumerically("<", 500*time.Millisecond))

		Expect(sw.Close()).To(Succeed())
		_, err = ask(open)
		Expect(err).To(HaveOccurred())
	})
})

var _ = Describe("Server", func() {
	It("serves Toxiproxy's API and the switches' on one address", func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- front.Serve(ctx, ln) }()
		DeferCleanup(func() { cancel(); Eventually(done).Should(Receive(BeNil())) })

		base := "http://" + ln.Addr().String()
		web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("v1")) }))
		DeferCleanup(web.Close)
		web2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("v2")) }))
		DeferCleanup(web2.Close)

		sc := front.NewClient(base)
		info, err := sc.Create(ctx, "svc", "127.0.0.1:0", web.Listener.Addr().String())
		Expect(err).NotTo(HaveOccurred())
		tc := toxiclient.NewClient(base)
		p, err := tc.CreateProxy("svc", "127.0.0.1:0", info.Listen)
		Expect(err).NotTo(HaveOccurred())

		get := func() string {
			// A new connection each time: the switch routes connections, not requests.
			cl := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 2 * time.Second}
			resp, err := cl.Get("http://" + p.Listen + "/")
			if err != nil {
				return err.Error()
			}
			defer resp.Body.Close()
			b := make([]byte, 2)
			_, _ = resp.Body.Read(b)
			return string(b)
		}
		Expect(get()).To(Equal("v1"))
		Expect(sc.Set(ctx, "svc", web2.Listener.Addr().String())).To(Succeed())
		Expect(get()).To(Equal("v2"))
		Expect(sc.Renew(ctx, "svc", 5*time.Millisecond, time.Second)).To(Succeed())
		Expect(get()).To(Equal("v2"), "a renew keeps the upstream")
		Expect(sc.Set(ctx, "nope", "x")).To(MatchError(ContainSubstring("no such switch")))
	})
})
