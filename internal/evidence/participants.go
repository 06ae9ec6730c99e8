package evidence

import (
	"slices"
	"time"

	"github.com/drillhq/drill/internal/report"
)

// participants gathers the people of a period: those the config lists and every
// game-day operator who decided, with their decision times.
type participants struct {
	order []string
	roles map[string]string
	times map[string][]time.Duration
}

func newParticipants(listed []Person) *participants {
	p := &participants{roles: map[string]string{}, times: map[string][]time.Duration{}}
	for _, x := range listed {
		p.person(x.Name, x.Role)
	}
	return p
}

func (p *participants) person(name, role string) {
	if _, ok := p.roles[name]; !ok {
		p.order = append(p.order, name)
		p.roles[name] = role
	}
	if p.roles[name] == "" {
		p.roles[name] = role
	}
}

// add records the decisions of r's game-day operators.
func (p *participants) add(r *report.Results) {
	for _, t := range r.Trials {
		d := t.Decision
		if d == nil || d.Operator == "" {
			continue
		}
		p.person(d.Operator, "operator")
		p.times[d.Operator] = append(p.times[d.Operator], d.RealWait.D())
	}
}

// list is every participant in the order first named.
func (p *participants) list() []Participant {
	out := make([]Participant, 0, len(p.order))
	for _, name := range p.order {
		x := Participant{Person: Person{Name: name, Role: p.roles[name]}, Decisions: len(p.times[name])}
		if ts := slices.Sorted(slices.Values(p.times[name])); len(ts) > 0 {
			x.DecisionMedianMs = msOf(median(ts))
		}
		out = append(out, x)
	}
	return out
}

// median of sorted durations (the mean of the middle two for an even count).
func median(ts []time.Duration) time.Duration {
	n := len(ts)
	if n%2 == 1 {
		return ts[n/2]
	}
	return (ts[n/2-1] + ts[n/2]) / 2
}
