package main

import (
	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/fixtures"
	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/report"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/scoring/policy"
)

const demoSource = "demo-teardown (embedded)"

func newDemoCmd(a *app) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Judge a plan embedded in blast: an environment torn down and recreated",
		Long: `Judge a plan that real Terraform made and that is embedded in blast: one
changed input makes Terraform destroy and recreate a whole environment, the
pattern behind a 13-hour outage. demo shows the full report and exits 0.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validateFormat(format); err != nil {
				return err
			}
			plans, err := planjson.Parse(demoSource, fixtures.DemoPlan)
			if err != nil {
				return err
			}
			pol, err := policy.Parse("demo-teardown/blast.yml (embedded)", fixtures.DemoPolicy, scoring.RuleIDs())
			if err != nil {
				return err
			}
			assessment := scoring.Assess(plans, nil, pol, scoring.Options{})
			r := report.New(assessment, scoring.Gate(assessment, 0))
			return render(a, r, format, report.Options{}, nil)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format")
	return cmd
}
