package main_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/trial"
)

// engineSocket is the local engine's socket, which the spec's proxy forwards to.
const engineSocket = "/var/run/docker.sock"

// socketProxy is a unix-socket proxy in front of the Docker engine: drill drives the
// engine through it (DOCKER_HOST=unix://<path>), and the spec cuts it, as an engine
// that goes away (crash, restart, lost host) does: the listener closes and every
// connection through it is closed on both sides.
type socketProxy struct {
	path string
	ln   net.Listener
	// cutOn cuts the proxy once a request from drill carries it, after forwarding it.
	cutOn []byte

	mu    sync.Mutex
	conns []net.Conn
	cut   bool
	wg    sync.WaitGroup
}

func startSocketProxy(path string, cutOn []byte) *socketProxy {
	GinkgoHelper()
	ln, err := net.Listen("unix", path)
	Expect(err).NotTo(HaveOccurred())
	p := &socketProxy{path: path, ln: ln, cutOn: cutOn}
	p.wg.Go(p.serve)
	DeferCleanup(func() {
		p.cutNow()
		p.wg.Wait()
	})
	return p
}

func (p *socketProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("unix", engineSocket)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		if p.cut {
			p.mu.Unlock()
			_, _ = c.Close(), up.Close()
			continue
		}
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		p.wg.Go(func() { p.forward(c, up) })
		p.wg.Go(func() { _, _ = io.Copy(c, up); _ = c.Close() })
	}
}

// forward copies what drill sends to the engine, and cuts the proxy right after it
// forwarded the bytes carrying cutOn (the change's deploy creating its container).
func (p *socketProxy) forward(c, up net.Conn) {
	defer up.Close()
	var tail []byte // the end of what came before, so a match split across reads is seen
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := up.Write(buf[:n]); werr != nil {
				return
			}
			seen := append(tail, buf[:n]...)
			if bytes.Contains(seen, p.cutOn) {
				p.cutNow()
				return
			}
			tail = append([]byte(nil), seen[max(0, len(seen)-len(p.cutOn)):]...)
		}
		if err != nil {
			return
		}
	}
}

// cutNow closes the listener (its socket file goes with it) and every connection.
func (p *socketProxy) cutNow() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		return
	}
	p.cut = true
	_ = p.ln.Close()
	for _, c := range p.conns {
		_ = c.Close()
	}
}

func (p *socketProxy) wasCut() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cut
}

// drillImage is one of the engine's drill images: its tags and the hash of the drill
// binary inside it (the dev.drill.binary label every image drill builds carries).
type drillImage struct {
	tags   []string
	binary string
}

// drillImages lists the engine's images named drill-* or labelled with a drill binary,
// leaving out the untagged intermediate images of a build (the parents of another
// image: they go with the image built on them).
func drillImages(cli client.APIClient) map[string]drillImage {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	imgs, err := cli.ImageList(ctx, client.ImageListOptions{All: true})
	Expect(err).NotTo(HaveOccurred())
	parents := map[string]bool{}
	for _, im := range imgs.Items {
		parents[im.ParentID] = true
	}
	out := map[string]drillImage{}
	for _, im := range imgs.Items {
		// An older engine lists an untagged image as "<none>:<none>".
		untagged := len(im.RepoTags) == 0 || (len(im.RepoTags) == 1 && im.RepoTags[0] == "<none>:<none>")
		if untagged && parents[im.ID] {
			continue
		}
		d := drillImage{binary: im.Labels["dev.drill.binary"]}
		for _, tag := range im.RepoTags {
			if strings.HasPrefix(tag, "drill-") {
				d.tags = append(d.tags, tag)
			}
		}
		if len(d.tags) > 0 || d.binary != "" {
			out[im.ID] = d
		}
	}
	return out
}

// binaryHash is the short hash drill tags its images with: the first 12 hex digits of
// the sha256 of the drill binary the specs run.
func binaryHash() string {
	GinkgoHelper()
	b, err := os.ReadFile(filepath.Join(binDir, "drill"))
	Expect(err).NotTo(HaveOccurred())
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:12]
}

