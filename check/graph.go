package check

import (
	"fmt"
	"io"
	"strings"

	"github.com/blast-dev/blast/report"
)

// GraphOptions are the inputs of blast graph.
type GraphOptions struct {
	Plans        []string
	Stdin        io.Reader
	TerraformBin string
	Format       string // a report.GraphFormats format
	Radius       bool   // only destructive changes and what depends on them
	MaxNodes     int    // caps the mermaid picture (report.GraphOptions)
	// Context are other stacks' state, as for check (Options.Context): the
	// resources there that depend on what the plans destroy are drawn as a
	// cluster per stack.
	Context []string
}

// Graph draws the dependency graph the plans alone imply, with destructive
// changes and their radius highlighted, in Format.
func Graph(opts GraphOptions) ([]byte, error) {
	if !report.HasGraphFormat(opts.Format) {
		return nil, WithHint(fmt.Errorf("unknown graph --format %q", opts.Format), "use "+strings.Join(report.GraphFormats(), " or "))
	}
	var r *report.Report
	if len(opts.Context) > 0 {
		// The radius past the stack is measured by the whole check: draw
		// the report it makes.
		res, err := Run(Options{Plans: opts.Plans, Stdin: opts.Stdin, TerraformBin: opts.TerraformBin, Context: opts.Context})
		if err != nil {
			return nil, err
		}
		r = res.Report
	} else {
		plans, err := LoadPlans(opts.Plans, opts.Stdin, opts.TerraformBin)
		if err != nil {
			return nil, err
		}
		r = report.NewGraph(plans, nil)
	}
	out, err := report.Render(r, opts.Format, report.Options{Graph: report.GraphOptions{Radius: opts.Radius, MaxNodes: opts.MaxNodes}})
	if err != nil {
		return nil, fmt.Errorf("drawing the graph: %w", err)
	}
	return out, nil
}
