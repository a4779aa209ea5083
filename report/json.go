package report

import (
	"encoding/json"
	"io"
)

func init() {
	register("json", false, func(w io.Writer, r *Report, _ Options) error { return WriteJSON(w, r) })
}

// The JSON report lists at most this many changes and findings: the riskiest
// changes and the most severe findings, as both lists are sorted. A plan that
// destroys tens of thousands of objects, hostile or real, must not make a
// report many times its own size; the summary's counts and the score weigh
// every change and finding all the same, and Omitted says how many were left
// out.
const (
	MaxListedChanges  = 10_000
	MaxListedFindings = 10_000
)

// Omitted counts what a report did not list for its size.
type Omitted struct {
	Changes  int `json:"changes"`
	Findings int `json:"findings"`
}

// WriteJSON writes the report as indented JSON, the documented schema of
// docs/json-report.md.
func WriteJSON(w io.Writer, r *Report) error {
	if len(r.Changes) > MaxListedChanges || len(r.Findings) > MaxListedFindings {
		cut := *r
		cut.Omitted = &Omitted{}
		if n := len(r.Changes); n > MaxListedChanges {
			cut.Changes, cut.Omitted.Changes = r.Changes[:MaxListedChanges], n-MaxListedChanges
		}
		if n := len(r.Findings); n > MaxListedFindings {
			cut.Findings, cut.Omitted.Findings = r.Findings[:MaxListedFindings], n-MaxListedFindings
		}
		r = &cut
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
