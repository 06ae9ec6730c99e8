package scenario_test

import (
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

var _ = Describe("YAML syntax errors", func() {
	var ref string
	BeforeEach(func() {
		b, err := os.ReadFile("testdata/bad-release.yaml")
		Expect(err).NotTo(HaveOccurred())
		ref = string(b)
	})

	// broken replaces the first line holding old with repl and returns the document and
	// that line's number.
	broken := func(old, repl string) (string, int) {
		i := strings.Index(ref, old)
		Expect(i).To(BeNumerically(">=", 0), "testdata lacks %q", old)
		return ref[:i] + repl + ref[i+len(old):], strings.Count(ref[:i], "\n") + 1
	}
	parse := func(doc string) *scenario.Error {
		_, err := scenario.Parse("s.yaml", []byte(doc), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		var se *scenario.Error
		Expect(err).To(BeAssignableToTypeOf(se))
		return err.(*scenario.Error)
	}

	DescribeTable("names the line of the mistake, not of the block around it",
		func(old, repl string) {
			doc, line := broken(old, repl)
			Expect(parse(doc).Line).To(Equal(line))
		},
		Entry("an over-indented key", "      port: 8080", "        port: 8080"),
		Entry("an unclosed quote", "      port: 8080", "      port: \"8080"),
		Entry("an unclosed flow mapping", "{LEDGER_DURABILITY: always}", "{LEDGER_DURABILITY: always"),
		Entry("a missing colon", "      health: /healthz", "      health /healthz"),
	)

	It("says a tab indents the line, and to use spaces", func() {
		doc, line := broken("      port: 8080", "\tport: 8080")
		e := parse(doc)
		Expect(e.Line).To(Equal(line))
		Expect(e.Msg).To(ContainSubstring("a tab indents this line"))
		Expect(e.Msg).To(ContainSubstring("spaces"))
		Expect(e.Msg).NotTo(ContainSubstring("cannot start any token"))
	})
})

var _ = Describe("A missing stack", func() {
	It("is one error, not one more per reference to a service", func() {
		b, err := os.ReadFile("testdata/bad-release.yaml")
		Expect(err).NotTo(HaveOccurred())
		s := string(b)
		start, end := strings.Index(s, "\nstack:"), strings.Index(s, "\nworkload:")
		Expect(start).To(BeNumerically(">", 0))
		Expect(end).To(BeNumerically(">", start))
		_, err = scenario.Parse("s.yaml", []byte(s[:start]+s[end:]), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).To(HaveOccurred())
		Expect(strings.Split(err.Error(), "\n")).To(HaveLen(1))
		Expect(err.Error()).To(ContainSubstring("stack.services must list at least one service"))
	})
})
