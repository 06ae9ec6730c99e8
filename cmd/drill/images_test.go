package main_test

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/testenv"
)

var _ = Describe("drill images", Label("docker"), func() {
	It("resolves a service with a command to the Debian image, tagged by its recipe, and says it is present", func() {
		cli := engine()
		ref := docker.DebianImage.Ref()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := cli.ImageInspect(ctx, ref); err != nil {
			Skip(ref + " is not built: make images builds it (debootstrap and docker import, about 75s once, as root)")
		}
		file := filepath.Join(testenv.ModuleRoot(), "scenarios", "redis-kill-always.yaml")
		session, err := gexec.Start(drill(GinkgoT().TempDir(), "images", file), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(session, 2*time.Minute).Should(gexec.Exit(0))
		Expect(strings.Split(strings.TrimSpace(string(session.Out.Contents())), "\n")).To(ContainElement(file + "\t" + ref + "\tpresent"))
		Expect(ref).To(MatchRegexp(`^drill-debian:[0-9a-f]{12}$`))
	})
})
