package main

import (
	_ "embed"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
	"github.com/blast-dev/blast/scoring/policy"
)

//go:embed starter.blast.yml
var starterPolicy []byte

func newPolicyCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Write or check a policy file (.blast.yml)",
	}
	var force bool
	initCmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a commented starter policy (default .blast.yml)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := policyPath(args)
			if err := check.InitPolicy(path, starterPolicy, force); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "wrote %s\n", path)
			return nil
		},
	}
	initCmd.Flags().BoolVar(&force, "force", false, "overwrite an existing file")
	validateCmd := &cobra.Command{
		Use:   "validate [FILE]",
		Short: "Check a policy file (default .blast.yml); exit 1 with the line of the first problem",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := policyPath(args)
			pol, err := check.ValidatePolicy(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%s: valid (threshold %d, %d critical patterns, %d ignore rules, %d environments)\n",
				path, pol.Threshold, len(pol.Critical), len(pol.Ignore), len(pol.Environments))
			return nil
		},
	}
	cmd.AddCommand(initCmd, validateCmd)
	return cmd
}

// policyPath is the FILE argument of policy init and validate.
func policyPath(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return policy.DefaultFile
}
