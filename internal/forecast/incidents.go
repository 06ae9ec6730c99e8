package forecast

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Incident is one incident of a team's own history, as status pages and incident tools
// export it: when each status was first set. Mapped to drill's phases: investigating is
// the alert (t_detect), identified the decision to act (t_trigger: TTM = identified −
// investigating), monitoring the fix in place (t_recovered: TTR = monitoring −
// identified); resolved is when it was declared over (not a recovery measure).
type Incident struct {
	ID            string
	Investigating time.Time
	Identified    time.Time
	Monitoring    time.Time // zero when the export has no monitoring status
	Resolved      time.Time // zero when the export has no resolved status
}

// Decision is the incident's human decision: identified − investigating.
func (i Incident) Decision() time.Duration { return i.Identified.Sub(i.Investigating) }

// incidentColumns are the statuses an export carries, in the order they must happen.
var incidentColumns = []string{"investigating", "identified", "monitoring", "resolved"}

// ParseIncidents reads an incident export named name: CSV with a header row naming at
// least the columns investigating and identified (monitoring, resolved and any other
// columns such as id or title are optional), or a JSON array of objects with those
// keys; times are RFC 3339. Every error names name:line (CSV) or name: incident N
// (JSON) and what to fix.
func ParseIncidents(name string, data []byte) ([]Incident, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return parseIncidentsJSON(name, trimmed)
	}
	return parseIncidentsCSV(name, data)
}

func parseIncidentsCSV(name string, data []byte) ([]Incident, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s:1: incident export is empty: write a header row id,investigating,identified,monitoring,resolved and one incident a line", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s:1: read incident export header: %w", name, cause(err))
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, c := range incidentColumns[:2] {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("%s:1: incident export has no %q column: name the columns id,investigating,identified,monitoring,resolved", name, c)
		}
	}
	var out []Incident
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: read incident: %w", name, line, cause(err))
		}
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		inc, err := incidentOf(get)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		out = append(out, inc)
	}
	return out, checkCount(name, out)
}

func parseIncidentsJSON(name string, data []byte) ([]Incident, error) {
	var raw []map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: decode incident export: %w (want a JSON array of objects with investigating and identified times)", name, err)
	}
	var out []Incident
	for n, obj := range raw {
		get := func(c string) string {
			if v, ok := obj[c]; ok && v != nil {
				return strings.TrimSpace(fmt.Sprint(v))
			}
			return ""
		}
		inc, err := incidentOf(get)
		if err != nil {
			return nil, fmt.Errorf("%s: incident %d: %w", name, n+1, err)
		}
		out = append(out, inc)
	}
	return out, checkCount(name, out)
}

// incidentOf reads one incident's statuses; they must be RFC 3339 times in order.
func incidentOf(get func(string) string) (Incident, error) {
	inc := Incident{ID: get("id")}
	times := []*time.Time{&inc.Investigating, &inc.Identified, &inc.Monitoring, &inc.Resolved}
	var prev time.Time
	prevName := ""
	for i, c := range incidentColumns {
		v := get(c)
		if v == "" {
			if i < 2 {
				return Incident{}, fmt.Errorf("incident %s has no %s time: every incident needs investigating and identified", inc.ID, c)
			}
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return Incident{}, fmt.Errorf("incident %s: %s %q is not an RFC 3339 time such as 2026-01-05T09:00:00Z", inc.ID, c, v)
		}
		if !prev.IsZero() && t.Before(prev) {
			return Incident{}, fmt.Errorf("incident %s: %s %s is before %s %s: statuses must be in order", inc.ID, c, v, prevName, prev.Format(time.RFC3339))
		}
		*times[i], prev, prevName = t, t, c
	}
	return inc, nil
}

// cause is a CSV parse error without its own position (the caller names name:line).
func cause(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func checkCount(name string, incs []Incident) error {
	if len(incs) == 0 {
		return fmt.Errorf("%s: incident export holds no incident", name)
	}
	return nil
}

// Calibrate replaces a manual or hybrid plan's decision distribution with the incidents' decisions
// (identified − investigating), and says so in DecisionSource.
func Calibrate(in Input, name string, incs []Incident) (Input, error) {
	if in.Decision == nil {
		return Input{}, fmt.Errorf("calibrate decision: the plan decides automatically: calibrate a manual or hybrid plan")
	}
	ds := make([]time.Duration, len(incs))
	for i, inc := range incs {
		ds[i] = inc.Decision()
	}
	e, err := NewEmpirical(ds)
	if err != nil {
		return Input{}, fmt.Errorf("calibrate decision: %w", err)
	}
	in.Decision = e
	in.DecisionSource = fmt.Sprintf("the incident export %s (%d incidents; decision = identified − investigating)", name, len(incs))
	return in, nil
}
