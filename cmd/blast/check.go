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
	"github.com/blast-dev/blast/scoring/policy"
)

type checkOptions struct {
	gate     gateOptions
	format   string
	all      bool
	outputs  []string
	reportID string
}

// gateOptions are the flags that decide how plans are judged. check, apply
// and approve bind the same ones, so that each judges a plan as check does.
type gateOptions struct {
	threshold      int
	thresholdSet   bool
	terraformBin   string
	policy         string
	trustedRef     string
	env            string
	signoffs       string
	allowedSigners string
	author         string
	aiAssisted     bool
	commits        string
	context        []string
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
			opts.gate.thresholdSet = cmd.Flags().Changed("threshold")
			return runCheck(a, opts, args)
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

func runCheck(a *app, opts *checkOptions, args []string) error {
	if err := validateFormat(opts.format); err != nil {
		return err
	}
	outs, err := parseOutputs(opts.outputs)
	if err != nil {
		return err
	}
	id, err := reportID(opts.reportID, args)
	if err != nil {
		return err
	}
	res, err := check.Run(opts.gate.options(a, args))
	if err != nil {
		return withErrorReports(err, outs, id)
	}
	res.Report.ID = id
	if err := render(a, res.Report, opts.format, report.Options{Table: report.TableOptions{All: opts.all}, Markdown: report.MarkdownOptions{All: opts.all}}, outs); err != nil {
		return err
	}
	if res.Decision == scoring.DecisionSignoffRequired {
		return errSignoffRequired
	}
	return nil
}

// bindGateFlags binds the flags of gateOptions to cmd. The caller sets
// thresholdSet from cmd.Flags().Changed("threshold") when it runs.
func bindGateFlags(cmd *cobra.Command, o *gateOptions) {
	f := cmd.Flags()
	f.IntVar(&o.threshold, "threshold", policy.DefaultThreshold, "score at which sign-off is required (1-100); only lower than the policy's, unless it sets allow_overrides")
	f.StringVar(&o.terraformBin, "terraform-bin", "", "terraform or tofu binary for binary plan files (default: terraform on PATH, then tofu)")
	f.StringVar(&o.policy, "policy", "", "policy file (default .blast.yml, read from --trusted-ref's tree when there is one, else found up to the repository root)")
	f.StringVar(&o.trustedRef, "trusted-ref", "", "git ref to read the policy and allowed signers from, never the working tree (default in a pull/merge-request pipeline: its target branch)")
	f.StringVar(&o.env, "environment", "", "policy environment for plans that no environment's paths match (standard input, outside the repository); elsewhere it only adds")
	f.StringVar(&o.env, "env", "", "alias of --environment")
	_ = f.MarkHidden("env")
	f.StringVar(&o.signoffs, "signoffs", "", "folder of sign-off .sig files (default signoff.signoffs of the policy)")
	f.StringVar(&o.allowedSigners, "allowed-signers", "", "seniors' keys in git's allowed_signers format (default signoff.allowed_signers of the policy; read from --trusted-ref's tree when there is one)")
	f.StringVar(&o.author, "author", "", "one more author of the change, who may not approve it (the authors and committers of its commits always are)")
	f.BoolVar(&o.aiAssisted, "ai-assisted", false, "the change was made with a coding assistant: apply the policy's ai_assisted threshold (so does CLAUDECODE=1 in the environment)")
	f.StringArrayVar(&o.context, "context", nil, "another stack's state, to follow the radius into it: a state file (terraform state pull), terraform show -json of a state, or a folder of them; PATH or NAME=PATH, repeatable")
	f.StringVar(&o.commits, "commits", "", "one more git revision range of the change, whose authors may not approve it and whose commits are checked for AI markers (default with a trusted ref: merge-base(ref, HEAD)..HEAD)")
}

// options are the check.Options of these flags for plans.
func (o *gateOptions) options(a *app, plans []string) check.Options {
	return check.Options{
		Plans: plans, Stdin: a.stdin, TerraformBin: o.terraformBin,
		PolicyFile: o.policy, TrustedRef: o.trustedRef, Environment: o.env, Threshold: o.threshold, ThresholdSet: o.thresholdSet,
		SignoffDir: o.signoffs, AllowedSigners: o.allowedSigners,
		Author: o.author, AIAssisted: o.aiAssisted, Commits: o.commits, Context: o.context,
	}
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
	if err := writeOutputs(outs, files); err != nil {
		return err
	}
	if format == "github" {
		if err := appendStepSummary(os.Getenv("GITHUB_STEP_SUMMARY"), r); err != nil {
			return err
		}
	}
	_, err = a.stdout.Write(main)
	return err
}

// reportID is --report-id when given, refused unless plain, else the ID
// derived from the plan paths (check.DefaultReportID).
func reportID(flag string, plans []string) (string, error) {
	if flag == "" {
		return check.DefaultReportID(plans), nil
	}
	if err := report.ValidReportID(flag); err != nil {
		return "", check.WithHint(fmt.Errorf("--report-id %q: %w", flag, err),
			fmt.Sprintf("use letters, digits and . _ / - only, at most %d of them, such as --report-id infra/prod", report.MaxReportIDLen))
	}
	return flag, nil
}

// withErrorReports writes the report of err to every --output, each in
// its format, and returns err: a CI step that posts the markdown then
// replaces an earlier "pass" with the error rather than leaving it up.
// Standard output stays empty and the exit code 1, as for any error.
func withErrorReports(err error, outs []output, id string) error {
	if len(outs) == 0 {
		return err
	}
	files := make([][]byte, len(outs))
	for i, o := range outs {
		b, rerr := report.RenderError(o.format, id, err.Error(), errorHint(err))
		if rerr != nil {
			return fmt.Errorf("%w (and no error report was written: %v)", err, rerr)
		}
		files[i] = b
	}
	if werr := writeOutputs(outs, files); werr != nil {
		return fmt.Errorf("%w (and no error report was written: %v)", err, werr)
	}
	return err
}

// writeOutputs writes files[i] to outs[i].file, all or none.
func writeOutputs(outs []output, files [][]byte) error {
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
	return nil
}
