package measure_test

import (
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
)

// itemStore is a small service storing client-id'd items: POST /items {"id":..} stores
// (answering with a chosen status), GET /items lists them, POST /setup records setup calls.
type itemStore struct {
	mu      sync.Mutex
	items   []map[string]any
	foreign []string
	bodies  []string
	headers []http.Header
	setups  []string
	status  int
	stall   time.Duration
	reset   bool
}

func (s *itemStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	status, stall, reset := s.status, s.stall, s.reset
	s.mu.Unlock()
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/setup":
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.setups = append(s.setups, string(b))
		s.mu.Unlock()
		w.WriteHeader(status)
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/items"):
		b, _ := io.ReadAll(r.Body)
		var item map[string]any
		_ = json.Unmarshal(b, &item)
		s.mu.Lock()
		s.bodies = append(s.bodies, string(b))
		s.headers = append(s.headers, r.Header.Clone())
		s.items = append(s.items, item)
		s.mu.Unlock()
		time.Sleep(stall) // the service stalling after it applied the write
		if reset {
			c, _, _ := w.(http.Hijacker).Hijack()
			c.Close() // the connection breaks after the request was sent
			return
		}
		w.WriteHeader(status)
	case r.Method == http.MethodGet && r.URL.Path == "/items":
		s.mu.Lock()
		list := []map[string]any{}
		for _, it := range s.items {
			list = append(list, map[string]any{"id": it["id"], "value": it["value"]})
		}
		for _, id := range s.foreign {
			list = append(list, map[string]any{"id": id})
		}
		s.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"items": list, "count": len(list)})
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// runUntil runs the workload until the history holds n ops, then stops it.
func runUntil(w measure.Workload, n int) []measure.Op {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := &measure.History{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, measure.NewClock(), h)
	}()
	Eventually(func() int { return len(h.Ops()) }, 10*time.Second).Should(BeNumerically(">=", n))
	cancel()
	Eventually(done, 10*time.Second).Should(BeClosed())
	return h.Ops()
}

