package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
)

func newSignoffsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "signoffs",
		Short: "Tend the sign-off folder",
	}
	cmd.AddCommand(newSignoffsPruneCmd(a))
	return cmd
}

func newSignoffsPruneCmd(a *app) *cobra.Command {
	opts := &check.PruneOptions{}
	cmd := &cobra.Command{
		Use:   "prune PLAN... [--signoffs DIR]",
		Short: "Remove the sign-offs that were made for other plans",
		Long: `Remove from the sign-off folder the .sig files that blast check rejects as
wrong-plan for these plans: sign-offs of earlier plans, which pile up as a
change is re-planned. With several plans, a sign-off of any one of them, or
of all of them together, is kept.

Only those are removed: a valid sign-off, and one rejected for any other
reason (an unknown key, a non-senior, an expired key, a malformed file),
stays. A link is never removed or followed. The folder and the seniors'
keys are found as blast check finds them (--signoffs, --allowed-signers, or
the policy's signoff settings).`,
		Example: `  blast signoffs prune plan.json --signoffs .blast/signoffs --allowed-signers .blast/allowed_signers
  blast signoffs prune plan.out`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return check.WithHint(fmt.Errorf("no plan given"), "the plans whose sign-offs to keep: blast signoffs prune plan.json --signoffs .blast/signoffs")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Plans, opts.Stdin = args, a.stdin
			res, err := check.PruneSignoffs(*opts)
			if res != nil {
				for _, name := range res.Removed {
					fmt.Fprintf(a.stdout, "removed %s: made for another plan\n", name)
				}
				for _, s := range res.Skipped {
					fmt.Fprintf(a.stdout, "kept %s\n", s)
				}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%d stale sign-off(s) removed from %s, %d kept\n", len(res.Removed), res.Dir, res.Kept)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.SignoffDir, "signoffs", "", "folder of sign-off .sig files (default signoff.signoffs of the policy)")
	f.StringVar(&opts.AllowedSigners, "allowed-signers", "", "seniors' keys in git's allowed_signers format (default signoff.allowed_signers of the policy)")
	f.StringVar(&opts.PolicyFile, "policy", "", "policy file (default .blast.yml, as blast check finds it)")
	f.StringVar(&opts.TrustedRef, "trusted-ref", "", "git ref to read the policy and allowed signers from (default in a pull/merge-request pipeline: its target branch)")
	f.StringVar(&opts.TerraformBin, "terraform-bin", "", "terraform or tofu binary for binary plan files")
	return cmd
}
