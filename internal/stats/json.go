package stats

import (
	"encoding/json"
	"math"
	"strconv"
)

// Float is a float64 that survives JSON: ±Inf (a trial that never recovered) and NaN
// are written as the strings "+Inf", "-Inf" and "NaN", which encoding/json refuses as numbers.
type Float float64

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsInf(v, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Inf"`), nil
	case math.IsNaN(v):
		return []byte(`"NaN"`), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *Float) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := strconv.ParseFloat(s, 64)
		*f = Float(v)
		return err
	}
	var v float64
	err := json.Unmarshal(b, &v)
	*f = Float(v)
	return err
}

// verdictJSON is VerdictResult's JSON form.
type verdictJSON struct {
	Verdict  Verdict `json:"verdict"`
	Estimate Float   `json:"estimate"`
	Upper    Float   `json:"upper"`
	Lower    Float   `json:"lower"`
	UpperOK  bool    `json:"upper_ok"`
	LowerOK  bool    `json:"lower_ok"`
	N        int     `json:"n"`
	NeededN  int     `json:"needed_n"`
	Reason   string  `json:"reason"`
}

// MarshalJSON writes the verdict with snake_case keys and infinities as strings.
func (v VerdictResult) MarshalJSON() ([]byte, error) {
	return json.Marshal(verdictJSON{v.Verdict, Float(v.Estimate), Float(v.Upper), Float(v.Lower), v.UpperOK, v.LowerOK, v.N, v.NeededN, v.Reason})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (v *VerdictResult) UnmarshalJSON(b []byte) error {
	var j verdictJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*v = VerdictResult{j.Verdict, float64(j.Estimate), float64(j.Upper), float64(j.Lower), j.UpperOK, j.LowerOK, j.N, j.NeededN, j.Reason}
	return nil
}
