package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
	"github.com/blast-dev/blast/report"
)

type applyOptions struct {
	gate    check.Options
	format  string
	outputs []string
}

func newApplyCmd(a *app) *cobra.Command {
	opts := &applyOptions{}
	cmd := &cobra.Command{
		Use:   "apply [flags] PLANFILE [-- TERRAFORM-APPLY-OPTIONS]",
		Short: "Apply a binary plan only if it passes the gate or is signed off",
		Long: `Judge a binary plan file as blast check does, with the same flags and policy,
and run terraform apply on it only when the gate passes or the plan carries
valid sign-offs; otherwise print the report and exit 2, applying nothing.

blast copies the plan file into a private folder first, judges the copy and
applies the copy: the file judged is the file applied. terraform (or tofu,
--terraform-bin) runs in the working folder, and its output streams through
(to stderr when --format is not table, so stdout holds the report only). If
it fails, blast exits 1.

Options after -- go to terraform apply, before the plan file. Only those
that cannot change what a saved plan does are passed on: -auto-approve,
-no-color, -input=..., -lock=..., -lock-timeout=..., -parallelism=...,
-compact-warnings, -json. -destroy, -replace, -target, -var, -var-file and
another plan file are refused, in TF_CLI_ARGS and TF_CLI_ARGS_apply too.`,
		Example: `  terraform plan -out plan.out && blast apply plan.out
  blast apply --signoffs .blast/signoffs plan.out -- -no-color -lock-timeout=60s`,
		Args: func(cmd *cobra.Command, args []string) error {
			plans, _ := splitAtDash(cmd, args)
			switch {
			case len(plans) == 0:
				return check.WithHint(fmt.Errorf("no plan file given"), "terraform plan -out plan.out && blast apply plan.out")
			case len(plans) > 1:
				return check.WithHint(fmt.Errorf("blast apply takes one plan file, got %d", len(plans)), "options for terraform apply go after --: blast apply plan.out -- -no-color")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			plans, tfArgs := splitAtDash(cmd, args)
			return runApply(a, opts, gateOptions(a, cmd, opts.gate, plans[:1]), plans[0], tfArgs)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.format, "format", "f", "table", "output format of the report: "+strings.Join(report.Formats(), ", "))
	f.StringArrayVarP(&opts.outputs, "output", "o", nil, "also write the report to FILE in FORMAT (FILE:FORMAT, repeatable)")
	bindGateFlags(cmd, &opts.gate)
	return cmd
}

// splitAtDash splits the arguments into blast's and, after --, terraform's.
func splitAtDash(cmd *cobra.Command, args []string) (plans, rest []string) {
	if i := cmd.ArgsLenAtDash(); i >= 0 {
		return args[:i], args[i:]
	}
	return args, nil
}

func runApply(a *app, opts *applyOptions, gate check.Options, planFile string, tfArgs []string) error {
	to, err := check.ParseReportOutputs(opts.format, opts.outputs)
	if err != nil {
		return err
	}
	judged, err := check.JudgeApply(gate, planFile, tfArgs)
	if err != nil {
		return err
	}
	defer judged.Close()
	if err := render(a, judged.Report, to); err != nil {
		return err
	}
	say, ok := judged.Verdict(planFile)
	if !ok {
		return gateRefusal(say)
	}
	fmt.Fprintf(a.stderr, "blast: %s\n", say)
	// A machine-read report keeps stdout to itself: terraform's output
	// goes to stderr then.
	tfOut := a.stdout
	if opts.format != "table" {
		tfOut = a.stderr
	}
	return judged.Apply(a.stdin, tfOut, a.stderr)
}
