package report

import (
	"bytes"
	"fmt"
	"io"
	"sort"
)

// Options tune renderers; each format reads what concerns it.
type Options struct {
	// ToolVersion is the version of blast writing the report, for the
	// formats that name their tool (SARIF's tool.driver.version, which code
	// scanning shows); "" leaves it out.
	ToolVersion string
	Table       TableOptions
	Graph       GraphOptions
	Markdown    MarkdownOptions
}

// renderFunc writes one format.
type renderFunc func(w io.Writer, r *Report, opts Options) error

// format is one entry of the registry.
type format struct {
	render renderFunc
	// graph marks the formats that draw the dependency graph (blast graph)
	// rather than the judgement (blast check).
	graph bool
}

// formats maps each --format name to its renderer: every format blast writes,
// the graph's included. Each format file registers its own in an init
// function, so adding a format touches one file.
var formats = map[string]format{}

func register(name string, graph bool, fn renderFunc) {
	if _, dup := formats[name]; dup {
		panic("report: format " + name + " registered twice")
	}
	formats[name] = format{render: fn, graph: graph}
}

func names(graph bool) []string {
	var out []string
	for name, f := range formats {
		if f.graph == graph {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Formats lists the report formats of blast check, sorted.
func Formats() []string { return names(false) }

// GraphFormats lists the formats of blast graph, sorted.
func GraphFormats() []string { return names(true) }

// HasFormat reports whether format names a report format of blast check.
func HasFormat(format string) bool {
	f, ok := formats[format]
	return ok && !f.graph
}

// HasGraphFormat reports whether format names a format of blast graph.
func HasGraphFormat(format string) bool {
	f, ok := formats[format]
	return ok && f.graph
}

// Render renders the report in a format into memory, so that a caller never
// writes half a report when rendering fails.
func Render(r *Report, format string, opts Options) ([]byte, error) {
	f, ok := formats[format]
	if !ok {
		return nil, fmt.Errorf("unknown format %q", format)
	}
	var buf bytes.Buffer
	if err := f.render(&buf, r, opts); err != nil {
		return nil, fmt.Errorf("rendering the %s report: %w", format, err)
	}
	return buf.Bytes(), nil
}
