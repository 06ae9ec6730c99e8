package secret_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/secret"
)

func TestSecret(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "secret Suite")
}

var _ = Describe("secret references", func() {
	It("resolve ${env:NAME} and ${file:PATH} at use and are recorded as ***", func() {
		GinkgoT().Setenv("DRILL_SPEC_TOKEN", "tok-123456")
		file := filepath.Join(GinkgoT().TempDir(), "pw")
		Expect(os.WriteFile(file, []byte("pw-abcdef\n"), 0o600)).To(Succeed())
		s := "Bearer ${env:DRILL_SPEC_TOKEN} ${file:" + file + "}"
		v, err := secret.Resolve(s)
		Expect(err).NotTo(HaveOccurred())
		Expect(v).To(Equal("Bearer tok-123456 pw-abcdef"))
		Expect(secret.Mask(s)).To(Equal("Bearer *** ***"))
		Expect(secret.Values(s)).To(ConsistOf("tok-123456", "pw-abcdef"))
		Expect(secret.HasRef("${DRILL_ENDPOINT_X}")).To(BeFalse())
		Expect(secret.Mask("${DRILL_ENDPOINT_X}")).To(Equal("${DRILL_ENDPOINT_X}"))
	})

	It("refuses a reference that does not resolve, naming it without a value", func() {
		Expect(secret.Check("${env:DRILL_SPEC_SURELY_UNSET}")).To(MatchError(ContainSubstring("${env:DRILL_SPEC_SURELY_UNSET}: the variable is not set")))
		Expect(secret.Check("${env:a-b}")).To(MatchError(ContainSubstring("is not a variable name")))
		Expect(secret.Check("${file:/nonexistent/x}")).To(HaveOccurred())
		Expect(secret.Check("plain $HOME ${HOME}")).To(Succeed())
	})

	It("redact a URL's userinfo and query values", func() {
		GinkgoT().Setenv("DRILL_SPEC_TOKEN", "tok-123456")
		for in, want := range map[string]string{
			"https://user:pw-123@ci.example/rollback?token=abc&x=1":        "https://user:***@ci.example/rollback?token=***&x=***",
			"https://tok-only@ci.example/a":                                "https://***@ci.example/a",
			"http://${DRILL_ENDPOINT_A}/flags?key=${env:DRILL_SPEC_TOKEN}": "http://${DRILL_ENDPOINT_A}/flags?key=***",
			"http://h/p": "http://h/p",
		} {
			Expect(secret.RedactURL(in)).To(Equal(want), in)
		}
		Expect(secret.URLValues("https://u:pw-123@h/?token=abcdef&n=1")).To(ContainElements("pw-123", "abcdef"))
	})

	It("masks values it learned in text and errors, which still unwrap", func() {
		var m secret.Masker
		m.Add("tok-123456", "")
		base := errors.New("call https://h/?t=tok-123456: refused")
		err := m.Err(base)
		Expect(err.Error()).To(Equal("call https://h/?t=***: refused"))
		Expect(errors.Is(err, base)).To(BeTrue())
		Expect(m.Text("a tok-123456 b")).To(Equal("a *** b"))
		Expect(m.Err(nil)).To(BeNil())
	})
})

// FuzzRedactURL: a URL's password and query values never survive RedactURL. A value
// that holds a URL's own delimiters unescaped (# / ? @ & = ; % + :) makes another URL,
// whose parts are others: such values are skipped.
func FuzzRedactURL(f *testing.F) {
	f.Add("https://user:pw-secret@h/p?token=tok-secret", "pw-secret")
	f.Add("http://${X}/a?k=${env:Y}", "zzzz")
	f.Add("not a url ://a@b", "a@b")
	f.Fuzz(func(t *testing.T, raw, planted string) {
		if len(planted) < 4 || strings.ContainsAny(planted, "#/?@&=;%+:*") || strings.Contains("https://user:@h/p?token=", planted) {
			return
		}
		u := "https://user:" + planted + "@h/p?token=" + planted
		got := secret.RedactURL(u)
		if strings.Contains(got, planted) {
			t.Fatalf("RedactURL(%q) = %q keeps %q", u, got, planted)
		}
		_ = secret.RedactURL(raw) // never panics
	})
}

var _ = Describe("a path with a query", func() {
	It("is redacted like a URL", func() {
		Expect(secret.RedactURL("/rollback?token=abc123&dry=1")).To(Equal("/rollback?token=***&dry=***"))
		Expect(secret.RedactURL("/flags/new-path")).To(Equal("/flags/new-path"))
	})
})
