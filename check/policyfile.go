package check

import (
	"errors"
	"fmt"
	"os"

	"github.com/blast-dev/blast/internal/safefile"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/scoring/policy"
	"github.com/blast-dev/blast/signoff"
)

// InitPolicy writes policy (blast's starter policy) to path. An existing
// file is refused unless force; a link at path always is, never followed.
func InitPolicy(path string, policy []byte, force bool) error {
	if _, err := os.Lstat(path); err == nil && !force {
		return WithHint(fmt.Errorf("%s already exists", path), "use --force to overwrite it")
	}
	if err := safefile.WriteFile(path, policy, 0o644); err != nil {
		err = fmt.Errorf("writing %s: %w", path, err)
		if errors.Is(err, safefile.ErrNotRegular) {
			return WithHint(err, "blast writes no file through a link: remove it, or name another file")
		}
		return err
	}
	return nil
}

// ValidatePolicy reads the policy file at path, and the seniors' keys it
// names: a policy whose keys cannot be read fails every sign-off, which is
// better said now than when a plan needs one.
func ValidatePolicy(path string) (policy.Policy, error) {
	pol, err := policy.Load(path, scoring.RuleIDs())
	if err != nil {
		return pol, err
	}
	if file, line := pol.AllowedSignersFile(); file != "" {
		if _, err := signoff.ReadAllowedSigners(file); err != nil {
			return pol, &policy.Error{File: path, Line: line, Msg: "signoff.allowed_signers: " + err.Error()}
		}
	}
	return pol, nil
}