var _ = Describe("the Docker engine lost during the change's deploy", Label("docker"), func() {
	It("makes that trial an error naming the engine, never judged; exits 4 naming what was left and drill clean, which removes it", func() {
		cli := engine()
		dir := GinkgoT().TempDir()
		// A short path: a unix socket's path is at most 107 bytes.
		sockDir, err := os.MkdirTemp("", "eng")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(os.RemoveAll, sockDir)
		sock := filepath.Join(sockDir, "docker.sock")
		// The change deploys ledger v2: the container drill creates for it is the first
		// to carry v2's release in its environment (v1's carries v1).
		proxy := startSocketProxy(sock, []byte("LEDGER_RELEASE=v2"))
		imagesBefore := drillImages(cli)

		cmd := drill(dir, "run", quickScenario(dir, 1), "--runtime", "docker", "--out", "out")
		cmd.Env = append(cmd.Env, "DOCKER_HOST=unix://"+sock)
		session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		pid := cmd.Process.Pid
		DeferCleanup(removeOwned, cli, pid)
		DeferCleanup(func() { session.Kill().Wait(10 * time.Second) })

		Eventually(proxy.wasCut, 3*time.Minute, 50*time.Millisecond).Should(BeTrue(), "drill never deployed v2 through the proxy")
		Eventually(session, 3*time.Minute).Should(gexec.Exit())
		stderr := string(session.Err.Contents())
		Expect(session.ExitCode()).To(Equal(4), "an infrastructure error, not a verdict: %s", stderr)

		files, err := filepath.Glob(filepath.Join(dir, "out", "*.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(files).To(HaveLen(1))
		res, err := report.Read(files[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Engine).To(Equal("unix://"+sock), "the results name the engine drill drove")
		Expect(res.Trials).To(HaveLen(1))
		tr := res.Trials[0]
		Expect(tr.Outcome).To(Equal(trial.Errored), "%s", tr.Error)
		Expect(tr.Error).To(HavePrefix("runtime failed during the trial"))
		Expect(tr.Error).To(ContainSubstring("ping docker engine"))
		Expect(tr.Error).To(ContainSubstring(sock), "the engine is named")
		Expect(tr.Timing.RTC).To(BeNil(), "no recovery is measured against a lost engine")
		var names []string
		for _, e := range tr.Events {
			names = append(names, string(e.Name))
		}
		Expect(names).To(ContainElement(string(trial.EventFault)), "the cut came once the change had started")
		Expect(res.Summary.Judged).To(BeZero(), "no verdict is drawn from it")
		Expect(res.Summary.Errors).To(Equal(1))
		Expect(res.Summary.Incidents).To(BeZero())

		// What was left, and how to remove it, in the trial's error and on the terminal.
		left, _, err := owned(cli, pid)
		Expect(err).NotTo(HaveOccurred())
		Expect(left).NotTo(BeEmpty(), "the lost engine kept the stack's containers: leftovers")
		for _, c := range left {
			if svc := c.labels[docker.LabelService]; svc == "toxiproxy" || strings.HasSuffix(c.name, "-ledger-1") {
				Expect(tr.Error).To(ContainSubstring(c.name), "a container drill started is named")
			}
		}
		Expect(tr.Error).To(MatchRegexp(`network drill-\S+`))
		Expect(tr.Error).To(ContainSubstring("`drill clean` with DOCKER_HOST=unix://" + sock))
		Expect(string(session.Out.Contents())+stderr).To(ContainSubstring("DOCKER_HOST=unix://"+sock), "the terminal says where and how")

		// drill clean against the real engine (DOCKER_HOST unset: the local socket).
		var out bytes.Buffer
		clean := drill(dir, "clean", "--out", "out")
		clean.Stdout, clean.Stderr = &out, GinkgoWriter
		Expect(clean.Run()).To(Succeed())
		m := regexp.MustCompile(`removed (\d+) containers and (\d+) networks`).FindStringSubmatch(out.String())
		Expect(m).NotTo(BeNil(), out.String())
		Expect(m[1]).NotTo(Equal("0"))
		Expect(ownedCount(cli, pid)()).To(BeZero(), "nothing labelled with the run's pid is left")
		// A run builds its binary's images once (tagged with the binary's hash) and the
		// next run reuses them: a cache, not a run's leftover. Anything else new of this
		// binary is. Images of other binaries are other suites' on the same engine (make
		// test runs packages side by side), not this run's.
		ours := binaryHash()
		cache := regexp.MustCompile(`^drill-(?:fixture-ledger|toxiproxy):` + ours + `$`)
		for id, im := range drillImages(cli) {
			if _, ok := imagesBefore[id]; ok || im.binary != ours {
				continue
			}
			Expect(im.tags).NotTo(BeEmpty(), "image %s of this binary is untagged: a leftover", id)
			for _, tag := range im.tags {
				Expect(tag).To(MatchRegexp(cache.String()), "image %s %s is not a cached image of the run's binary", id, tag)
			}
		}
	})
})
