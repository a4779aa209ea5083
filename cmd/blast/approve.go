package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh"
	"golang.org/x/term"

	"github.com/blast-dev/blast/check"
	"github.com/blast-dev/blast/internal/safefile"
	"github.com/blast-dev/blast/report"
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
	gate  gateOptions
	key   string
	agent bool
	out   string
	yes   bool
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
			opts.gate.thresholdSet = cmd.Flags().Changed("threshold")
			return runApprove(a, opts, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.key, "key", "", "private key file, or with --agent the public key to use")
	f.BoolVar(&opts.agent, "agent", false, "sign with a key held by ssh-agent (SSH_AUTH_SOCK)")
	f.StringVar(&opts.out, "out", "", "folder to write the .sig file into (created if missing)")
	f.BoolVarP(&opts.yes, "yes", "y", false, "sign without asking (needed when standard input is not a terminal)")
	bindGateFlags(cmd, &opts.gate)
	return cmd
}

// stdinIsTerminal says whether the answer to the question can come from a
// person at a terminal. Tests replace it.
var stdinIsTerminal = func(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func runApprove(a *app, opts *approveOptions, args []string) error {
	if opts.out == "" {
		return check.WithHint(fmt.Errorf("approve needs --out DIR"), "the folder blast check --signoffs reads, e.g. .blast/signoffs")
	}
	if opts.key == "" && !opts.agent {
		return check.WithHint(fmt.Errorf("approve needs --key FILE or --agent"), "blast approve plan.json --key ~/.ssh/id_ed25519 --out .blast/signoffs")
	}
	// Refuse before showing anything that could not be confirmed anyway.
	if !opts.yes && !stdinIsTerminal(a.stdin) {
		return check.WithHint(fmt.Errorf("not signed: standard input is not a terminal, so blast cannot ask before signing"),
			"review the plan with blast check, then run blast approve on a terminal, or add --yes")
	}
	// The key first: a wrong path or an encrypted key fails before the
	// senior reviews anything.
	signer, closeSigner, err := approveSigner(opts)
	if err != nil {
		return err
	}
	defer closeSigner()
	// The same judgement as blast check, so the senior signs off on what
	// CI shows.
	res, err := check.Run(opts.gate.options(a, args))
	if err != nil {
		return err
	}
	shown, err := report.Render(res.Report, "table", report.Options{})
	if err != nil {
		return err
	}
	digest := signoff.Digest(res.Plans).String()
	payload := signoff.Payload(res.Plans)
	fp := ssh.FingerprintSHA256(signer.PublicKey())
	if _, err := a.stdout.Write(shown); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\nsigning: plan digest %s (%s), decision %s at score %d (threshold %d), with key %s\n",
		digest, changesLine(payload), res.Decision, res.Assessment.Score, res.Assessment.Threshold, fp)
	if !opts.yes {
		ok, err := confirm(a, "Sign off on this plan? [y/N] ")
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("not signed: the answer was not yes")
		}
	}
	sig, err := signoff.Sign(signer, payload)
	if err != nil {
		return fmt.Errorf("signing: %w", err)
	}
	if err := os.MkdirAll(opts.out, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", opts.out, err)
	}
	name := fmt.Sprintf("%s-%s.sig", safeName(strings.TrimPrefix(fp, "SHA256:"))[:12], strings.TrimPrefix(digest, "sha256:")[:12])
	path := filepath.Join(opts.out, name)
	if err := safefile.WriteFile(path, sig, 0o644); err != nil {
		err = fmt.Errorf("writing %s: %w", path, err)
		if errors.Is(err, safefile.ErrNotRegular) {
			return check.WithHint(err, "blast writes no sign-off through a link: remove it, or choose another --out")
		}
		return err
	}
	fmt.Fprintf(a.stdout, "wrote %s: sign-off by key %s for %s\n", path, fp, digest)
	return nil
}

// approveSigner opens the key of --key or --agent; the func closes it.
func approveSigner(opts *approveOptions) (ssh.Signer, func(), error) {
	if opts.agent {
		s, closeAgent, err := signoff.AgentSigner("", opts.key)
		if err != nil {
			return nil, nil, check.WithHint(fmt.Errorf("ssh-agent: %w", err), "start ssh-agent and ssh-add the key, or pass --key with a key file")
		}
		return s, func() { _ = closeAgent() }, nil
	}
	s, err := signoff.SignerFromFile(opts.key)
	if errors.Is(err, signoff.ErrEncryptedKey) {
		return nil, nil, check.WithHint(fmt.Errorf("%s: %w", opts.key, err), "ssh-add it and use --agent, or sign blast digest's output with ssh-keygen -Y sign")
	}
	if err != nil {
		return nil, nil, err
	}
	return s, func() {}, nil
}

// changesLine is the payload's count of changes, in words.
func changesLine(payload []byte) string {
	for _, line := range strings.Split(string(payload), "\n") {
		if n, ok := strings.CutPrefix(line, "changes "); ok {
			return n + " change(s)"
		}
	}
	return "no changes"
}

// confirm asks question on stdout and reads one line of answer: y or yes,
// in any case, is yes; anything else, or no answer, is no.
func confirm(a *app, question string) (bool, error) {
	fmt.Fprint(a.stdout, question)
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(a.stdout)
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		return false, fmt.Errorf("reading the answer: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
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
