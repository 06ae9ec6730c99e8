package suggest_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/suggest"
)

func TestSuggest(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Suggest Suite")
}

var _ = Describe("Nearest", func() {
	keys := []string{"rollback", "probes", "workload", "objectives", "version"}
	DescribeTable("finds what a misspelling meant, and nothing for what is not one",
		func(word, want string) { Expect(suggest.Nearest(word, keys)).To(Equal(want)) },
		Entry("a dropped letter", "rollbak", "rollback"),
		Entry("another case", "ROLLBACK", "rollback"),
		Entry("a missing plural", "probe", "probes"),
		Entry("a long word, one edit", "objectivs", "objectives"),
		Entry("nothing close", "zzzzzz", ""),
		Entry("empty", "", ""),
	)
	It("counts edits as Levenshtein does", func() {
		Expect(suggest.EditDistance("kitten", "sitting")).To(Equal(3))
		Expect(suggest.EditDistance("héllo", "hello")).To(Equal(1))
	})
})
