package process

import (
	"net"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("the ports the process runtime hands to services", func() {
	It("come from below the ephemeral range, free, never twice", func() {
		lo, hi := servicePorts()
		Expect(hi - lo).To(BeNumerically(">=", 1000))
		// What the kernel gives a listener on :0 (and an outgoing connection) is above hi.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		eph := ln.Addr().(*net.TCPAddr).Port
		Expect(ln.Close()).To(Succeed())
		Expect(eph).To(BeNumerically(">", hi))

		seen := map[int]bool{}
		for range 500 {
			p, err := freePort()
			Expect(err).NotTo(HaveOccurred())
			Expect(p).To(BeNumerically(">=", lo))
			Expect(p).To(BeNumerically("<=", hi))
			Expect(seen[p]).To(BeFalse(), "port %d handed twice", p)
			seen[p] = true
		}
		// A port someone listens on is never handed.
		busy, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(lo))
		if err == nil {
			defer busy.Close()
			for range 200 {
				p, err := freePort()
				Expect(err).NotTo(HaveOccurred())
				Expect(p).NotTo(Equal(lo))
			}
		}
	})
})
