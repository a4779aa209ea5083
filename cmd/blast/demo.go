package main

import (
	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
)

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
			to, err := check.ParseReportOutputs(format, nil)
			if err != nil {
				return err
			}
			r, err := check.Demo()
			if err != nil {
				return err
			}
			return render(a, r, to)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format")
	return cmd
}
