package scenario_test

import (
	"errors"
	"os"
	"strings"

	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// reference is the scenario the product runs (scenarios/bad-release.yaml).
func reference() string {
	b, err := os.ReadFile("testdata/bad-release.yaml")
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

// edit replaces exactly one occurrence of old in doc.
func edit(doc, old, new string) string {
	Expect(strings.Count(doc, old)).To(Equal(1), "edit target %q must occur once", old)
	return strings.Replace(doc, old, new, 1)
}

// firstError parses doc and returns the first *scenario.Error it fails with.
func firstError(doc string) *scenario.Error {
	_, err := scenario.Parse("t.yaml", []byte(doc), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
	Expect(err).To(HaveOccurred())
	var e *scenario.Error
	Expect(errors.As(err, &e)).To(BeTrue(), "error %v is not a *scenario.Error", err)
	return e
}

// allErrors parses doc and returns every error line.
func allErrors(doc string) []string {
	_, err := scenario.Parse("t.yaml", []byte(doc), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
	Expect(err).To(HaveOccurred())
	return strings.Split(err.Error(), "\n")
}
