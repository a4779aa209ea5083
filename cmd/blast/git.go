package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"

	"github.com/blast-dev/blast/scoring"
)

// headAuthor is the e-mail of HEAD's author, or "" outside a git checkout.
func headAuthor() string {
	out, err := exec.Command("git", "log", "-1", "--format=%ae").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
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
		return nil, withHint(fmt.Errorf("--commits %s: git log failed: %s", rangeSpec, msg), "run blast inside the git checkout, with a range like origin/main..HEAD")
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
