package gameday_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/gameday"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/testenv"
)

// pending serves a console's page with an alert waiting for a decision, and returns the
// printed address, the console and the channel the decision arrives on.
func pending() (string, *gameday.Console, chan rollback.Decision) {
	console := gameday.New("ana", GinkgoWriter, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	DeferCleanup(cancel)
	base, stop, err := console.Serve(ctx)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(stop)
	decided := make(chan rollback.Decision, 1)
	go func() {
		defer GinkgoRecover()
		d, err := rollback.NewInteractive(console, "manual", nil).Decide(ctx, rollback.DecideInput{Alert: rollback.Alert{Trial: 1, Condition: "error_rate > 0.5", ErrorRate: 1}})
		if ctx.Err() == nil {
			Expect(err).NotTo(HaveOccurred())
			decided <- d
		}
	}()
	Eventually(func() *gameday.AlertView { return console.Status().Alert }).NotTo(BeNil())
	return base, console, decided
}

// send makes a request with a real HTTP client; edit sets its headers (Host, Origin).
func send(method, target string, edit func(*http.Request)) int {
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(url.Values{"choice": {"approve"}}.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	Expect(err).NotTo(HaveOccurred())
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if edit != nil {
		edit(req)
	}
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

var _ = Describe("the game-day page's guard", func() {
	It("refuses with 403 every request without the run's secret or with a foreign Origin or Host, and none of them changes anything", func() {
		base, console, decided := pending()
		u, err := url.Parse(base)
		Expect(err).NotTo(HaveOccurred())
		secret := u.Query().Get("secret")
		Expect(secret).To(HaveLen(32))
		Expect(secret).To(Equal(console.Secret()))
		bare := "http://" + u.Host + "/"

		wrong := func(p string) string { return bare + p + "?secret=" + strings.Repeat("0", 32) }
		attacks := []struct {
			name, method, target string
			edit                 func(*http.Request)
		}{
			{"page without secret", "GET", bare, nil},
			{"state read without secret", "GET", bare + "status", nil},
			{"decision without secret", "POST", bare + "decide", nil},
			{"page with a wrong secret", "GET", wrong(""), nil},
			{"state read with a wrong secret", "GET", wrong("status"), nil},
			{"decision with a wrong secret", "POST", wrong("decide"), nil},
			{"decision with a wrong secret in the header", "POST", bare + "decide", func(r *http.Request) { r.Header.Set(gameday.SecretHeader, "x") }},
			{"decision from a foreign Origin", "POST", at(base, "decide"), func(r *http.Request) { r.Header.Set("Origin", "http://evil.example") }},
			{"decision from a null Origin", "POST", at(base, "decide"), func(r *http.Request) { r.Header.Set("Origin", "null") }},
			{"decision from another port's Origin", "POST", at(base, "decide"), func(r *http.Request) { r.Header.Set("Origin", "http://127.0.0.1:1") }},
			{"state read from a foreign Origin", "GET", at(base, "status"), func(r *http.Request) { r.Header.Set("Origin", "http://evil.example") }},
			{"decision through a rebinding Host", "POST", at(base, "decide"), func(r *http.Request) { r.Host = "evil.example:" + u.Port() }},
			{"state read through a rebinding Host", "GET", at(base, "status"), func(r *http.Request) { r.Host = "evil.example:" + u.Port() }},
			{"cross-site fetch metadata", "POST", at(base, "decide"), func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") }},
		}
		for _, a := range attacks {
			Expect(send(a.method, a.target, a.edit)).To(Equal(http.StatusForbidden), a.name)
		}
		s := console.Status()
		Expect(s.Alert).NotTo(BeNil(), "the alert still waits")
		Expect(s.Paused).To(BeFalse())
		Expect(s.Decisions).To(BeEmpty())
		Expect(s.Refused).To(Equal(len(attacks)))
		Consistently(decided).WithTimeout(200 * time.Millisecond).ShouldNot(Receive())

		By("the operator's own page, with the secret, from its own origin")
		Expect(send("GET", base, nil)).To(Equal(http.StatusOK))
		Expect(send("GET", at(base, "status"), func(r *http.Request) { r.Header.Set("Origin", "http://"+u.Host) })).To(Equal(http.StatusOK))
		Expect(send("POST", bare+"decide", func(r *http.Request) {
			r.Header.Set(gameday.SecretHeader, secret)
			r.Header.Set("Origin", "http://"+u.Host)
		})).To(Equal(http.StatusNoContent))
		var d rollback.Decision
		Eventually(decided).WithTimeout(5 * time.Second).Should(Receive(&d))
		Expect(d.Verdict).To(Equal(rollback.VerdictApproved))
		Expect(d.From).To(Equal(gameday.FromPage))
	})

	It("keeps a web page from another origin in a real browser from approving, even one that knows the secret", func() {
		base, console, decided := pending()

		// The hostile page: another origin (its own port on 127.0.0.1) that knows the
		// secret and tries a form POST (a "simple" request), a no-cors fetch and a state
		// read, then reports back that it tried.
		tried := make(chan struct{}, 1)
		mux := http.NewServeMux()
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><html><body>
<iframe name="sink"></iframe>
<form id="f" method="POST" action="%[1]s" target="sink"><input name="choice" value="approve"></form>
<script>
document.getElementById("f").submit();
const done=()=>fetch("/tried",{method:"POST"});
Promise.allSettled([
  fetch(%[1]q,{method:"POST",mode:"no-cors",body:new URLSearchParams({choice:"approve"})}),
  fetch(%[2]q,{headers:{"X-Drill-Secret":%[3]q}}),
]).then(()=>setTimeout(done,1000));
</script></body></html>`, at(base, "decide"), at(base, "status"), console.Secret())
		})
		mux.HandleFunc("POST /tried", func(w http.ResponseWriter, _ *http.Request) {
			select {
			case tried <- struct{}{}:
			default:
			}
			w.WriteHeader(http.StatusNoContent)
		})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		evil := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = evil.Serve(ln) }()
		DeferCleanup(evil.Close)

		dir := GinkgoT().TempDir()
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		DeferCleanup(cancel)
		browser, err := testenv.StartChromium(ctx, dir, GinkgoWriter, "http://"+ln.Addr().String()+"/")
		if errors.Is(err, testenv.ErrNoChromium) {
			Skip(err.Error())
		}
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { browser.Kill(); _ = browser.Cmd.Wait() })

		Eventually(tried).WithTimeout(60*time.Second).Should(Receive(), "the hostile page ran in Chromium: %s", &browser.Stderr)
		s := console.Status()
		Expect(s.Refused).To(BeNumerically(">=", 3), "the form POST, the fetch and the state read reached the page and were refused")
		Expect(s.Alert).NotTo(BeNil(), "the alert still waits")
		Expect(s.Decisions).To(BeEmpty())
		Consistently(decided).WithTimeout(200 * time.Millisecond).ShouldNot(Receive())

		By("the operator's page, at the printed address, still reads the state in the same browser")
		var dom bytes.Buffer
		own, err := testenv.StartChromium(ctx, filepath.Join(dir, "own"), &dom, "--dump-dom", "--virtual-time-budget=5000", base)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(own.Kill)
		Expect(own.Cmd.Wait()).To(Succeed(), own.Stderr.String())
		Expect(dom.String()).To(ContainSubstring(`"error_rate &gt; 0.5" held`), "the alert, read with the secret")
		Expect(dom.String()).To(MatchRegexp(`id="refused"[^>]*>[1-9]\d* request\(s\) without this run's secret or from another origin were refused`))
	})
})
