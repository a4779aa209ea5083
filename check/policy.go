package check

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/blast-dev/blast/scoring"
)

// LoadPolicy reads the policy file at path, or the .blast.yml found from the
// working directory up to the repository root when path is "", or the
// defaults when there is none; then it applies the environment env, or the
// one the plan paths choose when env is "".
func LoadPolicy(path, env string, planPaths []string) (scoring.Policy, error) {
	pol := scoring.DefaultPolicy()
	switch {
	case path != "":
		p, err := scoring.LoadPolicy(path)
		if err != nil {
			return pol, err
		}
		pol = p
	default:
		if found := findPolicy(); found != "" {
			p, err := scoring.LoadPolicy(found)
			if err != nil {
				return pol, err
			}
			pol = p
		}
	}
	return pol.ForEnvironment(env, relativePaths(planPaths))
}

// findPolicy looks for .blast.yml in the working directory and then in each
// parent up to the root of the git checkout, so that blast run in a
// Terraform folder (a pre-commit hook, Atlantis, a working-directory input)
// finds the repository's policy. It returns "" when there is none.
func findPolicy() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		path := filepath.Join(dir, scoring.DefaultPolicyFile)
		if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
			if rel, err := filepath.Rel(mustGetwd(), path); err == nil {
				return rel
			}
			return path
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func mustGetwd() string {
	wd, _ := os.Getwd()
	return wd
}

// relativePaths gives, for each plan, the path environment globs are
// matched against: relative to the working directory when the plan is in
// it, since globs are written relative to the repository (envs/prod/**) and
// CI often passes absolute paths. One path per plan: each plan picks its
// environment.
func relativePaths(paths []string) []string {
	out := append([]string(nil), paths...)
	wd, err := os.Getwd()
	if err != nil {
		return out
	}
	for i, p := range paths {
		if !filepath.IsAbs(p) {
			continue
		}
		if rel, err := filepath.Rel(wd, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			out[i] = filepath.ToSlash(rel)
		}
	}
	return out
}
