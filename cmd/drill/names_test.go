package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// namesScenario is the game day's scenario with its change as a step, so that it has one
// name of each kind on its own line: the scenario's (line 2), the service's (6), a
// release's (13) and a change step's (19).
var namesScenario = strings.Replace(strings.Replace(gameDayScenario, "name: game-day", "name: names", 1),
	"change: {service: ledger, release: v2}\n",
	"change:\n  steps:\n    - name: deploy-v2\n      kind: deploy\n      service: ledger\n      release: v2\n", 1)

// namePlaces are the lines of namesScenario that hold a name, and what the name names.
var namePlaces = []struct {
	line       int
	what, text string
}{
	{2, "scenario", "name: names"},
	{6, "service", "    - name: ledger"},
	{13, "release", "        - name: v2"},
	{19, "step", "    - name: deploy-v2"},
}

// tree lists every file and directory under root with its size, to compare before and after.
func tree(root string) map[string]int64 {
	out := map[string]int64{}
	Expect(filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out[p] = info.Size()
		return nil
	})).To(Succeed())
	return out
}

var _ = Describe("names are identifiers", func() {
	hostile := []string{
		"..", ".", "../escaped", "../../../svc-escaped", "/etc/passwd", "a/b", "a\x00b", "$(touch pwned)",
		"`touch pwned`", "a;touch pwned", "a|b", "a&&b", "${HOME}", "a b", "a\nb", "-rf", "~root", "a\\b",
		"ä", strings.Repeat("a", 10_000),
	}

	It("refuses 20 hostile names at their line with exit 2, and writes nothing anywhere", func() {
		Expect(hostile).To(HaveLen(20))
		root := GinkgoT().TempDir()
		work := filepath.Join(root, "a", "b", "c", "work")
		Expect(os.MkdirAll(filepath.Join(work, "tmp"), 0o755)).To(Succeed()) // drill's TMPDIR (see drill)
		for i, name := range hostile {
			place := namePlaces[i%len(namePlaces)]
			desc := fmt.Sprintf("%s name %.40q (%d bytes)", place.what, name, len(name))
			quoted, err := json.Marshal(name) // a JSON string is a YAML double-quoted scalar
			Expect(err).NotTo(HaveOccurred())
			lines := strings.Split(namesScenario, "\n")
			Expect(lines[place.line-1]).To(Equal(place.text))
			lines[place.line-1] = strings.Replace(place.text, place.text[strings.Index(place.text, ": ")+2:], string(quoted), 1)
			Expect(os.WriteFile(filepath.Join(work, "s.yaml"), []byte(strings.Join(lines, "\n")), 0o644)).To(Succeed())
			before := tree(root)

			for _, args := range [][]string{{"validate", "s.yaml"}, {"run", "--runtime", "process", "--trials", "1", "--out", "out", "s.yaml"}} {
				cmd := drill(work, args...)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				Expect(exitCode(cmd.Run())).To(Equal(2), "%s: %s", desc, &stderr)
				first, _, _ := strings.Cut(stderr.String(), "\n")
				Expect(first).To(MatchRegexp(`^drill: s\.yaml:%d: %s name ".*"…? (holds|starts with|is \d+ bytes long)`, place.line, place.what),
					"%s, drill %s", desc, args[0])
				Expect(len(first)).To(BeNumerically("<", 300), "one readable line")
				Expect(stderr.String()).NotTo(ContainSubstring("goroutine"), "no stack trace")
			}
			Expect(tree(root)).To(Equal(before), "nothing written for "+desc)
		}
	})
})
