package check

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/blast-dev/blast/internal/safefile"
	"github.com/blast-dev/blast/report"
	"github.com/blast-dev/blast/signoff"
)

// OpenSigner opens the key a senior signs off with: the private key file
// key, or with agent the key ssh-agent holds whose public key file is key.
// The func closes it.
func OpenSigner(key string, agent bool) (ssh.Signer, func(), error) {
	if agent {
		s, closeAgent, err := signoff.AgentSigner("", key)
		if err != nil {
			return nil, nil, WithHint(fmt.Errorf("ssh-agent: %w", err), "start ssh-agent and ssh-add the key, or pass --key with a key file")
		}
		return s, func() { _ = closeAgent() }, nil
	}
	s, err := signoff.SignerFromFile(key)
	if errors.Is(err, signoff.ErrEncryptedKey) {
		return nil, nil, WithHint(fmt.Errorf("%s: %w", key, err), "ssh-add it and use --agent, or sign blast digest's output with ssh-keygen -Y sign")
	}
	if err != nil {
		return nil, nil, err
	}
	return s, func() {}, nil
}

// ApproveOptions are the inputs of a sign-off: the plans judged as Run
// judges them, the key (OpenSigner), and the folder the sign-off goes into.
type ApproveOptions struct {
	Options
	Key   string // the private key file, or with Agent the public key's
	Agent bool   // sign with a key held by ssh-agent
	Out   string // the folder of sign-offs, created if missing
	// Confirm is asked, once what is being signed has been shown, whether
	// to sign; nil signs without asking. Interactive says a person is
	// there to answer it: without one, Approve refuses before anything.
	Confirm     func() (bool, error)
	Interactive bool
}

// Signed is a sign-off Approve wrote.
type Signed struct {
	Path        string // the .sig file
	Fingerprint string // of the key that signed
	Digest      string // of what the plans will do
}

// Approve judges the plans as Run does, so that a senior signs off on what
// CI shows, and writes to w what is being signed: the table report, then
// the digest, the decision and the key. If Confirm says yes it signs the
// digest's payload and writes the sign-off into Out, never through a link.
func Approve(opts ApproveOptions, w io.Writer) (*Signed, error) {
	if opts.Out == "" {
		return nil, WithHint(fmt.Errorf("approve needs --out DIR"), "the folder blast check --signoffs reads, e.g. .blast/signoffs")
	}
	if opts.Key == "" && !opts.Agent {
		return nil, WithHint(fmt.Errorf("approve needs --key FILE or --agent"), "blast approve plan.json --key ~/.ssh/id_ed25519 --out .blast/signoffs")
	}
	// Refuse before showing anything that could not be confirmed anyway.
	if opts.Confirm != nil && !opts.Interactive {
		return nil, WithHint(fmt.Errorf("not signed: standard input is not a terminal, so blast cannot ask before signing"),
			"review the plan with blast check, then run blast approve on a terminal, or add --yes")
	}
	// The key first: a wrong path or an encrypted key fails before the
	// senior reviews anything.
	signer, closeSigner, err := OpenSigner(opts.Key, opts.Agent)
	if err != nil {
		return nil, err
	}
	defer closeSigner()
	res, err := Run(opts.Options)
	if err != nil {
		return nil, err
	}
	shown, err := report.Render(res.Report, "table", report.Options{})
	if err != nil {
		return nil, err
	}
	digest := signoff.Digest(res.Plans).String()
	payload := signoff.Payload(res.Plans)
	fp := ssh.FingerprintSHA256(signer.PublicKey())
	if _, err := w.Write(shown); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "\nsigning: plan digest %s (%s), decision %s at score %d (threshold %d), with key %s\n",
		digest, changesLine(payload), res.Decision, res.Assessment.Score, res.Assessment.Threshold, fp)
	if opts.Confirm != nil {
		ok, err := opts.Confirm()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("not signed: the answer was not yes")
		}
	}
	sig, err := signoff.Sign(signer, payload)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", opts.Out, err)
	}
	name := fmt.Sprintf("%s-%s.sig", safeName(strings.TrimPrefix(fp, "SHA256:"))[:12], strings.TrimPrefix(digest, "sha256:")[:12])
	path := filepath.Join(opts.Out, name)
	if err := safefile.WriteFile(path, sig, 0o644); err != nil {
		err = fmt.Errorf("writing %s: %w", path, err)
		if errors.Is(err, safefile.ErrNotRegular) {
			return nil, WithHint(err, "blast writes no sign-off through a link: remove it, or choose another --out")
		}
		return nil, err
	}
	return &Signed{Path: path, Fingerprint: fp, Digest: digest}, nil
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
