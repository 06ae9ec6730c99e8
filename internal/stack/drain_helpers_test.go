package stack_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// freeze stops process pid (SIGSTOP), so it accepts nothing, and returns the thaw, which
// must find it still there. A spec that ends before thawing thaws it at cleanup.
func freeze(pid int) (thaw func()) {
	GinkgoHelper()
	Expect(syscall.Kill(pid, syscall.SIGSTOP)).To(Succeed())
	var once sync.Once
	DeferCleanup(func() { once.Do(func() { _ = syscall.Kill(pid, syscall.SIGCONT) }) })
	return func() {
		GinkgoHelper()
		var err error
		once.Do(func() { err = syscall.Kill(pid, syscall.SIGCONT) })
		Expect(err).NotTo(HaveOccurred(), "the frozen process is still there to thaw")
	}
}

// queueRequest opens a connection to ep, sends GET /version on it, and returns it once
// queued reports it waiting in the accept queue of the instance behind ep (within).
func queueRequest(ep string, queued func() int, within time.Duration) net.Conn {
	GinkgoHelper()
	c, err := net.Dial("tcp", ep)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(c.Close)
	_, err = fmt.Fprint(c, "GET /version HTTP/1.1\r\nHost: ledger\r\n\r\n")
	Expect(err).NotTo(HaveOccurred())
	Eventually(queued).WithTimeout(within).Should(Equal(1))
	return c
}

// expectAnswered reads the answer to queueRequest's request on c (within): 200, from
// release.
func expectAnswered(c net.Conn, release string, within time.Duration) {
	GinkgoHelper()
	Expect(c.SetReadDeadline(time.Now().Add(within))).To(Succeed())
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	Expect(err).NotTo(HaveOccurred(), "the request sent to the old release before the flip was answered, not reset")
	body, _ := io.ReadAll(resp.Body)
	Expect(resp.StatusCode).To(Equal(http.StatusOK))
	Expect(string(body)).To(ContainSubstring(`"release":"` + release + `"`))
}
