package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
	"github.com/blast-dev/blast/report"
)

type graphOptions struct {
	format       string
	radius       bool
	maxNodes     int
	terraformBin string
}

func newGraphCmd(a *app) *cobra.Command {
	opts := &graphOptions{}
	cmd := &cobra.Command{
		Use:   "graph [flags] PLAN...",
		Short: "Draw the dependency graph, with destructive changes and their blast radius highlighted",
		Long: `Draw the dependency graph the plan alone implies: nodes are resource
instances, an edge "A" -> "B" means A depends on B. Destructive changes and
everything that depends on them are highlighted; --radius draws only those.`,
		Example: `  blast graph plan.json --format mermaid
  blast graph plan.json --radius | dot -Tsvg > radius.svg`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runGraph(a, opts, args)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.format, "format", "f", "dot", "dot or mermaid")
	f.BoolVar(&opts.radius, "radius", false, "only destructive changes and what depends on them")
	f.IntVar(&opts.maxNodes, "max-nodes", 0, "cap the mermaid picture (default 150; -1 for no cap)")
	f.StringVar(&opts.terraformBin, "terraform-bin", "", "terraform or tofu binary for binary plan files")
	return cmd
}

func runGraph(a *app, opts *graphOptions, args []string) error {
	if !report.HasGraphFormat(opts.format) {
		return check.WithHint(fmt.Errorf("unknown graph --format %q", opts.format), "use "+strings.Join(report.GraphFormats(), " or "))
	}
	plans, err := check.LoadPlans(args, a.stdin, opts.terraformBin)
	if err != nil {
		return err
	}
	out, err := report.Render(report.NewGraph(plans, nil), opts.format, report.Options{Graph: report.GraphOptions{Radius: opts.radius, MaxNodes: opts.maxNodes}})
	if err != nil {
		return fmt.Errorf("drawing the graph: %w", err)
	}
	_, err = a.stdout.Write(out)
	return err
}
