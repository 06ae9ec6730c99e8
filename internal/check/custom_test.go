package check_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/check"
)

var _ = Describe("user-defined checks", func() {
	ctx := context.Background()

	Describe("HTTP", func() {
		serve := func(h http.HandlerFunc) string {
			srv := httptest.NewServer(h)
			DeferCleanup(srv.Close)
			return srv.URL
		}
		reply := func(code int, body string) string {
			return serve(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(code)
				w.Write([]byte(body)) //nolint:errcheck // test server
			})
		}

		DescribeTable("maps the endpoint's answer to a finding",
			func(code int, body string, status check.Status, msg string) {
				f := check.HTTP("orders", reply(code, body)).Check(ctx)
				Expect(f.Checker).To(Equal("orders"))
				Expect(f.Status).To(Equal(status))
				Expect(f.Message).To(MatchRegexp(msg))
			},
			Entry("pass", 200, `{"pass":true,"message":"orders ok"}`, check.Pass, `^orders ok$`),
			Entry("fail", 200, `{"pass":false,"message":"order o-7 missing\nmore"}`, check.Fail, `^order o-7 missing$`),
			Entry("any 2xx", 204, ``, check.Unknown, `^decode .*want \{"pass":bool`),
			Entry("no verdict field", 200, `{"message":"hm"}`, check.Unknown, `^decode `),
			Entry("error status", 500, `boom`, check.Unknown, `status 500: boom$`),
		)

		It("is Unknown when the endpoint does not answer within the timeout", func() {
			release := make(chan struct{})
			url := serve(func(_ http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-release:
				}
			})
			DeferCleanup(func() { close(release) })
			start := time.Now()
			f := check.HTTP("slow", url, check.WithTimeout(100*time.Millisecond)).Check(ctx)
			Expect(time.Since(start)).To(BeNumerically("<", 2*time.Second))
			Expect(f.Status).To(Equal(check.Unknown))
			Expect(f.Message).To(ContainSubstring("deadline exceeded"))
		})

		It("is Unknown when the endpoint is unreachable", func() {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			Expect(err).NotTo(HaveOccurred())
			addr := l.Addr().String()
			Expect(l.Close()).To(Succeed())
			f := check.HTTP("gone", "http://"+addr+"/check").Check(ctx)
			Expect(f.Status).To(Equal(check.Unknown))
			Expect(f.Message).To(ContainSubstring("connection refused"))
		})
	})

	Describe("Command", func() {
		DescribeTable("maps the exit status and first output line to a finding",
			func(script string, status check.Status, msg string) {
				f := check.Command("script", []string{"sh", "-c", script}).Check(ctx)
				Expect(f).To(Equal(check.Finding{Checker: "script", Status: status, Message: msg}))
			},
			Entry("pass", `echo all good; echo detail`, check.Pass, "all good"),
			Entry("fail", `echo "account a3 negative"; exit 1`, check.Fail, "account a3 negative"),
			Entry("fail, silent", `echo oops >&2; exit 4`, check.Fail, "sh exited 4: oops"),
		)

		It("passes its directory and environment", func() {
			dir := GinkgoT().TempDir()
			f := check.Command("env", []string{"sh", "-c", `echo "$(pwd) $WANT"`}, check.WithDir(dir), check.WithEnv("WANT=yes")).Check(ctx)
			Expect(f.Message).To(Equal(dir + " yes"))
		})

		It("is Unknown, killing the whole process group, when it outlives the timeout", func() {
			start := time.Now()
			f := check.Command("slow", []string{"sh", "-c", "sleep 30 & sleep 30; echo late"}, check.WithTimeout(200*time.Millisecond)).Check(ctx)
			Expect(time.Since(start)).To(BeNumerically("<", 3*time.Second))
			Expect(f).To(Equal(check.Finding{Checker: "slow", Status: check.Unknown, Message: "sh: no verdict within 200ms"}))
		})

		It("is Unknown when the command cannot start", func() {
			f := check.Command("missing", []string{"/nonexistent/check"}).Check(ctx)
			Expect(f.Status).To(Equal(check.Unknown))
			Expect(f.Message).To(HavePrefix("run /nonexistent/check: "))
			Expect(check.Command("empty", nil).Check(ctx)).To(HaveField("Status", check.Unknown))
		})
	})
})
