package check

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestMain runs the tests as on a machine, also when blast's own CI runs
// them in a pull-request pipeline.
func TestMain(m *testing.M) {
	for _, v := range append(PipelineVariables, AgentVariables...) {
		os.Unsetenv(v)
	}
	os.Exit(m.Run())
}

func TestDetectPipeline(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		name string
		env  func(string) string
		want string
		refs []string
	}{
		{"a machine", env(), "", nil},
		{"a GitHub push", env("GITHUB_ACTIONS", "true", "GITHUB_EVENT_NAME", "push"), "", nil},
		{"a GitHub pull request", env("GITHUB_ACTIONS", "true", "GITHUB_EVENT_NAME", "pull_request", "GITHUB_BASE_REF", "main"), "github-pull-request", []string{"origin/main"}},
		{"pull_request_target", env("GITHUB_ACTIONS", "true", "GITHUB_EVENT_NAME", "pull_request_target", "GITHUB_BASE_REF", "release/1"), "github-pull-request", []string{"origin/release/1"}},
		{"a GitLab MR", env("GITLAB_CI", "true", "CI_MERGE_REQUEST_IID", "3", "CI_MERGE_REQUEST_DIFF_BASE_SHA", "abc", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"), "gitlab-merge-request", []string{"abc", "origin/main"}},
		{"a GitLab branch pipeline", env("GITLAB_CI", "true", "CI_COMMIT_BRANCH", "main"), "", nil},
	}
	for _, c := range cases {
		p := DetectPipeline(c.env)
		if p.Name != c.want || !slices.Equal(p.Refs, c.refs) {
			t.Errorf("%s: %+v", c.name, p)
		}
	}
}

func TestCheckRef(t *testing.T) {
	for _, bad := range []string{"", "-n", "--output=/etc/x", "main:secret", "a b", "main\n", "x\\y"} {
		if checkRef("ref", bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, good := range []string{"origin/main", "0123abcd", "release/1.2", "refs/remotes/origin/main"} {
		if err := checkRef("ref", good); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
}

func TestPathUnder(t *testing.T) {
	root := t.TempDir()
	root, _ = filepath.EvalSymlinks(root)
	if err := os.MkdirAll(filepath.Join(root, "envs", "prod"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "envs", "prod", "p.json"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("envs", "prod", "p.json"), filepath.Join(root, "link.json")); err != nil {
		t.Fatal(err)
	}
	wd := filepath.Join(root, "envs", "prod")
	for in, want := range map[string]string{
		"p.json":                "envs/prod/p.json",
		"../prod/p.json":        "envs/prod/p.json",
		"..//prod/./p.json":     "envs/prod/p.json",
		"../../link.json":       "envs/prod/p.json",
		"-":                     "",
		"../../../elsewhere.js": "",
		"/etc/passwd":           "",
	} {
		if got := pathUnder(root, wd, in); got != want {
			t.Errorf("pathUnder(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestEscapeName(t *testing.T) {
	for in, want := range map[string]string{
		"alice.sig":           "alice.sig",
		"evil\u202egis.sig":   `evil\u202egis.sig`,
		"bell\a.sig":          `bell\u0007.sig`,
		"a\\b":                `a\\b`,
		"bad\xff.sig":         `bad\xff.sig`,
		"zero\u200bwidth.sig": `zero\u200bwidth.sig`,
	} {
		if got := escapeName(in); got != want {
			t.Errorf("escapeName(%q) = %s, want %s", in, got, want)
		}
	}
}
