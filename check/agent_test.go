package check

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/blast-dev/blast/scoring"
)

func TestAgentFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{nil, ""},
		{[]string{"CLAUDECODE=1"}, "run by Claude Code (CLAUDECODE is set)"},
		{[]string{"PATH=/bin", "CLAUDECODE=1", "HOME=/root"}, "run by Claude Code (CLAUDECODE is set)"},
		{[]string{"CLAUDECODE=0"}, ""},
		{[]string{"CLAUDECODE="}, ""},
		{[]string{"XCLAUDECODE=1"}, ""},
		// The last of a variable given twice is what a child process sees.
		{[]string{"CLAUDECODE=0", "CLAUDECODE=1"}, "run by Claude Code (CLAUDECODE is set)"},
		{[]string{"CLAUDECODE=1", "CLAUDECODE=0"}, ""},
	} {
		if got := AgentFromEnv(tc.env); got != tc.want {
			t.Errorf("AgentFromEnv(%q) = %q, want %q", tc.env, got, tc.want)
		}
	}
}

// A check run by Claude Code meets the policy's ai_assisted threshold, and
// the report says why.
func TestRunByAgentIsAIAssisted(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "blast.yml")
	if err := os.WriteFile(pol, []byte("version: 1\nai_assisted:\n  threshold: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(env map[string]string) *Result {
		t.Helper()
		res, err := Run(Options{
			Plans: []string{"../fixtures/replace/plan.json"}, PolicyFile: pol, Author: "dev@example.com",
			Getenv: func(k string) string { return env[k] },
		})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := run(nil); res.Decision != scoring.DecisionPass {
		t.Fatalf("without an agent: decision %s, want pass", res.Decision)
	}
	res := run(map[string]string{"CLAUDECODE": "1"})
	if res.Decision != scoring.DecisionSignoffRequired || res.Assessment.Threshold != 3 {
		t.Fatalf("run by Claude Code: decision %s, threshold %d; want signoff_required at 3", res.Decision, res.Assessment.Threshold)
	}
	want := "AI-assisted change (run by Claude Code (CLAUDECODE is set)): the stricter ai_assisted threshold 3 applies"
	found := false
	for _, n := range res.Assessment.Notes {
		found = found || n == want
	}
	if !found {
		t.Errorf("notes %q lack %q", res.Assessment.Notes, want)
	}
}
