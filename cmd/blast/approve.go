package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
	"github.com/blast-dev/blast/internal/terminal"
	"github.com/blast-dev/blast/signoff"
)

func newDigestCmd(a *app) *cobra.Command {
	var terraformBin string
	cmd := &cobra.Command{
		Use:   "digest PLAN...",
		Short: "Print the exact bytes a sign-off signs, for ssh-keygen -Y sign",
		Long: `Print the payload a sign-off signs: the digest of what the plans will do.
Signing it with stock OpenSSH makes a valid sign-off:

  blast digest plan.json > payload
  ssh-keygen -Y sign -f ~/.ssh/id_ed25519 -n blast-signoff payload
  mv payload.sig .blast/signoffs/alice.sig`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			plans, err := check.LoadPlans(args, a.stdin, terraformBin)
			if err != nil {
				return err
			}
			return a.print(signoff.Payload(plans), nil)
		},
	}
	cmd.Flags().StringVar(&terraformBin, "terraform-bin", "", "terraform or tofu binary for binary plan files")
	return cmd
}

type approveOptions struct {
	check.ApproveOptions
	yes bool
}

func newApproveCmd(a *app) *cobra.Command {
	opts := &approveOptions{}
	cmd := &cobra.Command{
		Use:   "approve PLAN... --key FILE --out DIR",
		Short: "Sign off on these exact plans with an SSH key",
		Long: `Judge these plans as blast check does (same flags, same policy), show what
is being signed (the score and decision, the destructive changes, the
findings and the digest), ask "Sign off on this plan? [y/N]" on a terminal,
then sign the digest with an SSH key (OpenSSH SSHSIG, namespace
blast-signoff) and write the sign-off into DIR, where blast check --signoffs
finds it. --yes signs without asking; without a terminal it is required.

A plan may be plan JSON or the binary plan file (blast runs terraform show
-json on it). Any change to what the plans do invalidates the sign-off;
re-running the same plan does not. The key may be a private key file
without a passphrase, or a key held by ssh-agent (--agent; --key then names
its public key).`,
		Example: `  blast approve plan.out --key ~/.ssh/id_ed25519 --out .blast/signoffs
  blast approve plan.json --agent --key ~/.ssh/id_ed25519.pub --out .blast/signoffs
  blast approve plan.json --key ~/.ssh/id_ed25519 --out .blast/signoffs --yes`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ao := opts.ApproveOptions
			ao.Options = gateOptions(a, cmd, ao.Options, args)
			return runApprove(a, ao, opts.yes)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Key, "key", "", "private key file, or with --agent the public key to use")
	f.BoolVar(&opts.Agent, "agent", false, "sign with a key held by ssh-agent (SSH_AUTH_SOCK)")
	f.StringVar(&opts.Out, "out", "", "folder to write the .sig file into (created if missing)")
	f.BoolVarP(&opts.yes, "yes", "y", false, "sign without asking (needed when standard input is not a terminal)")
	bindGateFlags(cmd, &opts.Options)
	return cmd
}

// stdinIsTerminal says whether the answer to the question can come from a
// person at a terminal. Tests replace it.
var stdinIsTerminal = terminal.IsInput

func runApprove(a *app, opts check.ApproveOptions, yes bool) error {
	if !yes {
		opts.Interactive = stdinIsTerminal(a.stdin)
		opts.Confirm = func() (bool, error) { return terminal.Confirm(a.stdin, a.stdout, "Sign off on this plan? [y/N] ") }
	}
	signed, err := check.Approve(opts, a.stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "wrote %s: sign-off by key %s for %s\n", signed.Path, signed.Fingerprint, signed.Digest)
	return nil
}
