package params_test

import (
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/params"
)

// sample has a field of every supported type.
type sample struct {
	Path    string        `param:"path,required"`
	Status  int           `param:"status"`
	Bytes   int64         `param:"bytes"`
	Ratio   float64       `param:"ratio"`
	Wait    bool          `param:"wait"`
	Command []string      `param:"command"`
	Timeout time.Duration `param:"timeout,ms"`
}

var _ = Describe("Decode", func() {
	decode := func(p map[string]any) (sample, error) {
		s := sample{Status: 200, Timeout: time.Second}
		err := params.Decode("mechanism", "hook", p, &s)
		return s, err
	}

	It("fills every supported type from what YAML decodes, keeping defaults for absent keys", func() {
		s, err := decode(map[string]any{"path": "/flags/x", "bytes": 3, "ratio": 0.5, "wait": true,
			"command": []any{"sh", "-c", "true"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(s).To(Equal(sample{Path: "/flags/x", Status: 200, Bytes: 3, Ratio: 0.5, Wait: true,
			Command: []string{"sh", "-c", "true"}, Timeout: time.Second}))
	})

	DescribeTable("names the noun, the kind and the parameter in every error",
		func(p map[string]any, msg string) {
			_, err := decode(p)
			Expect(err).To(MatchError(msg))
		},
		Entry("misspelled key", map[string]any{"path": "/", "stauts": 204},
			`mechanism "hook": unknown parameter "stauts" (did you mean "status"?)`),
		Entry("missing required", map[string]any{},
			`mechanism "hook": missing required parameter "path"`),
		Entry("text for a bool", map[string]any{"path": "/", "wait": "yes"},
			`mechanism "hook": parameter "wait" must be true or false, got string "yes"`),
		Entry("a string for a list", map[string]any{"path": "/", "command": "sh -c true"},
			`mechanism "hook": parameter "command" must be a list of strings such as [sh, -c, "..."], got string "sh -c true"`),
		Entry("a number in a list", map[string]any{"path": "/", "command": []any{"sleep", 1}},
			`mechanism "hook": parameter "command" must be a list of strings, got int 1 at [1]`),
		Entry("negative int", map[string]any{"path": "/", "status": -1},
			`mechanism "hook": parameter "status" must not be negative, got -1`),
	)

	It("names the parameter an error is about, so validation can point at its line", func() {
		var pe interface{ ParamName() string }
		_, err := decode(map[string]any{"path": "/", "stauts": 204})
		Expect(errors.As(err, &pe)).To(BeTrue())
		Expect(pe.ParamName()).To(Equal("stauts"))
		_, err = decode(map[string]any{"path": "/", "wait": "yes"})
		Expect(errors.As(err, &pe)).To(BeTrue())
		Expect(pe.ParamName()).To(Equal("wait"))
		err = params.Errorf("status", "mechanism %q: parameter %q must be an HTTP status", "hook", "status")
		Expect(errors.As(err, &pe)).To(BeTrue())
		Expect(pe.ParamName()).To(Equal("status"))
		Expect(err).To(MatchError(`mechanism "hook": parameter "status" must be an HTTP status`))
	})

	It("says when a kind takes no parameters", func() {
		err := params.Decode("fault", "pause", map[string]any{"signal": "TERM"}, &struct{}{})
		Expect(err).To(MatchError(`fault "pause": unknown parameter "signal" (pause takes no parameters)`))
	})
})
