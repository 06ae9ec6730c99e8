package report

import "strings"

// Headline is the one word a run's reports lead with: the verdict in capitals, or ERROR
// when no trial could run (every one errored), because then nothing was judged and
// "inconclusive" would suggest more trials could decide what only a working runtime can.
func (s Summary) Headline() string {
	if s.Judged == 0 && s.Errors > 0 && s.Interrupted == 0 {
		return "ERROR"
	}
	return strings.ToUpper(s.Verdict.String())
}
