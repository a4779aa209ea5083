package main

import (
	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
)

func newGraphCmd(a *app) *cobra.Command {
	opts := &check.GraphOptions{}
	cmd := &cobra.Command{
		Use:   "graph [flags] PLAN...",
		Short: "Draw the dependency graph, with destructive changes and their blast radius highlighted",
		Long: `Draw the dependency graph the plan alone implies: nodes are resource
instances, an edge "A" -> "B" means B depends on A, so destroying A breaks B.
Destructive changes and everything that depends on them are highlighted;
--radius draws only those, and --context adds other stacks' resources that
depend on them, a cluster per stack.`,
		Example: `  blast graph plan.json --format mermaid
  blast graph plan.json --radius | dot -Tsvg > radius.svg`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Plans, opts.Stdin = args, a.stdin
			return a.print(check.Graph(*opts))
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Format, "format", "f", "dot", "dot or mermaid")
	f.BoolVar(&opts.Radius, "radius", false, "only destructive changes and what depends on them")
	f.IntVar(&opts.MaxNodes, "max-nodes", 0, "cap the mermaid picture (default 150; -1 for no cap)")
	f.StringVar(&opts.TerraformBin, "terraform-bin", "", "terraform or tofu binary for binary plan files")
	f.StringArrayVar(&opts.Context, "context", nil, "another stack's state, drawn as a cluster of what in it depends on what the plan destroys (as for check: PATH or NAME=PATH, repeatable)")
	return cmd
}
