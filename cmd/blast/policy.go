package main

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/scoring"
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
			path := scoring.DefaultPolicyFile
			if len(args) == 1 {
				path = args[0]
			}
			flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
			if force {
				flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			}
			f, err := os.OpenFile(path, flags, 0o644)
			if errors.Is(err, os.ErrExist) {
				return withHint(fmt.Errorf("%s already exists", path), "use --force to overwrite it")
			}
			if err != nil {
				return fmt.Errorf("writing %s: %w", path, err)
			}
			if _, err := f.Write(starterPolicy); err != nil {
				f.Close()
				return fmt.Errorf("writing %s: %w", path, err)
			}
			if err := f.Close(); err != nil {
				return fmt.Errorf("writing %s: %w", path, err)
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
			path := scoring.DefaultPolicyFile
			if len(args) == 1 {
				path = args[0]
			}
			pol, err := scoring.LoadPolicy(path)
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

// loadPolicy reads --policy, or .blast.yml when present, or the defaults,
// then applies the environment chosen by --env or by the plan paths.
func loadPolicy(path, env string, planPaths []string) (scoring.Policy, error) {
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
