package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
	"github.com/blast-dev/blast/report"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/scoring/policy"
)

type checkOptions struct {
	gate     check.Options
	format   string
	all      bool
	outputs  []string
	reportID string
}

func newCheckCmd(a *app) *cobra.Command {
	opts := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check [flags] PLAN...",
		Short: "Judge plans and exit 0 (pass), 1 (error) or 2 (sign-off required)",
		Long: `Judge one or more plans: plan JSON from terraform show -json, - for standard
input, a binary plan file (blast runs terraform show -json on it), or
newline-delimited JSON with one plan per line. Several plans give one report
and one score.`,
		Example: `  terraform show -json plan.out > plan.json && blast check plan.json
  blast check plan.out
  terragrunt run --all -- plan -out plan.out
  terragrunt run --all --log-disable -- show -json plan.out | blast check -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return check.WithHint(fmt.Errorf("no plan given"), "blast check plan.json (or - for standard input)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(a, opts, gateOptions(a, cmd, opts.gate, args))
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.format, "format", "f", "table", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringArrayVarP(&opts.outputs, "output", "o", nil, "also write the report to FILE in FORMAT (FILE:FORMAT, repeatable)")
	bindGateFlags(cmd, &opts.gate)
	f.BoolVar(&opts.all, "all", false, "list every change, not only destructive ones (in the table; in the markdown, creates and updates by module in its details)")
	f.StringVar(&opts.reportID, "report-id", "", "name of this project's report, the markdown's first line <!-- blast-report:ID --> by which CI keeps one comment per project ([A-Za-z0-9._/-], default: the plan's path from the git root, or the working directory's when several plans)")
	return cmd
}

func runCheck(a *app, opts *checkOptions, gate check.Options) error {
	to, err := check.ParseReportOutputs(opts.format, opts.outputs)
	if err != nil {
		return err
	}
	id, err := check.ReportID(opts.reportID, gate.Plans)
	if err != nil {
		return err
	}
	res, err := check.Run(gate)
	if err != nil {
		return check.WriteErrorReports(err, to.Outputs, id)
	}
	res.Report.ID = id
	to.Options.Table.All, to.Options.Markdown.All = opts.all, opts.all
	if err := render(a, res.Report, to); err != nil {
		return err
	}
	if res.Decision == scoring.DecisionSignoffRequired {
		return errSignoffRequired
	}
	return nil
}

// bindGateFlags binds the flags that decide how plans are judged to o.
// check, apply and approve bind the same ones, so that each judges a plan
// as check does; gateOptions completes o when the command runs.
func bindGateFlags(cmd *cobra.Command, o *check.Options) {
	f := cmd.Flags()
	f.IntVar(&o.Threshold, "threshold", policy.DefaultThreshold, "score at which sign-off is required (1-100); only lower than the policy's, unless it sets allow_overrides")
	f.StringVar(&o.TerraformBin, "terraform-bin", "", "terraform or tofu binary for binary plan files (default: terraform on PATH, then tofu)")
	f.StringVar(&o.PolicyFile, "policy", "", "policy file (default .blast.yml, read from --trusted-ref's tree when there is one, else found up to the repository root)")
	f.StringVar(&o.TrustedRef, "trusted-ref", "", "git ref to read the policy and allowed signers from, never the working tree (default in a pull/merge-request pipeline: its target branch)")
	f.StringVar(&o.Environment, "environment", "", "policy environment for plans that no environment's paths match (standard input, outside the repository); elsewhere it only adds")
	f.StringVar(&o.Environment, "env", "", "alias of --environment")
	_ = f.MarkHidden("env")
	f.StringVar(&o.SignoffDir, "signoffs", "", "folder of sign-off .sig files (default signoff.signoffs of the policy)")
	f.StringVar(&o.AllowedSigners, "allowed-signers", "", "seniors' keys in git's allowed_signers format (default signoff.allowed_signers of the policy; read from --trusted-ref's tree when there is one)")
	f.StringVar(&o.Author, "author", "", "one more author of the change, who may not approve it (the authors and committers of its commits always are)")
	f.BoolVar(&o.AIAssisted, "ai-assisted", false, "the change was made with a coding assistant: apply the policy's ai_assisted threshold (so does CLAUDECODE=1 in the environment)")
	f.StringArrayVar(&o.Context, "context", nil, "another stack's state, to follow the radius into it: a state file (terraform state pull), terraform show -json of a state, or a folder of them; PATH or NAME=PATH, repeatable")
	f.StringVar(&o.Commits, "commits", "", "one more git revision range of the change, whose authors may not approve it and whose commits are checked for AI markers (default with a trusted ref: merge-base(ref, HEAD)..HEAD)")
}

// gateOptions are the check.Options of the flags bindGateFlags bound, for
// plans.
func gateOptions(a *app, cmd *cobra.Command, o check.Options, plans []string) check.Options {
	o.Plans, o.Stdin = plans, a.stdin
	o.ThresholdSet = cmd.Flags().Changed("threshold")
	return o
}

// render writes the report to stdout and to every --output file
// (check.WriteReport).
func render(a *app, r *report.Report, to check.ReportOutputs) error {
	to.Options.ToolVersion = blastVersion()
	to.StepSummary = os.Getenv("GITHUB_STEP_SUMMARY")
	return check.WriteReport(a.stdout, r, to)
}
