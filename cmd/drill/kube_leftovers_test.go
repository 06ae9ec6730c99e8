package main_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/stack/kubernetes"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/testenv/dockerenv"
	"github.com/drillhq/drill/internal/testenv/kubeenv"
)

// What a drill run on the kubernetes runtime leaves is read from the cluster and its
// containerd directly (client-go, ctr), never from drill's own account of it.
var _ = Describe("a drill run on kubernetes leaves nothing", Ordered, Label("kubernetes"), func() {
	var (
		rt     *kubernetes.Runtime
		drills []string // the images this test binary's drill loads: named by its hash
		before []string // drill's images in the cluster's containerd before any run here
		prefix string   // the runs' --namespace-prefix: theirs alone on a shared cluster
		dirs   = map[string]bool{}
	)

	// images lists the drill images the cluster's containerd holds.
	images := func() []string {
		GinkgoHelper()
		out, err := exec.Command("ctr", "-a", os.Getenv(kubernetes.EnvContainerd), "-n", "k8s.io", "images", "ls", "-q").Output()
		Expect(err).NotTo(HaveOccurred())
		var found []string
		for _, name := range strings.Fields(string(out)) {
			if strings.HasPrefix(name, "docker.io/library/drill-") {
				found = append(found, name)
			}
		}
		return found
	}
	// leftovers are the namespaces labelled with the drill pid's or named with the
	// spec's prefix, the PersistentVolumes labelled with its pid or bound to a claim in
	// such a namespace (the default class provisions those, unlabelled), and their
	// directories on this host.
	leftovers := func(ctx context.Context, pid int) []string {
		GinkgoHelper()
		nss, err := rt.Client().CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())
		pvs, err := rt.Client().CoreV1().PersistentVolumes().List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())
		var left []string
		for _, ns := range nss.Items {
			if ns.Labels[docker.LabelPID] == strconv.Itoa(pid) || strings.HasPrefix(ns.Name, prefix+"-") {
				left = append(left, "namespace "+ns.Name)
			}
		}
		for _, pv := range pvs.Items {
			claim := pv.Spec.ClaimRef
			if pv.Labels[docker.LabelPID] == strconv.Itoa(pid) || claim != nil && strings.HasPrefix(claim.Namespace, prefix+"-") {
				left = append(left, "persistentvolume "+pv.Name)
				if pv.Spec.HostPath != nil {
					dirs[pv.Spec.HostPath.Path] = true
				}
			}
		}
		for dir := range dirs {
			if _, err := os.Stat(dir); err == nil {
				left = append(left, "host dir "+dir)
			}
		}
		return left
	}
	scenario := func(dir string, trials int) string {
		GinkgoHelper()
		b, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "scenarios", "k8s-pod-kill.yaml"))
		Expect(err).NotTo(HaveOccurred())
		path := filepath.Join(dir, "k8s.yaml")
		Expect(os.WriteFile(path, []byte(strings.Replace(string(b), "trials: 10", "trials: "+strconv.Itoa(trials), 1)), 0o644)).To(Succeed())
		return path
	}
	// start runs drill on the cluster and waits until trial 1's fault is applied: its
	// stack up, its images loaded.
	start := func(dir string) *gexec.Session {
		GinkgoHelper()
		s, err := gexec.Start(drill(dir, "run", scenario(dir, 3), "--runtime", "kubernetes", "--namespace-prefix", prefix, "--out", "out"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { s.Kill().Wait(10 * time.Second) })
		Eventually(s.Err, 4*time.Minute).Should(gbytes.Say(`trial 1\s+t_fault`))
		return s
	}

	BeforeAll(func() {
		kubeenv.Available()
		dockerenv.Runtime() // drill builds its images with the local engine
		rt = kubeenv.Runtime()
		f, err := os.Open(filepath.Join(binDir, "drill"))
		Expect(err).NotTo(HaveOccurred())
		defer f.Close()
		h := sha256.New()
		_, err = io.Copy(h, f)
		Expect(err).NotTo(HaveOccurred())
		tag := hex.EncodeToString(h.Sum(nil))[:12]
		drills = []string{"docker.io/library/drill-toxiproxy:" + tag, "docker.io/library/drill-fixture-ledger:" + tag}
		before = images()
		prefix = "lo" + tag[:8]
		Expect(before).NotTo(ContainElements(drills), "this build's images must be absent for the spec to mean anything")
	})

	It("after a run: no namespace, PersistentVolume or temporary dir of it, the image it loaded removed and the one the cluster had kept", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		path := scenario(dir, 1)
		// The user had the proxy image in the cluster already (loaded by hand, as
		// cluster.sh load does): drill uses it and leaves it.
		Expect(drill(dir, "images", path).Run()).To(Succeed())
		load := exec.Command("sh", "-c", `docker save "$1" | ctr -a "$2" -n k8s.io images import -`, "sh",
			strings.TrimPrefix(drills[0], "docker.io/library/"), os.Getenv(kubernetes.EnvContainerd))
		load.Stdout, load.Stderr = GinkgoWriter, GinkgoWriter
		Expect(load.Run()).To(Succeed())
		DeferCleanup(func() {
			_ = exec.Command("ctr", "-a", os.Getenv(kubernetes.EnvContainerd), "-n", "k8s.io", "images", "rm", drills[0]).Run()
		})

		s, err := gexec.Start(drill(dir, "run", path, "--runtime", "kubernetes", "--namespace-prefix", prefix, "--out", "out"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { s.Kill().Wait(10 * time.Second) })
		Eventually(s, 5*time.Minute).Should(gexec.Exit())
		Expect(s.ExitCode()).To(BeElementOf(0, 1, 3), "a judged run")
		Eventually(leftovers).WithArguments(ctx, s.Command.Process.Pid).WithTimeout(30 * time.Second).Should(BeEmpty())
		Expect(images()).To(ContainElement(drills[0]), "the image the user had stays")
		Expect(images()).NotTo(ContainElement(drills[1]), "the image drill loaded is gone")
		Expect(images()).To(ContainElements(before), "and nothing else the cluster had went")
		Expect(ownedDirs(dir, s.Command.Process.Pid)).To(BeEmpty())
	}, NodeTimeout(6*time.Minute))

	It("after SIGKILL: what it left (namespace, loaded images) goes with drill clean", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		s := start(dir)
		pid := s.Command.Process.Pid
		Expect(s.Command.Process.Signal(syscall.SIGKILL)).To(Succeed())
		Eventually(s, 10*time.Second).Should(gexec.Exit())
		left := leftovers(ctx, pid)
		Expect(left).To(ContainElement(HavePrefix("namespace ")), "a killed drill cannot tear its stack down")
		Expect(left).To(ContainElement(HavePrefix("persistentvolume ")), "nor its service's data volume")
		Expect(left).To(ContainElement(HavePrefix("host dir ")), "whose directory is on this host")
		Expect(images()).To(ContainElements(drills), "nor remove the images it loaded")
		Expect(images()).To(ContainElements(before))

		clean := drill(dir, "clean")
		var out strings.Builder
		clean.Stdout, clean.Stderr = &out, GinkgoWriter
		Expect(clean.Run()).To(Succeed())
		Expect(out.String()).To(MatchRegexp(`; [1-9]\d* kubernetes namespaces; [2-9]\d* images drill had loaded into the kubernetes cluster`))
		Eventually(leftovers).WithArguments(ctx, pid).WithTimeout(30 * time.Second).Should(BeEmpty())
		Expect(images()).NotTo(ContainElement(BeElementOf(drills)))
		Expect(images()).To(ContainElements(before))
		Expect(ownedDirs(dir, pid)).To(BeEmpty())
	}, NodeTimeout(8*time.Minute))

	It("after SIGINT: exit 130, its stack torn down and the images it loaded removed", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		s := start(dir)
		Expect(s.Command.Process.Signal(syscall.SIGINT)).To(Succeed())
		Eventually(s, 3*time.Minute).Should(gexec.Exit(130))
		Eventually(leftovers).WithArguments(ctx, s.Command.Process.Pid).WithTimeout(30 * time.Second).Should(BeEmpty())
		Expect(images()).NotTo(ContainElement(BeElementOf(drills)))
		Expect(images()).To(ContainElements(before))
		Expect(ownedDirs(dir, s.Command.Process.Pid)).To(BeEmpty())
	}, NodeTimeout(8*time.Minute))
})
