package check

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blast-dev/blast/scoring/aiassisted"
)

// Change is what git says of the change under review: its commits, who
// made them, and whether that is the whole of it.
type Change struct {
	// Commits are every commit of the change, for AI-assistance markers.
	Commits []aiassisted.Commit
	// Authors are the e-mails, lower case, of the authors and committers
	// of every commit that does more than add sign-offs (a senior who
	// commits a .sig file is not an author of the change).
	Authors []string
	// Range says which commits were read, for the report.
	Range string
	// Unknown is why the authors are not known for sure, with the fix;
	// "" when they are. Then no sign-off counts: blast cannot prove that
	// its signer did not write the change.
	Unknown string
}

// changeOf reads the change's commits. With a trusted ref they are
// merge-base(ref, HEAD)..HEAD, over the whole repository whatever the
// working folder; --commits adds a range (and, outside a request pipeline,
// is the range when there is no trusted ref). In a request pipeline flags
// cannot vouch for authors: only the range from the trusted ref can.
func changeOf(in *Inputs, commitsFlag, authorFlag, signoffDir string) (*Change, error) {
	pipe := in.Source.Pipeline
	ch := &Change{}
	fix := "fetch the whole history (actions/checkout fetch-depth: 0, GitLab GIT_DEPTH: 0), or give --commits RANGE or --author on your machine"
	if pipe.Request() {
		fix = "fetch the whole history: actions/checkout with fetch-depth: 0, or GIT_DEPTH: 0 in GitLab"
	}
	if commitsFlag != "" {
		if err := checkRange(commitsFlag); err != nil {
			return nil, err
		}
	}
	if in.repo == "" {
		if commitsFlag != "" {
			return nil, WithHint(fmt.Errorf("--commits %s: not in a git checkout", commitsFlag), "run blast inside the git checkout, with a range like origin/main..HEAD")
		}
		if pipe.Request() || authorFlag == "" {
			ch.Unknown = "not in a git checkout, so the change's authors are unknown: " + fix
		}
		return ch, nil
	}
	var ranges []string
	baseKnown := false
	if in.Source.Commit != "" {
		out, err := gitCmd(in.repo, "merge-base", in.Source.Commit, "HEAD")
		if mb := strings.TrimSpace(string(out)); err == nil && mb != "" {
			ranges = append(ranges, mb+"..HEAD")
			ch.Range = "merge-base(" + in.Source.Ref + ", HEAD)..HEAD"
			baseKnown = true
		} else {
			ch.Unknown = fmt.Sprintf("HEAD and %s share no history in this clone (a shallow clone?), so the change's authors are unknown: %s", in.Source.Ref, fix)
		}
	}
	if commitsFlag != "" {
		ranges = append(ranges, commitsFlag)
		ch.Range = strings.TrimPrefix(ch.Range+" and "+commitsFlag, " and ")
	}
	shallow := shallowCommits(in.repo)
	seen := map[string]bool{}
	authors := map[string]bool{}
	sigDir := ""
	if signoffDir != "" {
		wd, _ := os.Getwd()
		if r, ok := repoPath(in.repo, wd, signoffDir); ok {
			sigDir = strings.TrimSuffix(r, "/") + "/"
		}
	}
	for i, rng := range ranges {
		commits, err := logCommits(in.repo, rng)
		if err != nil {
			if i == 0 && baseKnown {
				return nil, fmt.Errorf("reading the change's commits %s: %s", ch.Range, err)
			}
			return nil, WithHint(fmt.Errorf("--commits %s: git log failed: %s", rng, err), "run blast inside the git checkout, with a range like origin/main..HEAD")
		}
		for _, c := range commits {
			if shallow[c.ID] && ch.Unknown == "" {
				// The history stops at this commit: the change may go on
				// below it, by other authors.
				ch.Unknown = fmt.Sprintf("the clone is shallow and the change's history is cut at commit %.12s, so its authors are unknown: %s", c.ID, fix)
			}
			if seen[c.ID] {
				continue
			}
			seen[c.ID] = true
			ch.Commits = append(ch.Commits, c.Commit)
			if sigDir != "" && c.onlyUnder(sigDir) {
				continue
			}
			authors[strings.ToLower(strings.TrimSpace(c.AuthorEmail))] = true
			authors[strings.ToLower(strings.TrimSpace(c.CommitterEmail))] = true
		}
	}
	delete(authors, "")
	for a := range authors {
		ch.Authors = append(ch.Authors, a)
	}
	sort.Strings(ch.Authors)
	switch {
	case ch.Unknown != "":
	case baseKnown:
	case pipe.Request():
		ch.Unknown = "no trusted range of commits, so the change's authors are unknown: " + fix
	case commitsFlag == "" && authorFlag == "":
		ch.Unknown = "no range of commits (--commits) and no --author, so the change's authors are unknown: " + fix
	}
	return ch, nil
}

// checkRange refuses a --commits value git could take for an option.
func checkRange(r string) error {
	if strings.HasPrefix(r, "-") || strings.ContainsAny(r, "\x00\n\r") {
		return fmt.Errorf("--commits %q is not a revision range", r)
	}
	return nil
}

type logCommit struct {
	aiassisted.Commit
	files []string
}

// onlyUnder says whether the commit changes files and all of them are in
// dir (a slash path ending in /). A merge or an empty commit lists none.
func (c logCommit) onlyUnder(dir string) bool {
	if len(c.files) == 0 {
		return false
	}
	for _, f := range c.files {
		if !strings.HasPrefix(f, dir) {
			return false
		}
	}
	return true
}

// logCommits lists the commits of a revision range, each with its
// message, author, committer and the files it changes. No pathspec: the
// change is the whole repository's, whatever the working folder.
func logCommits(repo, rng string) ([]logCommit, error) {
	out, err := gitCmd(repo, "-c", "core.quotePath=true", "log", "--no-renames", "--name-only",
		"--format=%x1e%H%x00%an%x00%ae%x00%cn%x00%ce%x00%B%x00", "--end-of-options", rng, "--")
	if err != nil {
		return nil, err
	}
	var commits []logCommit
	for _, rec := range strings.Split(string(out), "\x1e") {
		f := strings.SplitN(rec, "\x00", 7)
		if len(f) < 7 {
			continue
		}
		c := logCommit{Commit: aiassisted.Commit{ID: f[0], AuthorName: f[1], AuthorEmail: f[2], CommitterName: f[3], CommitterEmail: f[4], Message: f[5]}}
		for _, name := range strings.Split(f[6], "\n") {
			if name = strings.TrimSpace(name); name != "" {
				c.files = append(c.files, name)
			}
		}
		commits = append(commits, c)
	}
	return commits, nil
}

// shallowCommits are the commits at which a shallow clone's history stops.
func shallowCommits(repo string) map[string]bool {
	out, err := gitCmd(repo, "rev-parse", "--is-shallow-repository")
	if err != nil || strings.TrimSpace(string(out)) != "true" {
		return nil
	}
	set := map[string]bool{}
	p, err := gitCmd(repo, "rev-parse", "--git-path", "shallow")
	if err != nil {
		return set
	}
	name := strings.TrimSpace(string(p))
	if !filepath.IsAbs(name) {
		name = filepath.Join(repo, name)
	}
	data, _ := os.ReadFile(name)
	for _, id := range strings.Fields(string(data)) {
		set[id] = true
	}
	return set
}
