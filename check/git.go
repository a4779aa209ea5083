package check

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/blast-dev/blast/scoring"
)

// changeAuthors lists who made the change, none of whom may approve it: the
// authors and committers of the commits of rangeSpec, or of the latest
// commit when rangeSpec is "", leaving out commits that only add sign-offs
// (a senior committing a .sig is not an author of the change). Outside a git
// checkout it returns nothing.
func changeAuthors(rangeSpec, signoffDir string) []string {
	args := []string{"log", "--format=%ae%n%ce"}
	if rangeSpec == "" || strings.HasPrefix(rangeSpec, "-") {
		args = append(args, "-1")
	} else {
		args = append(args, rangeSpec)
	}
	args = append(args, "--", ".")
	if signoffDir != "" {
		args = append(args, ":(exclude)"+filepath.ToSlash(filepath.Clean(signoffDir)))
	}
	out, err := exec.Command("git", args...).Output()
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var authors []string
	for _, line := range strings.Split(string(out), "\n") {
		if line = strings.TrimSpace(line); line != "" && !seen[line] {
			seen[line] = true
			authors = append(authors, line)
		}
	}
	return authors
}

// commitsIn lists the commits of a git revision range with their messages.
func commitsIn(rangeSpec string) ([]scoring.Commit, error) {
	if strings.HasPrefix(rangeSpec, "-") {
		return nil, fmt.Errorf("--commits %q is not a revision range", rangeSpec)
	}
	cmd := exec.Command("git", "log", "--format=%H%x00%B%x1e", rangeSpec, "--")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(strings.SplitN(stderr.String(), "\n", 2)[0])
		if msg == "" {
			msg = err.Error()
		}
		return nil, WithHint(fmt.Errorf("--commits %s: git log failed: %s", rangeSpec, msg), "run blast inside the git checkout, with a range like origin/main..HEAD")
	}
	var commits []scoring.Commit
	for _, rec := range strings.Split(string(out), "\x1e") {
		rec = strings.TrimLeft(rec, "\n")
		id, msg, ok := strings.Cut(rec, "\x00")
		if !ok {
			continue
		}
		commits = append(commits, scoring.Commit{ID: id, Message: msg})
	}
	return commits, nil
}
