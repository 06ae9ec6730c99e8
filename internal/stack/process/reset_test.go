package process_test

import (
	"context"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/stack/stacktest"
	"github.com/drillhq/drill/internal/testenv"
)

var _ = Describe("the process runtime's reset (stack reuse)", Ordered, func() {
	ctx := context.Background()
	BeforeAll(func() {
		prev, had := os.LookupEnv(fixture.DirEnv)
		Expect(testenv.BuildFixtures(ctx, GinkgoT().TempDir())).To(Succeed())
		DeferCleanup(func() {
			if had {
				os.Setenv(fixture.DirEnv, prev)
			} else {
				os.Unsetenv(fixture.DirEnv)
			}
		})
	})

	It("brings a stack a trial left killed, at v2, with a toxic, a disabled proxy and data back to what a new stack shows, output in the new trial's folder", func() {
		out1, out2 := GinkgoT().TempDir(), GinkgoT().TempDir()
		st, err := process.New().Up(ctx, ledgerStack(), stack.WithOutputDir(out1))
		if st != nil {
			DeferCleanup(st.Down, context.Background())
		}
		Expect(err).NotTo(HaveOccurred())
		fresh := stacktest.ReadFresh(st)
		Expect(fresh.Release).To(Equal("v1"))
		conn := stacktest.Mess(ctx, st)
		stacktest.ExpectResetFresh(ctx, st, ledgerStack(), fresh, conn, stack.WithOutputDir(out2))
		Expect(filepath.Join(out2, "ledger.1.v1.log")).To(BeAnExistingFile(), "the reset stack's output goes to the new trial's folder")

		By("a second trial's mess and reset, on the same proxies")
		conn = stacktest.Mess(ctx, st)
		stacktest.ExpectResetFresh(ctx, st, ledgerStack(), fresh, conn, stack.WithOutputDir(out2))
	})

	It("fails, for the caller to start a new stack, when it cannot empty the data", func() {
		root := GinkgoT().TempDir()
		st, err := process.New().Up(ctx, ledgerStack(), stack.WithDataDir(root))
		if st != nil {
			DeferCleanup(st.Down, context.Background())
		}
		Expect(err).NotTo(HaveOccurred())
		svc, err := st.Service("ledger")
		Expect(err).NotTo(HaveOccurred())
		stacktest.Unremovable(svc.(stack.DataKeeper).DataDir())
		Expect(st.(stack.Resetter).Reset(ctx, ledgerStack(), stack.WithDataDir(root))).To(MatchError(ContainSubstring("empty data dir")))
	})

	It("fails, for the caller to start a new stack, when what it reads back differs from a new stack", func() {
		st, err := process.New().Up(ctx, ledgerStack())
		if st != nil {
			DeferCleanup(st.Down, context.Background())
		}
		Expect(err).NotTo(HaveOccurred())
		_, err = st.Toxiproxy().CreateProxy("stray", "127.0.0.1:0", "127.0.0.1:1")
		Expect(err).NotTo(HaveOccurred())
		Expect(st.(stack.Resetter).Reset(ctx, ledgerStack())).To(MatchError(ContainSubstring("proxy stray is not one Up makes")))
	})

	It("refuses to reset to another stack than the one it was made from", func() {
		st, err := process.New().Up(ctx, ledgerStack())
		if st != nil {
			DeferCleanup(st.Down, context.Background())
		}
		Expect(err).NotTo(HaveOccurred())
		other := ledgerStack()
		other.Services[0].Release = "v2"
		Expect(st.(stack.Resetter).Reset(ctx, other)).To(MatchError(ContainSubstring("not the one this stack was made from")))
	})
})
