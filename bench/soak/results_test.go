package main

import (
	"syscall"
	"testing"

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
