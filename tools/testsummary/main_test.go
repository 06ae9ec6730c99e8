package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestTestSummary(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "testsummary")
}

// stream renders lines of output of packages as `go test -json` events, then each
// package's final action.
func stream(outputs map[string][]string, actions map[string]string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for _, p := range []string{"a", "b"} {
		for _, l := range outputs[p] {
			_ = enc.Encode(event{Action: "output", Package: p, Output: l + "\n"})
		}
		_ = enc.Encode(event{Action: actions[p], Package: p, Elapsed: 1.5})
	}
	return b.String()
}

var _ = Describe("the test summary", func() {
	suite := func(passed, failed, skipped int, skips ...string) []string {
		lines := []string{"Running Suite: x", "Will run 3 of 3 specs"}
		for _, s := range skips {
			lines = append(lines, "S [SKIPPED] [0.000 seconds]", "docker runtime [It] starts", "/x.go:1", "", "  [SKIPPED] "+s)
		}
		return append(lines, "Ran 2 of 3 Specs in 0.1 seconds",
			"SUCCESS! -- "+itoa(passed)+" Passed | "+itoa(failed)+" Failed | 0 Pending | "+itoa(skipped)+" Skipped")
	}

	It("counts specs per package, names each skip with its reason, and closes with the totals", func() {
		in := stream(map[string][]string{"a": suite(2, 0, 1, "docker engine not available: no socket"), "b": suite(3, 0, 0)},
			map[string]string{"a": "pass", "b": "pass"})
		var out strings.Builder
		Expect(run(strings.NewReader(in), &out)).To(Equal(0))
		Expect(out.String()).To(ContainSubstring("ok   a (1.5s): 2 of 3 specs ran, 2 passed, 0 failed, 1 skipped\n" +
			"    skipped: docker runtime [It] starts — docker engine not available: no socket\n"))
		Expect(out.String()).To(HaveSuffix("5 passed, 0 failed, 1 skipped\n"))
	})

	It("prints a failed package's whole output and fails", func() {
		in := stream(map[string][]string{"a": suite(2, 0, 0), "b": {"panic: boom"}}, map[string]string{"a": "pass", "b": "fail"})
		var out strings.Builder
		Expect(run(strings.NewReader(in), &out)).To(Equal(1))
		Expect(out.String()).To(ContainSubstring("FAIL b (1.5s): ? of ? specs ran"))
		Expect(out.String()).To(ContainSubstring("---- output of b ----\npanic: boom\n---- end of b ----"))
	})
})

func itoa(n int) string { return strconv.Itoa(n) }
