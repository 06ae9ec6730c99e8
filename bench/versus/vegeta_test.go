package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestVersus(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "versus Suite")
}

var _ = Describe("counting vegeta's results as drill counts its own", func() {
	// row is one result of vegeta encode -to csv: timestamp, code, latency, bytes out and
	// in, error, body, attack, seq, method, url, headers.
	row := func(ts time.Time, code int, seq uint64, errText string) string {
		return fmt.Sprintf("%d,%d,1000000,20,0,%s,,,%d,POST,http://127.0.0.1:1/w,\n", ts.UnixNano(), code, errText, seq)
	}
	It("counts due over the window, on schedule within max(1 ms, 1/rate) of each slot from the first start, answered and 2xx", func() {
		t0 := time.Unix(1_700_000_000, 0)
		var csv strings.Builder
		// 1,000/s for 10 ms: 11 slots due (0 … 10 ms); results arrive out of seq order.
		csv.WriteString(row(t0.Add(1*time.Millisecond+500*time.Microsecond), 200, 1, "")) // 0.5 ms late: on schedule
		csv.WriteString(row(t0, 200, 0, ""))
		csv.WriteString(row(t0.Add(4*time.Millisecond), 500, 2, ""))                           // 2 ms late, answered, not 2xx
		csv.WriteString(row(t0.Add(3*time.Millisecond+900*time.Microsecond), 0, 3, "timeout")) // on schedule, never answered
		r, err := countVegeta(strings.NewReader(csv.String()), 1000, 10*time.Millisecond)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Due).To(Equal(11))
		Expect(r.Issued).To(Equal(4))
		Expect(r.OnSchedule).To(Equal(3))
		Expect(r.Answered).To(Equal(3))
		Expect(r.Acked).To(Equal(2))
		Expect(r.MaxLateMs).To(BeNumerically("~", 2, 1e-9))
	})

	It("refuses a row it cannot read, naming it", func() {
		_, err := countVegeta(strings.NewReader("x,200,1,2,3,,,,0,POST,u,\n"), 1000, time.Second)
		Expect(err).To(MatchError(ContainSubstring("row 1")))
	})
})
