package forecast_test

import (
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/forecast"
)

var _ = Describe("an incident export", func() {
	read := func(name string) []forecast.Incident {
		b, err := os.ReadFile("testdata/" + name)
		Expect(err).NotTo(HaveOccurred())
		incs, err := forecast.ParseIncidents(name, b)
		Expect(err).NotTo(HaveOccurred())
		return incs
	}

	It("reads the same incidents from CSV and JSON", func() {
		csv, js := read("incidents.csv"), read("incidents.json")
		Expect(csv).To(HaveLen(34))
		Expect(js).To(Equal(csv))
		Expect(csv[0].ID).To(Equal("INC-101"))
		Expect(csv[0].Decision()).To(Equal(27*time.Minute + 37*time.Second))
	})

	It("calibrates a manual plan: its decision part moves to the team's own", func() {
		in := manualRun(20) // modelled decisions of 3 to 21 minutes
		before, err := forecast.Make(in, forecast.WithResamples(300))
		Expect(err).NotTo(HaveOccurred())
		cal, err := forecast.Calibrate(in, "incidents.csv", read("incidents.csv")) // ~18 min median
		Expect(err).NotTo(HaveOccurred())
		after, err := forecast.Make(cal, forecast.WithResamples(300))
		Expect(err).NotTo(HaveOccurred())
		Expect(after.P.Value).To(BeNumerically("<", before.P.Value-0.2), "a slower team makes the RTO less often")
		Expect(after.Quantiles[0].Value).To(BeNumerically(">", before.Quantiles[0].Value+5*time.Minute))
		Expect(after.Tail.Dominant).To(Equal(forecast.PartDecide))
		Expect(after.DecisionSource).To(Equal("the incident export incidents.csv (34 incidents; decision = identified − investigating)"))
		Expect(after.Method).To(ContainSubstring("incidents.csv"))
		Expect(after.Method).To(ContainSubstring("34 decisions' own sampling error"))
	})

	It("leaves an automated plan alone, saying why", func() {
		_, err := forecast.Calibrate(forecast.Input{RTO: time.Minute, Trials: []forecast.Trial{{}}}, "x.csv", read("incidents.csv"))
		Expect(err).To(MatchError(ContainSubstring("calibrate a manual or hybrid plan")))
	})

	DescribeTable("refuses a bad export at its line, saying what to fix",
		func(data, msg string) {
			_, err := forecast.ParseIncidents("export.csv", []byte(data))
			Expect(err).To(MatchError(msg))
		},
		Entry("empty", "", "export.csv:1: incident export is empty: write a header row id,investigating,identified,monitoring,resolved and one incident a line"),
		Entry("no identified column", "id,investigating\nA,2026-01-01T00:00:00Z\n",
			`export.csv:1: incident export has no "identified" column: name the columns id,investigating,identified,monitoring,resolved`),
		Entry("not a time", "id,investigating,identified\nA,2026-01-01T00:00:00Z,noon\n",
			`export.csv:2: incident A: identified "noon" is not an RFC 3339 time such as 2026-01-05T09:00:00Z`),
		Entry("out of order", "id,investigating,identified\nA,2026-01-01T00:00:00Z,2026-01-01T00:05:00Z\nB,2026-01-01T01:00:00Z,2026-01-01T00:59:00Z\n",
			"export.csv:3: incident B: identified 2026-01-01T00:59:00Z is before investigating 2026-01-01T01:00:00Z: statuses must be in order"),
		Entry("a missing time", "id,investigating,identified\nA,2026-01-01T00:00:00Z,\n",
			"export.csv:2: incident A has no identified time: every incident needs investigating and identified"),
		Entry("no incident", "id,investigating,identified\n", "export.csv: incident export holds no incident"),
		Entry("bad JSON", "[{\"investigating\": 1", "export.csv: decode incident export: unexpected end of JSON input (want a JSON array of objects with investigating and identified times)"),
	)
})

// FuzzParseIncidents: any bytes give incidents in order or an error, never a panic.
func FuzzParseIncidents(f *testing.F) {
	for _, name := range []string{"testdata/incidents.csv", "testdata/incidents.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("investigating,identified\n2026-01-01T00:00:00Z,2026-01-01T00:00:00Z\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		incs, err := forecast.ParseIncidents("fuzz", data)
		if err != nil {
			return
		}
		for _, inc := range incs {
			if inc.Decision() < 0 {
				t.Fatalf("incident %q: negative decision %s", inc.ID, inc.Decision())
			}
		}
	})
}
