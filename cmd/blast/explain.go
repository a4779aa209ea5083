package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
)

func newExplainCmd(a *app) *cobra.Command {
	opts := &check.ExplainOptions{}
	cmd := &cobra.Command{
		Use:   "explain ADDRESS PLAN...",
		Short: "Show why a change scored what it did, factor by factor",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return check.WithHint(fmt.Errorf("explain needs an address and a plan"), "blast explain aws_db_instance.main plan.json")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Address, opts.Plans, opts.Stdin = args[0], args[1:], a.stdin
			return a.print(check.Explain(*opts))
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.PolicyFile, "policy", "", "policy file (default .blast.yml when present)")
	f.StringVar(&opts.Environment, "env", "", "policy environment to apply")
	f.StringVar(&opts.TerraformBin, "terraform-bin", "", "terraform or tofu binary for binary plan files")
	f.BoolVar(&opts.AIAssisted, "ai-assisted", false, "the change was made with a coding assistant: apply the policy's ai_assisted threshold")
	f.StringArrayVar(&opts.Context, "context", nil, "another stack's state, as for check: PATH or NAME=PATH, repeatable")
	f.StringVar(&opts.Commits, "commits", "", "git revision range whose commit trailers tell whether the change is AI-assisted")
	return cmd
}
