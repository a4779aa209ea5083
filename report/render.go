package report

import (
	"bytes"
	"fmt"
	"io"
	"sort"
)

// Options tune renderers; each format reads what concerns it.
type Options struct {
	Table TableOptions
}

// renderFunc writes one format.
type renderFunc func(w io.Writer, r *Report, opts Options) error

// renderers maps each --format name to its renderer. A format file registers
// itself here in an init function, so adding a format touches one file.
var renderers = map[string]renderFunc{
	"table": func(w io.Writer, r *Report, opts Options) error { return WriteTable(w, r, opts.Table) },
	"json":  func(w io.Writer, r *Report, _ Options) error { return WriteJSON(w, r) },
}

// Formats lists the report formats, sorted.
func Formats() []string {
	out := make([]string, 0, len(renderers))
	for f := range renderers {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// HasFormat reports whether format names a report format.
func HasFormat(format string) bool {
	_, ok := renderers[format]
	return ok
}

// Render renders the report in a format into memory, so that a caller never
// writes half a report when rendering fails.
func Render(r *Report, format string, opts Options) ([]byte, error) {
	fn, ok := renderers[format]
	if !ok {
		return nil, fmt.Errorf("unknown format %q", format)
	}
	var buf bytes.Buffer
	if err := fn(&buf, r, opts); err != nil {
		return nil, fmt.Errorf("rendering the %s report: %w", format, err)
	}
	return buf.Bytes(), nil
}
