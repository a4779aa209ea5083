package check

import (
	"fmt"
	"strings"
)

// Pipeline is what blast knows of the CI run it is in. In a pull- or
// merge-request pipeline the change under review controls the working
// tree, the CI files and so every flag: the gate's inputs come from the
// target branch instead.
type Pipeline struct {
	// Name is "github-pull-request", "gitlab-merge-request", or "" when
	// blast does not recognise a request pipeline (a push pipeline, an
	// engineer's machine).
	Name string
	// Refs are the trusted refs the pipeline names, the default first:
	// the target branch as the clone knows it, or the merge-request's
	// base commit.
	Refs []string
	// Fetch is the command that brings the first ref into the clone.
	Fetch string
}

// Request says whether this is a pull- or merge-request pipeline.
func (p Pipeline) Request() bool { return p.Name != "" }

// PipelineVariables are the variables DetectPipeline reads. Tests that run
// blast inside blast's own CI unset them.
var PipelineVariables = []string{
	"GITHUB_ACTIONS", "GITHUB_EVENT_NAME", "GITHUB_BASE_REF",
	"GITLAB_CI", "CI_MERGE_REQUEST_IID", "CI_PIPELINE_SOURCE", "CI_MERGE_REQUEST_DIFF_BASE_SHA", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
}

// DetectPipeline reads the variables GitHub Actions and GitLab CI set.
// GitHub sets GITHUB_BASE_REF only for pull_request and
// pull_request_target events; GitLab sets CI_MERGE_REQUEST_IID only in
// merge-request pipelines.
func DetectPipeline(getenv func(string) string) Pipeline {
	switch {
	case getenv("GITHUB_ACTIONS") == "true" && (getenv("GITHUB_BASE_REF") != "" ||
		strings.HasPrefix(getenv("GITHUB_EVENT_NAME"), "pull_request")):
		base := getenv("GITHUB_BASE_REF")
		p := Pipeline{Name: "github-pull-request", Fetch: "git fetch origin " + base + " (or actions/checkout with fetch-depth: 0)"}
		if base != "" {
			p.Refs = []string{"origin/" + base}
		}
		return p
	case getenv("GITLAB_CI") == "true" && (getenv("CI_MERGE_REQUEST_IID") != "" || getenv("CI_PIPELINE_SOURCE") == "merge_request_event"):
		target := getenv("CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
		p := Pipeline{Name: "gitlab-merge-request", Fetch: "git fetch origin " + target + " (or GIT_DEPTH: 0)"}
		if sha := getenv("CI_MERGE_REQUEST_DIFF_BASE_SHA"); sha != "" {
			p.Refs = append(p.Refs, sha)
		}
		if target != "" {
			p.Refs = append(p.Refs, "origin/"+target)
		}
		return p
	}
	return Pipeline{}
}

// trustedRef chooses the ref the policy and allowed signers are read from,
// and its commit. flag is --trusted-ref. In a request pipeline the default
// is the pipeline's target; a flag may only name that same commit (it lives
// in a CI file the change can edit), and a target that is not in the clone
// is an error, never a fallback to the working tree. Elsewhere the flag is
// taken as given, and without it there is no trusted ref ("").
func trustedRef(root, flag string, pipe Pipeline) (ref, commit string, err error) {
	if !pipe.Request() {
		if flag == "" {
			return "", "", nil
		}
		if err := checkRef("--trusted-ref", flag); err != nil {
			return "", "", err
		}
		if root == "" {
			return "", "", WithHint(fmt.Errorf("--trusted-ref %s: not in a git checkout", flag), "run blast inside the repository's clone")
		}
		c, err := resolveCommit(root, flag)
		if err != nil {
			return "", "", WithHint(fmt.Errorf("--trusted-ref %s: no such commit in this clone", flag), "fetch it first, e.g. git fetch origin main")
		}
		return flag, c, nil
	}
	if len(pipe.Refs) == 0 {
		return "", "", WithHint(fmt.Errorf("%s pipeline: the target branch is not known, so the policy cannot be read from it", pipe.Name),
			"blast reads GITHUB_BASE_REF, or CI_MERGE_REQUEST_DIFF_BASE_SHA and CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
	}
	if root == "" {
		return "", "", WithHint(fmt.Errorf("%s pipeline: not in a git checkout, so the policy cannot be read from %s", pipe.Name, pipe.Refs[0]),
			"run blast inside the repository's clone: "+pipe.Fetch)
	}
	var commits []string
	for _, r := range pipe.Refs {
		if err := checkRef("the pipeline's target", r); err != nil {
			return "", "", err
		}
		c, _ := resolveCommit(root, r)
		commits = append(commits, c)
	}
	if flag != "" {
		if err := checkRef("--trusted-ref", flag); err != nil {
			return "", "", err
		}
		c, err := resolveCommit(root, flag)
		if err != nil {
			return "", "", WithHint(fmt.Errorf("--trusted-ref %s: no such commit in this clone", flag), pipe.Fetch)
		}
		for _, pc := range commits {
			if pc == c {
				return flag, c, nil
			}
		}
		return "", "", WithHint(fmt.Errorf("--trusted-ref %s is not the target of this %s (%s): a flag cannot choose where the gate's policy comes from", flag, pipe.Name, strings.Join(pipe.Refs, " or ")),
			"drop --trusted-ref: blast reads the target branch itself")
	}
	for i, c := range commits {
		if c != "" {
			return pipe.Refs[i], c, nil
		}
	}
	// One line that names the fix: this is what a CI log shows.
	return "", "", fmt.Errorf("%s pipeline: the target %s is not in this clone; fetch it: %s (blast never falls back to the policy of the change under review)", pipe.Name, pipe.Refs[0], pipe.Fetch)
}
