package measure_test

import (
	"encoding/json"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
)

func op(id string, invoke, complete int, o measure.Outcome) measure.Op {
	ms := func(v int) measure.Offset { return measure.Offset(time.Duration(v) * time.Millisecond) }
	return measure.Op{ID: id, Invoke: ms(invoke), Complete: ms(complete), Outcome: o}
}

var _ = Describe("CheckLoss, the set checker", func() {
	history := []measure.Op{
		op("t-1", 0, 5, measure.OK),          // held: stable
		op("t-2", 10, 15, measure.OK),        // lost, the oldest
		op("t-3", 20, 25, measure.OK),        // lost
		op("t-4", 30, 35, measure.Fail),      // refused, absent: fine
		op("t-5", 40, 45, measure.Fail),      // refused yet present
		op("t-6", 50, 1050, measure.Unknown), // timed out, present: recovered
		op("t-7", 60, 1060, measure.Unknown), // timed out, absent: fine
	}
	final := []string{"t-1", "t-5", "t-6", "t-99"}

	It("classifies every write as Jepsen's set checker does", func() {
		l := measure.CheckLoss(history, final, measure.Offset(100*time.Millisecond))
		Expect(l.Attempted).To(Equal(7))
		Expect(l.Acked).To(Equal(3))
		Expect(l.Failed).To(Equal(2))
		Expect(l.Unknown).To(Equal(2))
		Expect(l.Lost).To(Equal([]string{"t-2", "t-3"}))
		Expect(l.Unexpected).To(Equal([]string{"t-99"}))
		Expect(l.Recovered).To(Equal([]string{"t-6"}))
		Expect(l.FailedPresent).To(Equal([]string{"t-5"}))
		Expect(l.Stable).To(Equal(1))
		Expect(l.NeverRead).To(Equal(2))
		Expect(l.Stable + len(l.Lost) + len(l.Recovered) + len(l.FailedPresent) + l.NeverRead).To(Equal(l.Attempted))
	})

	It("measures RPC from the oldest lost acknowledgement back from t_impact", func() {
		l := measure.CheckLoss(history, final, measure.Offset(100*time.Millisecond))
		Expect(*l.OldestLostAck).To(Equal(measure.Offset(15 * time.Millisecond)))
		Expect(l.RPC).To(Equal(measure.Offset(85 * time.Millisecond)))
	})

	It("gives RPC 0 when nothing acknowledged was lost", func() {
		l := measure.CheckLoss(history, []string{"t-1", "t-2", "t-3"}, measure.Offset(100*time.Millisecond))
		Expect(l.Lost).To(BeEmpty())
		Expect(l.RPC).To(BeZero())
		Expect(l.OldestLostAck).To(BeNil())
	})

	It("keeps RPC at 0 but still reports the loss when every lost write came after t_impact", func() {
		l := measure.CheckLoss(history, []string{"t-1"}, measure.Offset(time.Millisecond))
		Expect(l.Lost).To(HaveLen(2))
		Expect(l.RPC).To(BeZero())
	})

	It("writes offsets as milliseconds and reads them back exactly to the nanosecond", func() {
		for _, o := range []measure.Offset{1234567, 3*measure.Offset(time.Hour) + 7, 0, 1} {
			b, err := json.Marshal(o)
			Expect(err).NotTo(HaveOccurred())
			var back measure.Offset
			Expect(json.Unmarshal(b, &back)).To(Succeed())
			Expect(back).To(Equal(o), string(b))
		}
		b, _ := json.Marshal(measure.Offset(1234567))
		Expect(string(b)).To(Equal("1.234567"))
	})
})
