package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh"

	"github.com/blast-dev/blast/check"
	"github.com/blast-dev/blast/internal/safefile"
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
			plans, err := loadPlans(a, args, terraformBin)
			if err != nil {
				return err
			}
			_, err = a.stdout.Write(signoff.Payload(plans))
			return err
		},
	}
	cmd.Flags().StringVar(&terraformBin, "terraform-bin", "", "terraform or tofu binary for binary plan files")
	return cmd
}

type approveOptions struct {
	key          string
	agent        bool
	out          string
	terraformBin string
}

func newApproveCmd(a *app) *cobra.Command {
	opts := &approveOptions{}
	cmd := &cobra.Command{
		Use:   "approve PLAN... --key FILE --out DIR",
		Short: "Sign off on these exact plans with an SSH key",
		Long: `Sign the digest of these plans with an SSH key (OpenSSH SSHSIG, namespace
blast-signoff) and write the sign-off into DIR, where blast check --signoffs
finds it. Any change to what the plans do invalidates it; re-running the same
plan does not. The key may be a private key file without a passphrase, or a
key held by ssh-agent (--agent; --key then names its public key).`,
		Example: `  blast approve plan.json --key ~/.ssh/id_ed25519 --out .blast/signoffs
  blast approve plan.json --agent --key ~/.ssh/id_ed25519.pub --out .blast/signoffs`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runApprove(a, opts, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.key, "key", "", "private key file, or with --agent the public key to use")
	f.BoolVar(&opts.agent, "agent", false, "sign with a key held by ssh-agent (SSH_AUTH_SOCK)")
	f.StringVar(&opts.out, "out", "", "folder to write the .sig file into (created if missing)")
	f.StringVar(&opts.terraformBin, "terraform-bin", "", "terraform or tofu binary for binary plan files")
	return cmd
}

func runApprove(a *app, opts *approveOptions, args []string) error {
	if opts.out == "" {
		return check.WithHint(fmt.Errorf("approve needs --out DIR"), "the folder blast check --signoffs reads, e.g. .blast/signoffs")
	}
	if opts.key == "" && !opts.agent {
		return check.WithHint(fmt.Errorf("approve needs --key FILE or --agent"), "blast approve plan.json --key ~/.ssh/id_ed25519 --out .blast/signoffs")
	}
	plans, err := loadPlans(a, args, opts.terraformBin)
	if err != nil {
		return err
	}
	var signer ssh.Signer
	if opts.agent {
		s, closeAgent, err := signoff.AgentSigner("", opts.key)
		if err != nil {
			return check.WithHint(fmt.Errorf("ssh-agent: %w", err), "start ssh-agent and ssh-add the key, or pass --key with a key file")
		}
		defer closeAgent()
		signer = s
	} else {
		s, err := signoff.SignerFromFile(opts.key)
		if errors.Is(err, signoff.ErrEncryptedKey) {
			return check.WithHint(fmt.Errorf("%s: %w", opts.key, err), "ssh-add it and use --agent, or sign blast digest's output with ssh-keygen -Y sign")
		}
		if err != nil {
			return err
		}
		signer = s
	}
	payload := signoff.Payload(plans)
	sig, err := signoff.Sign(signer, payload)
	if err != nil {
		return fmt.Errorf("signing: %w", err)
	}
	if err := os.MkdirAll(opts.out, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", opts.out, err)
	}
	digest := signoff.Digest(plans).String()
	fp := strings.TrimPrefix(ssh.FingerprintSHA256(signer.PublicKey()), "SHA256:")
	name := fmt.Sprintf("%s-%s.sig", safeName(fp)[:12], strings.TrimPrefix(digest, "sha256:")[:12])
	path := filepath.Join(opts.out, name)
	if err := safefile.WriteFile(path, sig, 0o644); err != nil {
		err = fmt.Errorf("writing %s: %w", path, err)
		if errors.Is(err, safefile.ErrNotRegular) {
			return check.WithHint(err, "blast writes no sign-off through a link: remove it, or choose another --out")
		}
		return err
	}
	fmt.Fprintf(a.stdout, "wrote %s: sign-off by key %s for %s\n", path, ssh.FingerprintSHA256(signer.PublicKey()), digest)
	return nil
}

// safeName keeps the characters of a base64 fingerprint that are safe in a
// file name on every system.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	for b.Len() < 12 {
		b.WriteByte('_')
	}
	return b.String()
}
