package docker_test

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/stack/docker"
)

// buildLabelled builds a one-file image FROM scratch tagged ref with labels.
func buildLabelled(ctx context.Context, cli client.APIClient, ref string, labels map[string]string) {
	GinkgoHelper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for name, body := range map[string]string{"Dockerfile": "FROM scratch\nCOPY x /x\n", "x": ref} {
		Expect(tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))})).To(Succeed())
		_, err := tw.Write([]byte(body))
		Expect(err).NotTo(HaveOccurred())
	}
	Expect(tw.Close()).To(Succeed())
	res, err := cli.ImageBuild(ctx, &b, client.ImageBuildOptions{Tags: []string{ref}, Labels: labels, Remove: true, Version: "1"})
	Expect(err).NotTo(HaveOccurred())
	var out bytes.Buffer
	_, _ = out.ReadFrom(res.Body)
	_ = res.Body.Close()
	_, err = cli.ImageInspect(ctx, ref)
	Expect(err).NotTo(HaveOccurred(), out.String())
}

var _ = Describe("drill clean --all's image prune", Label("docker"), func() {
	It("removes the images of other drill builds that nothing uses, and keeps this build's and those a container uses", func(ctx SpecContext) {
		cli := dockerSetup()
		mark := fmt.Sprintf("prune-%d", time.Now().UnixNano())
		labels := func(binary string) map[string]string {
			return map[string]string{"dev.drill.binary": binary, "dev.drill.test": mark}
		}
		other, mine, used := "drill-test-other:"+mark, "drill-test-mine:"+mark, "drill-test-used:"+mark
		buildLabelled(ctx, cli, other, labels("0ther0build00"))
		buildLabelled(ctx, cli, mine, labels("th1sbuild0000"))
		buildLabelled(ctx, cli, used, labels("0ther0build01"))
		ctr, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{Image: used, Cmd: []string{"/x"}}})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) {
			_, _ = cli.ContainerRemove(ctx, ctr.ID, client.ContainerRemoveOptions{Force: true})
			for _, ref := range []string{other, mine, used} {
				_, _ = cli.ImageRemove(ctx, ref, client.ImageRemoveOptions{Force: true})
			}
		})

		removed, err := docker.CleanImages(ctx, cli, "th1sbuild0000", make(client.Filters).Add("label", "dev.drill.test="+mark))
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(Equal([]string{other}))
		_, err = cli.ImageInspect(ctx, mine)
		Expect(err).NotTo(HaveOccurred())
		_, err = cli.ImageInspect(ctx, used)
		Expect(err).NotTo(HaveOccurred())
	}, NodeTimeout(2*time.Minute))
})
