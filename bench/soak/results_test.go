package main

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSoak(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "soak Suite")
}

var _ = Describe("the soak's verdict", func() {
	run := func(sig syscall.Signal, signalled bool, code int) record {
		return record{planned: planned{runtime: "docker", sig: sig}, signalled: signalled, code: code}
	}
	DescribeTable("fails a run that exits with the wrong code, even when it left nothing",
		func(x record, wrong bool) {
			Expect(x.wrongCode()).To(Equal(wrong))
			Expect((&results{runs: []record{x}}).clean()).To(Equal(!wrong))
		},
		Entry("SIGINT → 130", run(syscall.SIGINT, true, 130), false),
		Entry("SIGTERM → 130", run(syscall.SIGTERM, true, 130), false),
		Entry("SIGINT → 4 (an internal error while interrupted)", run(syscall.SIGINT, true, 4), true),
		Entry("SIGTERM → 0", run(syscall.SIGTERM, true, 0), true),
		Entry("SIGKILL → killed", run(syscall.SIGKILL, true, -1), false),
		Entry("SIGKILL → 130 (not the kill's doing)", run(syscall.SIGKILL, true, 130), true),
		Entry("ended before the signal, inconclusive", run(syscall.SIGINT, false, 3), false),
		Entry("ended before the signal with an error", run(syscall.SIGINT, false, 4), true),
	)
})

var _ = Describe("the soak's plan", func() {
	It("covers both runtimes and the three signals evenly, with a third of docker's signals in its first 3 s", func() {
		s := &soak{cfg: config{runs: 100}, rng: rand.New(rand.NewPCG(1, 2)), runtimes: []string{"docker", "process"}}
		cells := map[string]int{}
		early := map[string]int{}
		for _, x := range s.plan() {
			key := x.runtime + " " + sigName(x.sig)
			cells[key]++
			d := x.delay(10 * time.Second)
			Expect(d).To(BeNumerically(">=", 0))
			if x.runtime == "docker" && d < earlyWindow {
				early[key]++
			}
		}
		Expect(cells).To(HaveLen(6))
		for key, n := range cells {
			Expect(n).To(BeNumerically(">=", 16), key)
		}
		for _, sig := range signals {
			key := "docker " + sigName(sig)
			Expect(early[key]).To(BeNumerically(">=", cells[key]/3), key)
		}
	})
})
