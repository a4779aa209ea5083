package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/analyzer"
	"github.com/blast-dev/blast/report"
	"github.com/blast-dev/blast/scoring"
)

type checkOptions struct {
	format       string
	threshold    int
	terraformBin string
	all          bool
	thresholdSet bool
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
  terragrunt run --all show -json | blast check --format json -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return withHint(fmt.Errorf("no plan given"), "blast check plan.json (or - for standard input)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.thresholdSet = cmd.Flags().Changed("threshold")
			return runCheck(a, opts, args)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.format, "format", "f", "table", "output format: "+strings.Join(formats, ", "))
	f.IntVar(&opts.threshold, "threshold", scoring.DefaultThreshold, "score at which sign-off is required (1-100)")
	f.StringVar(&opts.terraformBin, "terraform-bin", "", "terraform or tofu binary for binary plan files (default: terraform on PATH, then tofu)")
	f.BoolVar(&opts.all, "all", false, "list every change in the table, not only destructive ones")
	return cmd
}

var formats = []string{"table", "json"}

func runCheck(a *app, opts *checkOptions, args []string) error {
	if err := validateFormat(opts.format); err != nil {
		return err
	}
	pol := scoring.DefaultPolicy()
	if opts.thresholdSet {
		if opts.threshold < 1 || opts.threshold > 100 {
			return withHint(fmt.Errorf("--threshold %d is out of range", opts.threshold), "give a score from 1 to 100")
		}
		pol.Threshold = opts.threshold
	}
	plans, err := loadPlans(a, args, analyzer.Options{TerraformBin: opts.terraformBin})
	if err != nil {
		return err
	}
	assessment := scoring.Assess(plans, pol)
	decision := scoring.Gate(assessment, 0, 1)
	r := report.New(assessment, decision)
	if err := render(a, r, opts.format, report.TableOptions{All: opts.all}); err != nil {
		return err
	}
	if decision == scoring.DecisionSignoffRequired {
		a.exit = exitSignoff
	}
	return nil
}

func validateFormat(format string) error {
	for _, f := range formats {
		if f == format {
			return nil
		}
	}
	return withHint(fmt.Errorf("unknown --format %q", format), "use one of: "+strings.Join(formats, ", "))
}

func loadPlans(a *app, args []string, opts analyzer.Options) ([]*analyzer.Plan, error) {
	opts.Stdin = a.stdin
	var plans []*analyzer.Plan
	stdinUsed := false
	for _, arg := range args {
		if arg == "-" {
			if stdinUsed {
				return nil, withHint(fmt.Errorf("standard input (-) given twice"), "give - once")
			}
			stdinUsed = true
		}
		ps, err := analyzer.Load(arg, opts)
		if err != nil {
			return nil, err
		}
		plans = append(plans, ps...)
	}
	return plans, nil
}

// render writes the whole report to a buffer first, so that a failure never
// leaves half a report on stdout.
func render(a *app, r *report.Report, format string, topts report.TableOptions) error {
	var buf bytes.Buffer
	var err error
	switch format {
	case "json":
		err = report.WriteJSON(&buf, r)
	default:
		err = report.WriteTable(&buf, r, topts)
	}
	if err != nil {
		return fmt.Errorf("rendering the %s report: %w", format, err)
	}
	_, err = a.stdout.Write(buf.Bytes())
	return err
}
