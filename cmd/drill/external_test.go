package main_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/testenv"
)

// stagingState is what a team would check of its staging ledger before and after a
// drill: the process (pid and start time, so a restart under the same pid shows), the
// release it reports and its flag.
type stagingState struct {
	pid          int
	started      string
	version, flg string
}

// readStaging reads the state of the ledger staging.sh runs from dir on port.
func readStaging(dir string, port int) stagingState {
	GinkgoHelper()
	b, err := os.ReadFile(filepath.Join(dir, "ledger.pid"))
	Expect(err).NotTo(HaveOccurred())
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	Expect(err).NotTo(HaveOccurred())
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	Expect(err).NotTo(HaveOccurred(), "the ledger runs")
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	get := func(path string) string {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", port, path))
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		return fmt.Sprintf("%d %s", resp.StatusCode, bytes.TrimSpace(body))
	}
	return stagingState{pid: pid, started: fields[19], version: get("/version"), flg: get("/flags/new-path")}
}

var _ = Describe("an external stack", func() {
	It("drills services started outside drill through the team's hooks and leaves them as it found them", func() {
		dir := GinkgoT().TempDir()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		port := ln.Addr().(*net.TCPAddr).Port
		Expect(ln.Close()).To(Succeed())
		example := filepath.Join(testenv.ModuleRoot(), "examples", "external-staging")
		script := filepath.Join(example, "staging.sh")
		env := append(os.Environ(), "DRILL="+filepath.Join(binDir, "drill"), "STAGING_DIR="+dir, "LEDGER_PORT="+strconv.Itoa(port))
		staging := func(args ...string) {
			cmd := exec.Command("sh", append([]string{script}, args...)...)
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), string(out))
		}
		staging("start")
		DeferCleanup(staging, "stop")
		before := readStaging(dir, port)
		Expect(before.flg).To(Equal(`200 {"name":"new-path","enabled":false}`))

		b, err := os.ReadFile(filepath.Join(example, "scenario.yaml"))
		Expect(err).NotTo(HaveOccurred())
		sc := strings.ReplaceAll(string(b), "127.0.0.1:18080", "127.0.0.1:"+strconv.Itoa(port))
		sc = strings.ReplaceAll(sc, "examples/external-staging/staging.sh", script)
		path := filepath.Join(dir, "external.yaml")
		Expect(os.WriteFile(path, []byte(sc), 0o644)).To(Succeed())

		var stdout, stderr bytes.Buffer
		cmd := drill(dir, "run", path, "--trials", "10", "--out", "out")
		cmd.Env = append(cmd.Env, "LEDGER_PORT="+strconv.Itoa(port)) // the hooks' staging.sh
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		start := time.Now()
		code := exitCode(cmd.Run())
		Expect(code).To(Equal(3), "10 trials cannot bound p90 at 95%%: inconclusive\n%s\n%s", stdout.String(), stderr.String())
		By(fmt.Sprintf("10 trials in %s", time.Since(start).Round(time.Millisecond)))
		Expect(stderr.String()).To(ContainSubstring("runtime: external"))

		files, _ := filepath.Glob(filepath.Join(dir, "out", "*.json"))
		Expect(files).To(HaveLen(1))
		res, err := report.Read(files[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Runtime).To(Equal("external"))
		Expect(res.Trials).To(HaveLen(10))
		Expect(res.Summary.Recovered).To(Equal(10), stdout.String())
		for _, t := range res.Trials {
			Expect(t.Timing.RTC).NotTo(BeNil(), "trial %d measured its RTC", t.Index)
			Expect(*t.Timing.RTC).To(BeNumerically(">", 0))
			Expect(t.Loss).NotTo(BeNil(), "trial %d measured its RPC", t.Index)
			Expect(t.Loss.Acked).To(BeNumerically(">", 0))
			Expect(t.Loss.Lost).To(BeEmpty(), "the ledger syncs every write: nothing acknowledged is lost")
			Expect(t.Loss.Stable).To(Equal(t.Loss.Acked))
		}

		By("the ledger runs on as it was found: the same process, release and flag")
		Expect(readStaging(dir, port)).To(Equal(before))
		Expect(syscall.Kill(before.pid, 0)).To(Succeed())
	})
})
