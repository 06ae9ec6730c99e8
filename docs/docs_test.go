// Package docs_test holds the specs of the documentation: README.md is a map of at most
// 200 lines that names every package, and every link and path in the Markdown files
// leads somewhere that exists.
package docs_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestDocs(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "docs")
}

// root is the repository's root, seen from this package's directory.
const root = ".."

var (
	linkRE    = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	codeRE    = regexp.MustCompile("`([^`\\s]+)`")
	headingRE = regexp.MustCompile(`(?m)^#+\s+(.+)$`)
)

// markdownFiles lists the Markdown files of the repository outside testdata.
func markdownFiles() []string {
	var files []string
	Expect(filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "runs") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return nil
	})).To(Succeed())
	return files
}

func read(path string) string {
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

// anchors returns the GitHub anchors of a Markdown file's headings.
func anchors(text string) map[string]bool {
	out := map[string]bool{}
	for _, m := range headingRE.FindAllStringSubmatch(text, -1) {
		a := strings.Map(func(r rune) rune {
			switch {
			case r == ' ':
				return '-'
			case r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r > 127:
				return r
			}
			return -1
		}, strings.ToLower(strings.TrimSpace(m[1])))
		out[a] = true
	}
	return out
}

var _ = Describe("the documentation", func() {
	It("keeps README.md a map of at most 200 lines", func() {
		lines := strings.Count(read(filepath.Join(root, "README.md")), "\n")
		Expect(lines).To(BeNumerically("<=", 200), "the reference belongs in docs/, one topic a file")
	})

	It("names every package under internal/ and every top-level directory in README.md's map", func() {
		readme := read(filepath.Join(root, "README.md"))
		Expect(filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if gos, _ := filepath.Glob(filepath.Join(path, "*.go")); len(gos) > 0 {
				rel, _ := filepath.Rel(root, path)
				Expect(strings.Contains(readme, "`"+filepath.ToSlash(rel)+"/`")).To(BeTrue(), "README.md's map names `%s/`", rel)
			}
			return nil
		})).To(Succeed())
		entries, err := os.ReadDir(root)
		Expect(err).NotTo(HaveOccurred())
		for _, e := range entries {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") && e.Name() != "internal" && e.Name() != "bin" && e.Name() != "runs" {
				Expect(strings.Contains(readme, "`"+e.Name()+"/")).To(BeTrue(), "README.md's map names `%s/`", e.Name())
			}
		}
	})

	It("links only to files and headings that exist", func() {
		files := markdownFiles()
		Expect(files).To(ContainElement(filepath.Join(root, "docs", "scenario.md")))
		for _, file := range files {
			text := read(file)
			for _, m := range linkRE.FindAllStringSubmatch(text, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				path, anchor, _ := strings.Cut(target, "#")
				resolved := file
				if path != "" {
					resolved = filepath.Join(filepath.Dir(file), path)
					_, err := os.Stat(resolved)
					Expect(err).NotTo(HaveOccurred(), "%s links to %s, which does not exist", file, target)
				}
				if anchor != "" {
					Expect(anchors(read(resolved))).To(HaveKey(anchor), "%s links to %s, a heading that does not exist", file, target)
				}
			}
		}
	})

	It("names in README.md and docs/ only repository paths that exist", func() {
		for _, file := range append([]string{filepath.Join(root, "README.md")}, must(filepath.Glob(filepath.Join(root, "docs", "*.md")))...) {
			for _, m := range codeRE.FindAllStringSubmatch(read(file), -1) {
				p := strings.TrimSuffix(m[1], ",")
				first, _, ok := strings.Cut(p, "/")
				if !ok || strings.ContainsAny(p, "<>$*:{}") || first == "" {
					continue
				}
				if _, err := os.Stat(filepath.Join(root, first)); err != nil {
					continue // not a repository path (a URL path, a file of the user's)
				}
				_, err := os.Stat(filepath.Join(root, p))
				Expect(err).NotTo(HaveOccurred(), "%s names %s, which does not exist", file, p)
			}
		}
	})
})

func must[T any](v T, err error) T {
	Expect(err).NotTo(HaveOccurred())
	return v
}