var _ = Describe("HTTPWorkload", func() {
	var (
		store *itemStore
		srv   *httptest.Server
	)
	BeforeEach(func() {
		store = &itemStore{status: http.StatusCreated}
		srv = httptest.NewServer(store)
		DeferCleanup(srv.Close)
	})
	spec := func() measure.HTTPWorkloadSpec {
		return measure.HTTPWorkloadSpec{
			Endpoint: strings.TrimPrefix(srv.URL, "http://"), Rate: 200, Timeout: 500 * time.Millisecond,
			Setup: []measure.HTTPRequest{{Method: "POST", Path: "/setup", Body: `{"open":"a0"}`}, {Method: "POST", Path: "/setup", Body: `{"open":"a1"}`}},
			Write: measure.HTTPRequest{Method: "POST", Path: "/items", Headers: map[string]string{"X-Seq": "{{.Seq}}"},
				Body: `{"id":"{{.ID}}","seq":{{.Seq}},"value":"{{.Value}}"}`},
			Success: []int{200, 201},
			Read:    measure.HTTPRequest{Method: "GET", Path: "/items"},
			IDs:     "$.items[*].id",
			Rand:    rand.New(rand.NewPCG(7, 1)),
		}
	}
	workload := func(s measure.HTTPWorkloadSpec) *measure.HTTPWorkload {
		w, err := measure.NewHTTPWorkload(s)
		Expect(err).NotTo(HaveOccurred())
		return w
	}

	It("sends the setup requests in order, as written", func() {
		Expect(workload(spec()).Setup(context.Background())).To(Succeed())
		Expect(store.setups).To(Equal([]string{`{"open":"a0"}`, `{"open":"a1"}`}))
	})

	It("fails setup on a status other than 2xx, naming the request", func() {
		store.status = http.StatusConflict
		Expect(workload(spec()).Setup(context.Background())).To(MatchError(`setup request 1 (POST /setup): status 409`))
	})

	It("renders each write's templates, acknowledges success statuses, and reads every write back by id", func() {
		w := workload(spec())
		ops := runUntil(w, 10)
		Expect(ops).To(HaveEach(HaveField("Outcome", measure.OK)))
		store.mu.Lock()
		var sent struct {
			ID    string `json:"id"`
			Seq   int    `json:"seq"`
			Value string `json:"value"`
		}
		Expect(json.Unmarshal([]byte(store.bodies[0]), &sent)).To(Succeed())
		Expect(sent.ID).To(HavePrefix(w.Prefix()))
		Expect(store.headers[0].Get("X-Seq")).To(Equal(strings.TrimPrefix(sent.ID, w.Prefix())))
		Expect(store.headers[0].Get("Content-Type")).To(Equal("application/json"))
		store.foreign = []string{"someone-else-1", "w-000000-1"} // a shared service holds others' data
		store.mu.Unlock()
		for _, op := range ops {
			Expect(op.Value).To(BeNumerically(">=", 1))
		}

		ids, err := w.FinalRead(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(ids).To(HaveLen(len(ops)), "every write, and none of the foreign ids")
		loss := measure.CheckLoss(ops, ids, 0)
		Expect(loss.Lost).To(BeEmpty())
		Expect(loss.Unexpected).To(BeEmpty())
		Expect(loss.Acked).To(Equal(len(ops)))
	})

	It("finds an acknowledged write the service dropped", func() {
		w := workload(spec())
		ops := runUntil(w, 5)
		store.mu.Lock()
		dropped := store.items[0]["id"].(string)
		store.items = store.items[1:]
		store.mu.Unlock()
		ids, err := w.FinalRead(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(measure.CheckLoss(ops, ids, 0).Lost).To(Equal([]string{dropped}))
	})

	It("is reproducible: the same seed writes the same ids and values", func() {
		a, b := workload(spec()), workload(spec())
		Expect(a.Prefix()).To(Equal(b.Prefix()))
		c := spec()
		c.Rand = rand.New(rand.NewPCG(8, 1))
		Expect(workload(c).Prefix()).NotTo(Equal(a.Prefix()))
		opsA := runUntil(a, 3)
		opsB := runUntil(b, 3)
		values := map[string]int64{}
		for _, op := range opsA {
			values[op.ID] = op.Value
		}
		for _, op := range opsB {
			if v, ok := values[op.ID]; ok {
				Expect(op.Value).To(Equal(v), op.ID)
			}
		}
	})

	DescribeTable("classifies outcomes like the ledger workload",
		func(setUp func(s *measure.HTTPWorkloadSpec), outcome measure.Outcome, errText string) {
			s := spec()
			setUp(&s)
			ops := runUntil(workload(s), 2)
			Expect(ops).To(HaveEach(HaveField("Outcome", outcome)))
			Expect(ops[0].Err).To(ContainSubstring(errText))
		},
		Entry("a success status is acknowledged", func(*measure.HTTPWorkloadSpec) {}, measure.OK, ""),
		Entry("any other status failed (the service applies nothing it refused)", func(*measure.HTTPWorkloadSpec) { store.status = 500 }, measure.Fail, "status 500"),
		Entry("a 2xx outside success failed too", func(*measure.HTTPWorkloadSpec) { store.status = 202 }, measure.Fail, "status 202"),
		Entry("a refused connection failed: the request never left", func(s *measure.HTTPWorkloadSpec) {
			s.Endpoint = freeAddr()
		}, measure.Fail, "refused"),
		Entry("no answer in time is unknown", func(s *measure.HTTPWorkloadSpec) {
			store.stall, s.Timeout = 300*time.Millisecond, 50*time.Millisecond
		}, measure.Unknown, "deadline exceeded"),
		Entry("a connection broken after sending is unknown", func(*measure.HTTPWorkloadSpec) { store.reset = true }, measure.Unknown, "EOF"),
	)

	It("rejects a template naming an unknown placeholder, and a bad ids path", func() {
		s := spec()
		s.Write.Body = `{"id":"{{.Id}}"}`
		_, err := measure.NewHTTPWorkload(s)
		Expect(err).To(MatchError(ContainSubstring("write body")))
		Expect(err).To(MatchError(ContainSubstring("Id")))
		s = spec()
		s.IDs = "items[*]"
		_, err = measure.NewHTTPWorkload(s)
		Expect(err).To(MatchError(ContainSubstring(`must start with "$"`)))
	})

	It("fails the final read on a status other than 2xx and on an answer that is not JSON", func() {
		s := spec()
		s.Read.Path = "/nope"
		_, err := workload(s).FinalRead(context.Background())
		Expect(err).To(MatchError("read back GET /nope: status 404"))
		s = spec()
		s.Read.Path, s.Read.Method = "/setup", "POST"
		_, err = workload(s).FinalRead(context.Background())
		Expect(err).To(MatchError(ContainSubstring("decode json")))
	})
})

var _ = Describe("JSONPath", func() {
	DescribeTable("selects ids",
		func(path, doc string, want []string) {
			p, err := measure.CompileJSONPath(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(p.String()).To(Equal(path))
			got, err := p.Strings([]byte(doc))
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(want))
		},
		Entry("a list under a key", "$.ids", `{"ids":["a","b"],"transfers":[]}`, []string{"a", "b"}),
		Entry("the same with [*]", "$.ids[*]", `{"ids":["a","b"]}`, []string{"a", "b"}),
		Entry("a top-level list", "$[*]", `["x","y"]`, []string{"x", "y"}),
		Entry("a key of every element", "$.items[*].id", `{"items":[{"id":"a"},{"id":"b"},{"name":"no id"}]}`, []string{"a", "b"}),
		Entry("nested keys", "$.a.b[*].c", `{"a":{"b":[{"c":"1"},{"c":"2"}]}}`, []string{"1", "2"}),
		Entry("numbers as written", "$.ids", `{"ids":[1,20,3000000000000]}`, []string{"1", "20", "3000000000000"}),
		Entry("an index", "$.pages[1].ids", `{"pages":[{"ids":["a"]},{"ids":["b"]}]}`, []string{"b"}),
		Entry("a missing key selects nothing", "$.ids", `{"items":[]}`, []string{}),
		Entry("an index past the end selects nothing", "$[5]", `["a"]`, []string{}),
		Entry("keys with - and _", "$.my-list.the_ids", `{"my-list":{"the_ids":["z"]}}`, []string{"z"}),
	)

	DescribeTable("refuses paths outside the subset",
		func(path, msg string) {
			_, err := measure.CompileJSONPath(path)
			Expect(err).To(MatchError(ContainSubstring(msg)))
		},
		Entry("no root", "ids", `must start with "$"`),
		Entry("recursive descent", "$..id", `unsupported at "..id"`),
		Entry("a filter", "$.items[?(@.ok)]", `unsupported at "[?(@.ok)]"`),
		Entry("a quoted key", "$['ids']", `unsupported at "['ids']"`),
	)

	It("refuses selections that are not ids, and documents that are not JSON", func() {
		p, err := measure.CompileJSONPath("$.items[*]")
		Expect(err).NotTo(HaveOccurred())
		_, err = p.Strings([]byte(`{"items":[{"id":"a"}]}`))
		Expect(err).To(MatchError("json path $.items[*] selects an object, want strings or numbers"))
		_, err = p.Strings([]byte(`<html>`))
		Expect(err).To(MatchError(ContainSubstring("decode json")))
	})
})
