package main_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/testenv"
)

// planted is the secret the spec plants; it must appear in nothing drill writes.
const planted = "PLANTED-s3cr3t-71c9e"

// occurrences counts planted in every file under root (gzip files read decompressed),
// skipping the files the spec itself wrote (skip).
func occurrences(root string, skip map[string]bool) map[string]int {
	found := map[string]int{}
	Expect(filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || skip[p] || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			Expect(err).NotTo(HaveOccurred(), p)
			b, err = io.ReadAll(zr)
			Expect(err).NotTo(HaveOccurred(), p)
		}
		if n := bytes.Count(b, []byte(planted)); n > 0 {
			found[p] = n
		}
		return nil
	})).To(Succeed())
	return found
}

var _ = Describe("secrets are never recorded", func() {
	// The reference hook scenario, one trial, with the secret planted in the service's
	// env (a reference and a DSN written out) and in the hook: its URL's userinfo and
	// query (written out and as a reference), or its argv (a reference the command echoes).
	scenario := func(hook string) string {
		b, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "scenarios", "rollback-hook.yaml"))
		Expect(err).NotTo(HaveOccurred())
		s := strings.Replace(string(b), "trials: 30", "trials: 1", 1)
		s = strings.Replace(s, "env: {LEDGER_DURABILITY: always}",
			`env: {LEDGER_DURABILITY: always, API_TOKEN: "${env:DRILL_HOOK_TOKEN}", DATABASE_URL: "postgres://drill:`+planted+`@db:5432/ledger?sslmode=disable"}`, 1)
		old := "      url: http://${DRILL_ENDPOINT_LEDGER}/flags/new-path\n      method: PUT\n      body: '{\"enabled\": false}'\n"
		Expect(s).To(ContainSubstring(old))
		return strings.Replace(s, old, hook, 1)
	}
	hooks := map[string]string{
		"url": "      url: http://drill:" + planted + "@${DRILL_ENDPOINT_LEDGER}/flags/new-path?token=" + planted + "&key=${env:DRILL_HOOK_TOKEN}\n" +
			"      method: PUT\n      body: '{\"enabled\": false}'\n",
		"argv": `      command: [sh, -c, 'curl -fsS -X PUT -H "Authorization: Bearer $1" -d "{\"enabled\": false}" "http://$DRILL_ENDPOINT_LEDGER/flags/new-path"; echo "hook token $1"', hook, "${env:DRILL_HOOK_TOKEN}"]` + "\n",
	}

	for _, kind := range []string{"url", "argv"} {
		It("leaves 0 occurrences of a secret planted in the hook's "+kind+", the env and a DSN in every file drill writes and on stdout/stderr", func() {
			dir := GinkgoT().TempDir()
			file := filepath.Join(dir, "hook.yaml")
			Expect(os.WriteFile(file, []byte(scenario(hooks[kind])), 0o644)).To(Succeed())
			cmd := drill(dir, "run", "--runtime", "process", "--out", "out", "hook.yaml")
			cmd.Env = append(cmd.Env, "DRILL_HOOK_TOKEN="+planted)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			code := exitCode(cmd.Run())
			Expect(code).To(BeElementOf(0, 3), "a recovered trial (pass or inconclusive): %s", &stderr)
			Expect(stdout.String() + stderr.String()).NotTo(ContainSubstring(planted))
			planCmd := drill(dir, "plan", "hook.yaml")
			planCmd.Env = append(planCmd.Env, "DRILL_HOOK_TOKEN="+planted)
			plan, err := planCmd.CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), string(plan))
			Expect(string(plan)).To(ContainSubstring("hook ledger ("))
			Expect(string(plan)).NotTo(ContainSubstring(planted), "drill plan prints the hook masked")
			Expect(occurrences(dir, map[string]bool{file: true})).To(BeEmpty())
			written, err := filepath.Glob(filepath.Join(dir, "out", "rollback-hook-*"))
			Expect(err).NotTo(HaveOccurred())
			Expect(written).To(ContainElements(HaveSuffix(".json"), HaveSuffix(".audit.jsonl"), HaveSuffix(".raw.json.gz")))
			audit, err := filepath.Glob(filepath.Join(dir, "out", "rollback-hook-*.audit.jsonl"))
			Expect(err).NotTo(HaveOccurred())
			Expect(audit).To(HaveLen(1))
			log, err := os.ReadFile(audit[0])
			Expect(err).NotTo(HaveOccurred())
			Expect(string(log)).To(MatchRegexp(`hook_done[^\n]*\*\*\*`), "the hook ran and was recorded masked")
		})
	}
})
