package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
	"github.com/blast-dev/blast/scoring"
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
	plans, err := loadPlans(a, paths, opts.terraformBin)
	if err != nil {
		return err
	}
	in, err := check.LoadPolicy(check.PolicyOptions{File: opts.policy, Environment: opts.env, Plans: paths})
	if err != nil {
		return err
	}
	pol := in.Policy
	ai, err := check.AIOptions(opts.aiAssisted, opts.commits, pol)
	if err != nil {
		return err
	}
	as := scoring.Assess(plans, nil, pol, ai)
	var buf bytes.Buffer
	found := 0
	for _, cr := range as.Changes {
		if cr.Change.Address != address {
			continue
		}
		found++
		writeExplanation(&buf, as, cr)
	}
	if found == 0 {
		return check.WithHint(fmt.Errorf("%s: no change with this address in the plan (no-ops score nothing)", address),
			"blast check --all PLAN lists every change")
	}
	b := as.Breakdown
	fmt.Fprintf(&buf, "plan score %d: %.1f from destructive changes + %.1f from creates and updates (capped at %.0f) + %.1f from findings, rounded, at most 100; threshold %d\n",
		as.Score, b.Destructive, b.NonDestructive, b.Cap, b.Findings, as.Threshold)
	_, err = a.stdout.Write(buf.Bytes())
	return err
}

func writeExplanation(buf *bytes.Buffer, as *scoring.Assessment, cr scoring.ChangeRisk) {
	c := cr.Change
	fmt.Fprintf(buf, "%s", c.Address)
	if c.Deposed != "" {
		fmt.Fprintf(buf, " (deposed %s)", c.Deposed)
	}
	if len(as.Plans) > 1 {
		fmt.Fprintf(buf, " in %s", as.Plans[cr.Plan].Source)
	}
	fmt.Fprintf(buf, "\n  type %s, class %s, weight %.2f", c.Type, cr.Class, cr.Weight)
	if cr.Critical {
		buf.WriteString(", critical")
	}
	fmt.Fprintf(buf, "\n  %s (actions %s)", c.Kind, strings.Join(c.Actions, ", "))
	if c.Reason != "" {
		fmt.Fprintf(buf, ", reason %s", c.Reason)
	}
	if len(c.ForcedBy) > 0 {
		fmt.Fprintf(buf, ", forced by %s", strings.Join(c.ForcedBy, ", "))
	}
	if c.MovedFrom != "" {
		// The policy's critical and ignore globs read this address too.
		fmt.Fprintf(buf, ", moved from %s", c.MovedFrom)
	}
	fmt.Fprintf(buf, "\n  risk %.1f\n", cr.Points)
	for _, f := range cr.Factors {
		fmt.Fprintf(buf, "    %+6.1f  %-13s %s\n", f.Points, f.Name, f.Detail)
	}
	if cr.Radius != nil && cr.Radius.Size() > 0 {
		fmt.Fprintf(buf, "  dependents the plan changes too (%d):\n", len(cr.Radius.Changed))
		for _, d := range cr.Radius.Changed {
			fmt.Fprintf(buf, "    %s\n", d)
		}
		fmt.Fprintf(buf, "  dependents with no planned change (%d):\n", len(cr.Radius.Unchanged))
		for _, d := range cr.Radius.Unchanged {
			fmt.Fprintf(buf, "    %s\n", d)
		}
	}
	for _, f := range as.Findings {
		if f.Plan == cr.Plan && f.Address == c.Address {
			fmt.Fprintf(buf, "  finding %s (%s, %+.1f): %s\n", f.Rule, f.Severity, f.Points, f.Message)
		}
	}
	buf.WriteString("\n")
}
