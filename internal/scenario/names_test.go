package scenario_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
)

var _ = Describe("names", func() {
	It("accepts identifiers and refuses what could leave a directory, run in a shell or overflow a label", func() {
		for _, ok := range []string{"ledger", "v1", "v1.2.3", "app_v2", "deploy-v2", "A9", strings.Repeat("a", scenario.NameMaxLen)} {
			Expect(scenario.CheckName(ok)).To(BeEmpty(), ok)
		}
		for _, bad := range []string{"", ".", "..", "../x", "a/b", "/a", "a\\b", "a\x00b", "$(id)", "a b", "a\nb", "-x", "_x", ".x",
			"ä", "a;b", "a|b", "`id`", "${X}", "\xff", strings.Repeat("a", scenario.NameMaxLen+1)} {
			Expect(scenario.CheckName(bad)).NotTo(BeEmpty(), "%q", bad)
		}
	})
})

var _ = Describe("a compared plan's name", func() {
	It("is an identifier too: it names the plan's raw records file", func() {
		b, err := os.ReadFile("../../scenarios/compare-plans.yaml")
		Expect(err).NotTo(HaveOccurred())
		src := strings.Replace(string(b), "    - name: manual\n", "    - name: \"../manual\"\n", 1)
		Expect(src).NotTo(Equal(string(b)))
		_, err = scenario.Parse("compare-plans.yaml", []byte(src))
		Expect(err).To(MatchError(ContainSubstring(`compare-plans.yaml:69: plan name "../manual" starts with '.'`)))
	})
})

// FuzzCheckName: every name CheckName accepts is one local path element that stays in
// its directory, joined as drill joins names into file names.
func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"ledger", "..", "../x", "a/b", "a\x00b", "v1.2", ".", "a..b", "\xff", "-rf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if scenario.CheckName(name) != "" {
			return
		}
		for _, file := range []string{name, name + "-run", name + ".1.v1.log"} {
			if !filepath.IsLocal(file) || filepath.Base(file) != file || strings.ContainsAny(file, "/\\\x00 $`;|&") {
				t.Fatalf("accepted name %q makes file name %q that is not one local element", name, file)
			}
			if filepath.Dir(filepath.Join("/out", file)) != "/out" {
				t.Fatalf("accepted name %q leaves /out", name)
			}
		}
	})
}
