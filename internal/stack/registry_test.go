package stack_test

import (
	"context"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// fakeRuntime is a Runtime that starts nothing: the registry specs only select it.
type fakeRuntime struct{ name string }

func (f fakeRuntime) Name() string { return f.name }
func (fakeRuntime) Up(context.Context, scenario.Stack, ...stack.UpOption) (stack.Stack, error) {
	return nil, errors.New("fake runtime starts nothing")
}

// fakeRegistration registers a fakeRuntime, available when unavailable is nil.
func fakeRegistration(name string, unavailable error) stack.Registration {
	return stack.Registration{
		Name:        name,
		Description: "nothing, for specs",
		New: func(context.Context) (stack.Runtime, []string, error) {
			return fakeRuntime{name}, []string{"made " + name}, nil
		},
		Available: func(context.Context) error { return unavailable },
	}
}

var _ = Describe("Registry", func() {
	ctx := context.Background()

	It("rejects a duplicate, the name auto, and a registration without New or Available", func() {
		_, err := stack.NewRegistry(fakeRegistration("a", nil), fakeRegistration("a", nil))
		Expect(err).To(MatchError(ContainSubstring(`register runtime "a": registered twice`)))
		_, err = stack.NewRegistry(fakeRegistration(stack.Auto, nil))
		Expect(err).To(MatchError(ContainSubstring(`register runtime "auto"`)))
		_, err = stack.NewRegistry(stack.Registration{Name: "b"})
		Expect(err).To(MatchError(ContainSubstring("New and Available must be set")))
	})

	It("lists its names in order, for --runtime's choices and help", func() {
		reg, err := stack.NewRegistry(fakeRegistration("a", nil), fakeRegistration("b", nil), fakeRegistration("c", nil))
		Expect(err).NotTo(HaveOccurred())
		Expect(reg.Names()).To(Equal([]string{"a", "b", "c"}))
		Expect(reg.Choices()).To(Equal("auto, a, b or c"))
		Expect(reg.Help()).To(ContainSubstring("b: nothing, for specs"))
		Expect(reg.Valid("auto")).To(BeTrue())
		Expect(reg.Valid("b")).To(BeTrue())
		Expect(reg.Valid("d")).To(BeFalse())
	})

	It("auto picks the first available runtime in order and says why", func() {
		reg, err := stack.NewRegistry(fakeRegistration("a", errors.New("no engine answered")), fakeRegistration("b", nil))
		Expect(err).NotTo(HaveOccurred())
		rt, notes, err := reg.Select(ctx, stack.Auto)
		Expect(err).NotTo(HaveOccurred())
		Expect(rt.Name()).To(Equal("b"))
		Expect(notes).To(ContainElements("runtime: b (no engine answered)", "made b"))

		reg, err = stack.NewRegistry(fakeRegistration("a", nil), fakeRegistration("b", nil))
		Expect(err).NotTo(HaveOccurred())
		rt, notes, err = reg.Select(ctx, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(rt.Name()).To(Equal("a"))
		Expect(notes[0]).To(Equal("runtime: a (available here; --runtime b runs nothing, for specs instead)"))
	})

	It("auto passes over runtimes that lack what the stack's kind needs, saying so", func() {
		ext := fakeRegistration("ext", nil)
		ext.Capabilities = stack.Capabilities{stack.CapProxy, stack.CapExternal}
		reg, err := stack.NewRegistry(fakeRegistration("a", nil), ext)
		Expect(err).NotTo(HaveOccurred())
		rt, notes, err := reg.Select(ctx, stack.Auto, stack.CapExternal)
		Expect(err).NotTo(HaveOccurred())
		Expect(rt.Name()).To(Equal("ext"))
		Expect(notes[0]).To(Equal("runtime: ext (a cannot reach a service it did not start)"))
		rt, _, err = reg.Select(ctx, stack.Auto)
		Expect(err).NotTo(HaveOccurred())
		Expect(rt.Name()).To(Equal("a"))
	})

	It("auto never picks a runtime registered ByName, even one that alone has what the stack needs; its name does", func() {
		cluster := fakeRegistration("cluster", nil)
		cluster.ByName = true
		cluster.Capabilities = stack.Capabilities{stack.CapImage}
		reg, err := stack.NewRegistry(fakeRegistration("a", nil), cluster)
		Expect(err).NotTo(HaveOccurred())
		rt, notes, err := reg.Select(ctx, stack.Auto)
		Expect(err).NotTo(HaveOccurred())
		Expect(rt.Name()).To(Equal("a"))
		Expect(notes[0]).To(Equal("runtime: a (available here)"), "nor is it offered as the alternative")
		_, _, err = reg.Select(ctx, stack.Auto, stack.CapImage)
		Expect(err).To(MatchError(ContainSubstring("select runtime: none available")))
		rt, _, err = reg.Select(ctx, "cluster")
		Expect(err).NotTo(HaveOccurred())
		Expect(rt.Name()).To(Equal("cluster"))
	})

	It("refuses an unknown name and an unavailable runtime asked by name, naming the others", func() {
		reg, err := stack.NewRegistry(fakeRegistration("a", errors.New("no engine answered")), fakeRegistration("b", nil))
		Expect(err).NotTo(HaveOccurred())
		_, _, err = reg.Select(ctx, "c")
		Expect(err).To(MatchError(`select runtime: unknown runtime "c": want auto, a or b`))
		_, _, err = reg.Select(ctx, "a")
		Expect(err).To(MatchError("select runtime a: no engine answered (or use --runtime b)"))
	})
})
