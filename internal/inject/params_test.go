package inject_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/inject"
	"github.com/drillhq/drill/internal/scenario"
)

var _ = Describe("parameters", func() {
	reg := inject.NewRegistry()

	build := func(kind string, params map[string]any) error {
		_, err := reg.Build(scenario.Fault{Kind: kind, Target: "web", Params: params})
		return err
	}

	DescribeTable("rejects bad parameters before anything starts",
		func(kind string, params map[string]any, msg string) {
			Expect(build(kind, params)).To(MatchError(msg))
		},
		Entry("misspelled key", "latency", map[string]any{"latency": "100ms", "jiter": "5ms"},
			`fault "latency": unknown parameter "jiter" (did you mean "jitter"?)`),
		Entry("unrelated key", "bandwidth", map[string]any{"rate": 10, "colour": "red"},
			`fault "bandwidth": unknown parameter "colour" (valid parameters: rate, stream, toxicity)`),
		Entry("parameter of a kind that takes none", "pause", map[string]any{"signal": "TERM"},
			`fault "pause": unknown parameter "signal" (pause takes no parameters)`),
		Entry("misspelled kill parameter", "kill", map[string]any{"restrat": "after"},
			`fault "kill": unknown parameter "restrat" (did you mean "restart"?)`),
		Entry("missing required", "latency", map[string]any{"jitter": "5ms"},
			`fault "latency": missing required parameter "latency"`),
		Entry("number for a duration", "latency", map[string]any{"latency": 100},
			`fault "latency": parameter "latency" must be a duration string such as "100ms", got int 100`),
		Entry("unparsable duration", "slow_close", map[string]any{"delay": "soon"},
			`fault "slow_close": parameter "delay" must be a duration such as "100ms" or "2s", got "soon"`),
		Entry("negative duration", "timeout", map[string]any{"timeout": "-1s"},
			`fault "timeout": parameter "timeout" must not be negative, got -1s`),
		Entry("sub-millisecond duration", "reset_peer", map[string]any{"timeout": "1500us"},
			`fault "reset_peer": parameter "timeout" must be a whole number of milliseconds, got 1.5ms`),
		Entry("string for a number", "limit_data", map[string]any{"bytes": "1kb"},
			`fault "limit_data": parameter "bytes" must be a whole number, got string "1kb"`),
		Entry("fraction for a whole number", "limit_data", map[string]any{"bytes": 1.5},
			`fault "limit_data": parameter "bytes" must be a whole number, got 1.5`),
		Entry("negative number", "limit_data", map[string]any{"bytes": -1},
			`fault "limit_data": parameter "bytes" must not be negative, got -1`),
		Entry("zero rate", "bandwidth", map[string]any{"rate": 0},
			`fault "bandwidth": parameter "rate" must be positive (KB/s), got 0`),
		Entry("bad stream", "latency", map[string]any{"latency": "1s", "stream": "sideways"},
			`fault "latency": parameter "stream" must be one of downstream, upstream, both, got "sideways"`),
		Entry("zero toxicity", "latency", map[string]any{"latency": "1s", "toxicity": 0},
			`fault "latency": parameter "toxicity" must be in (0, 1] (0 would never apply the toxic), got 0`),
		Entry("toxicity as text", "latency", map[string]any{"latency": "1s", "toxicity": "high"},
			`fault "latency": parameter "toxicity" must be a number, got string "high"`),
		Entry("jitter above latency", "latency", map[string]any{"latency": "10ms", "jitter": "20ms"},
			`fault "latency": parameter "jitter" (20ms) must not exceed "latency" (10ms)`),
		Entry("slicer variation not below average", "slicer", map[string]any{"average_size": 10, "size_variation": 10},
			`fault "slicer": parameter "size_variation" (10) must be less than "average_size" (10)`),
		Entry("slicer sub-microsecond delay", "slicer", map[string]any{"average_size": 10, "delay": "10ns"},
			`fault "slicer": parameter "delay" must be a whole number of microseconds, got 10ns`),
		Entry("null value", "slow_close", map[string]any{"delay": nil},
			`fault "slow_close": parameter "delay" must be a duration string such as "100ms", got nothing (null)`),
	)

	DescribeTable("accepts what YAML and JSON decoding produce",
		func(kind string, params map[string]any) {
			Expect(build(kind, params)).To(Succeed())
		},
		Entry("yaml ints", "slicer", map[string]any{"average_size": 64, "size_variation": 8, "delay": "10us"}),
		Entry("json floats", "bandwidth", map[string]any{"rate": float64(100), "toxicity": 0.25}),
		Entry("typed duration", "latency", map[string]any{"latency": scenario.Duration(5e6), "stream": "upstream"}),
		Entry("no params for an optional-only kind", "timeout", nil),
		Entry("no params for down", "down", map[string]any{}),
	)
})
