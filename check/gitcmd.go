package check

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// gitCmd runs git in dir without a shell and returns its standard output.
// Its error carries the first line git wrote to standard error.
func gitCmd(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	// A hostile checkout must not run its own hooks or helpers through
	// blast's git calls: none of those below start any, and no pager.
	cmd.Env = append(os.Environ(), "GIT_PAGER=cat", "GIT_TERMINAL_PROMPT=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(strings.SplitN(stderr.String(), "\n", 2)[0])
		if msg == "" {
			msg = err.Error()
		}
		return out, errors.New(msg)
	}
	return out, nil
}

// repoRoot is the top folder of the git checkout that holds dir, symlinks
// resolved; "" outside one (or without git, when no .git is found either).
func repoRoot(dir string) string {
	if out, err := gitCmd(dir, "rev-parse", "--show-toplevel"); err == nil {
		if root := strings.TrimSpace(string(out)); root != "" {
			if r, err := filepath.EvalSymlinks(root); err == nil {
				return r
			}
			return root
		}
	}
	// No git on PATH: a .git entry still marks the root, so that policy
	// discovery never walks above the checkout.
	for d := dir; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// checkRef refuses what git could read as an option or as more than a
// revision: refs and ranges come from flags and environment variables that
// the change under review may set.
func checkRef(what, ref string) error {
	switch {
	case ref == "":
		return fmt.Errorf("%s is empty", what)
	case strings.HasPrefix(ref, "-"):
		return fmt.Errorf("%s %q starts with -: not a git revision", what, ref)
	case strings.ContainsAny(ref, ": \t\r\n\x00\\") || strings.ContainsFunc(ref, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return fmt.Errorf("%s %q is not a git revision", what, ref)
	}
	return nil
}

// resolveCommit is the commit id a revision names, or an error.
func resolveCommit(root, rev string) (string, error) {
	out, err := gitCmd(root, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		return "", fmt.Errorf("no such commit")
	}
	return strings.TrimSpace(string(out)), nil
}
