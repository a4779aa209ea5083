package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
	"github.com/blast-dev/blast/internal/safefile"
	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/report"
	"github.com/blast-dev/blast/scoring"
)

type checkOptions struct {
	format         string
	threshold      int
	terraformBin   string
	all            bool
	thresholdSet   bool
	outputs        []string
	policy         string
	trustedRef     string
	env            string
	signoffs       string
	allowedSigners string
	author         string
	aiAssisted     bool
	commits        string
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
			opts.thresholdSet = cmd.Flags().Changed("threshold")
			return runCheck(a, opts, args)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.format, "format", "f", "table", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringArrayVarP(&opts.outputs, "output", "o", nil, "also write the report to FILE in FORMAT (FILE:FORMAT, repeatable)")
	f.IntVar(&opts.threshold, "threshold", scoring.DefaultThreshold, "score at which sign-off is required (1-100); only lower than the policy's, unless it sets allow_overrides")
	f.StringVar(&opts.terraformBin, "terraform-bin", "", "terraform or tofu binary for binary plan files (default: terraform on PATH, then tofu)")
	f.StringVar(&opts.policy, "policy", "", "policy file (default .blast.yml, read from --trusted-ref's tree when there is one, else found up to the repository root)")
	f.StringVar(&opts.trustedRef, "trusted-ref", "", "git ref to read the policy and allowed signers from, never the working tree (default in a pull/merge-request pipeline: its target branch)")
	f.StringVar(&opts.env, "environment", "", "policy environment for plans that no environment's paths match (standard input, outside the repository); elsewhere it only adds")
	f.StringVar(&opts.env, "env", "", "alias of --environment")
	_ = f.MarkHidden("env")
	f.StringVar(&opts.signoffs, "signoffs", "", "folder of sign-off .sig files (default signoff.signoffs of the policy)")
	f.StringVar(&opts.allowedSigners, "allowed-signers", "", "seniors' keys in git's allowed_signers format (default signoff.allowed_signers of the policy; read from --trusted-ref's tree when there is one)")
	f.StringVar(&opts.author, "author", "", "one more author of the change, who may not approve it (the authors and committers of its commits always are)")
	f.BoolVar(&opts.aiAssisted, "ai-assisted", false, "the change was made with a coding assistant: apply the policy's ai_assisted threshold")
	f.StringVar(&opts.commits, "commits", "", "one more git revision range of the change, whose authors may not approve it and whose commits are checked for AI markers (default with a trusted ref: merge-base(ref, HEAD)..HEAD)")
	f.BoolVar(&opts.all, "all", false, "list every change in the table, not only destructive ones")
	return cmd
}

func runCheck(a *app, opts *checkOptions, args []string) error {
	if err := validateFormat(opts.format); err != nil {
		return err
	}
	outs, err := parseOutputs(opts.outputs)
	if err != nil {
		return err
	}
	res, err := check.Run(check.Options{
		Plans: args, Stdin: a.stdin, TerraformBin: opts.terraformBin,
		PolicyFile: opts.policy, TrustedRef: opts.trustedRef, Environment: opts.env, Threshold: opts.threshold, ThresholdSet: opts.thresholdSet,
		SignoffDir: opts.signoffs, AllowedSigners: opts.allowedSigners,
		Author: opts.author, AIAssisted: opts.aiAssisted, Commits: opts.commits,
	})
	if err != nil {
		return err
	}
	if err := render(a, res.Report, opts.format, report.Options{Table: report.TableOptions{All: opts.all}}, outs); err != nil {
		return err
	}
	if res.Decision == scoring.DecisionSignoffRequired {
		return errSignoffRequired
	}
	return nil
}

func outputError(file string, err error) error {
	err = fmt.Errorf("writing --output %s: %w", file, err)
	if errors.Is(err, safefile.ErrNotRegular) {
		return check.WithHint(err, "blast writes no report through a link: remove it, or choose another path")
	}
	return err
}

func validateFormat(format string) error {
	if report.HasFormat(format) {
		return nil
	}
	return check.WithHint(fmt.Errorf("unknown --format %q", format), "use one of: "+strings.Join(report.Formats(), ", "))
}

// output is one --output FILE:FORMAT.
type output struct{ file, format string }

func parseOutputs(specs []string) ([]output, error) {
	var outs []output
	for _, spec := range specs {
		i := strings.LastIndexByte(spec, ':')
		if i <= 0 || i == len(spec)-1 {
			return nil, check.WithHint(fmt.Errorf("--output %q is not FILE:FORMAT", spec), "for example --output report.md:markdown")
		}
		o := output{file: spec[:i], format: spec[i+1:]}
		if !report.HasFormat(o.format) {
			return nil, check.WithHint(fmt.Errorf("--output %q: unknown format %q", spec, o.format), "use one of: "+strings.Join(report.Formats(), ", "))
		}
		outs = append(outs, o)
	}
	return outs, nil
}

func loadPlans(a *app, args []string, terraformBin string) ([]*plan.Plan, error) {
	return check.LoadPlans(args, a.stdin, terraformBin)
}

// render writes the report to stdout in one format and to every --output
// file in theirs. Everything is rendered before anything is written, and
// the files are written (each to a temporary name, then renamed) before
// stdout, so a failure leaves neither half a report nor a report on stdout
// with exit 1.
func render(a *app, r *report.Report, format string, opts report.Options, outs []output) error {
	opts.ToolVersion = blastVersion()
	main, err := report.Render(r, format, a.stdoutOptions(opts))
	if err != nil {
		return err
	}
	files := make([][]byte, len(outs))
	for i, o := range outs {
		if files[i], err = report.Render(r, o.format, opts); err != nil {
			return err
		}
	}
	// Every target is checked before any is written, and each is written
	// to a fresh temporary file in its folder (os.CreateTemp: O_EXCL, so
	// no planted link is followed), then renamed: a link or folder at an
	// --output path is refused and left untouched.
	for _, o := range outs {
		if err := safefile.Check(o.file); err != nil {
			return outputError(o.file, err)
		}
	}
	var temps []*safefile.Temp
	defer func() {
		for _, t := range temps {
			t.Abort()
		}
	}()
	for i, o := range outs {
		t, err := safefile.Create(o.file, 0o644)
		if err != nil {
			return outputError(o.file, err)
		}
		temps = append(temps, t)
		if _, err := t.Write(files[i]); err != nil {
			return outputError(o.file, err)
		}
	}
	for i, o := range outs {
		if err := temps[i].Commit(); err != nil {
			return outputError(o.file, err)
		}
	}
	temps = nil
	if format == "github" {
		if err := appendStepSummary(os.Getenv("GITHUB_STEP_SUMMARY"), r); err != nil {
			return err
		}
	}
	_, err = a.stdout.Write(main)
	return err
}
