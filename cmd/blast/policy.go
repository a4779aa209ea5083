package main

import (
	_ "embed"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
	"github.com/blast-dev/blast/internal/safefile"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/scoring/policy"
	"github.com/blast-dev/blast/signoff"
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
			path := policy.DefaultFile
			if len(args) == 1 {
				path = args[0]
			}
			if _, err := os.Lstat(path); err == nil && !force {
				return check.WithHint(fmt.Errorf("%s already exists", path), "use --force to overwrite it")
			}
			// Even with --force, a link at path is refused, not followed.
			if err := safefile.WriteFile(path, starterPolicy, 0o644); err != nil {
				err = fmt.Errorf("writing %s: %w", path, err)
				if errors.Is(err, safefile.ErrNotRegular) {
					return check.WithHint(err, "blast writes no file through a link: remove it, or name another file")
				}
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
			path := policy.DefaultFile
			if len(args) == 1 {
				path = args[0]
			}
			pol, err := policy.Load(path, scoring.RuleIDs())
			if err != nil {
				return err
			}
			// A policy whose seniors' keys cannot be read fails every
			// sign-off: say so now, not when a plan needs one.
			if file, line := pol.AllowedSignersFile(); file != "" {
				if _, err := signoff.ReadAllowedSigners(file); err != nil {
					return &policy.Error{File: path, Line: line, Msg: "signoff.allowed_signers: " + err.Error()}
				}
			}
			fmt.Fprintf(a.stdout, "%s: valid (threshold %d, %d critical patterns, %d ignore rules, %d environments)\n",
				path, pol.Threshold, len(pol.Critical), len(pol.Ignore), len(pol.Environments))
			return nil
		},
	}
	cmd.AddCommand(initCmd, validateCmd)
	return cmd
}
