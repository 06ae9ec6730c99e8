package measure

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
)

var _ = ginkgo.Describe("a workload's connection pool", func() {
	ginkgo.It("opens rate × 5 ms connections ahead, hands them to the first requests, and closes every one once released", func() {
		var opened, closed atomic.Int64
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			switch s {
			case http.StateNew:
				opened.Add(1)
			case http.StateClosed, http.StateHijacked:
				closed.Add(1)
			}
		}
		srv.Start()
		ginkgo.DeferCleanup(srv.Close)
		addr := srv.Listener.Addr().String()

		p := newPool(2000)
		p.warm(context.Background(), addr)
		gomega.Expect(p.dialer.ready[addr]).To(gomega.HaveLen(10), "2,000/s × 5 ms")
		resp, err := p.Get("http://" + addr + "/")
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		gomega.Expect(resp.Body.Close()).To(gomega.Succeed())
		gomega.Expect(p.dialer.ready[addr]).To(gomega.HaveLen(9), "the request took a connection opened ahead, dialled none")
		gomega.Eventually(opened.Load).Should(gomega.BeEquivalentTo(10))

		p.release()
		gomega.Expect(p.dialer.ready).To(gomega.BeEmpty())
		gomega.Eventually(closed.Load).Should(gomega.BeEquivalentTo(10), "no connection of the finished run stays open")
	})

	ginkgo.It("opens none below 200/s", func() {
		p := newPool(100)
		p.warm(context.Background(), "127.0.0.1:1")
		gomega.Expect(p.dialer.ready["127.0.0.1:1"]).To(gomega.BeEmpty())
	})
})
