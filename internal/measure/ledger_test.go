package measure_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
)

var _ = Describe("the ledger workload", func() {
	var srv *httptest.Server
	BeforeEach(func() {
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/accounts") {
				w.WriteHeader(http.StatusCreated)
				return
			}
			w.WriteHeader(http.StatusOK)
		}))
		DeferCleanup(srv.Close)
	})

	run := func(seed uint64) map[string]int64 {
		l := &measure.Ledger{Endpoint: strings.TrimPrefix(srv.URL, "http://"), Rate: 400, Accounts: 5,
			Timeout: time.Second, Rand: rand.New(rand.NewPCG(seed, 0))}
		Expect(l.Setup(context.Background())).To(Succeed())
		h := &measure.History{}
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		defer cancel()
		l.Run(ctx, measure.NewClock(), h)
		out := map[string]int64{}
		for _, op := range h.Ops() {
			Expect(op.Outcome).To(Equal(measure.OK))
			out[op.ID] = op.Value
		}
		return out
	}

	It("reproduces the same writes from the same seed, whatever the scheduling", func() {
		a, b, c := run(7), run(7), run(8)
		Expect(len(a)).To(BeNumerically(">", 20))
		same, differ := 0, 0
		for id, v := range a {
			if w, ok := b[id]; ok {
				Expect(w).To(Equal(v), id)
				same++
			}
			if w, ok := c[id]; ok && w != v {
				differ++
			}
		}
		Expect(same).To(BeNumerically(">", 20))
		Expect(differ).To(BeNumerically(">", 0), "another seed should draw other amounts")
	})
})
