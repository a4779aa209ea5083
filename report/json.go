package report

import (
	"encoding/json"
	"io"
)

func init() {
	register("json", false, func(w io.Writer, r *Report, _ Options) error { return WriteJSON(w, r) })
}

// WriteJSON writes the report as indented JSON, the documented schema of
// docs/json-report.md.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
