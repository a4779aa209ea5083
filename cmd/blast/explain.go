package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
)

type explainOptions struct {
	policy       string
	env          string
	terraformBin string
	aiAssisted   bool
	commits      string
}

func newExplainCmd(a *app) *cobra.Command {
	opts := &explainOptions{}
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
			return runExplain(a, opts, args[0], args[1:])
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.policy, "policy", "", "policy file (default .blast.yml when present)")
	f.StringVar(&opts.env, "env", "", "policy environment to apply")
	f.StringVar(&opts.terraformBin, "terraform-bin", "", "terraform or tofu binary for binary plan files")
	f.BoolVar(&opts.aiAssisted, "ai-assisted", false, "the change was made with a coding assistant: apply the policy's ai_assisted threshold")
	f.StringVar(&opts.commits, "commits", "", "git revision range whose commit trailers tell whether the change is AI-assisted")
	return cmd
}

func runExplain(a *app, opts *explainOptions, address string, paths []string) error {
	out, err := check.Explain(check.ExplainOptions{
		Address: address, Plans: paths, Stdin: a.stdin, TerraformBin: opts.terraformBin,
		PolicyFile: opts.policy, Environment: opts.env, AIAssisted: opts.aiAssisted, Commits: opts.commits,
	})
	if err != nil {
		return err
	}
	_, err = a.stdout.Write(out)
	return err
}
