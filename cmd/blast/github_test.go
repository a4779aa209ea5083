package main

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/report"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/scoring/policy"
)

func fixtureReport(t *testing.T, name string) *report.Report {
	t.Helper()
	plans, err := planjson.Load(filepath.Join("..", "..", "fixtures", name, "plan.json"), planjson.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := scoring.Assess(plans, nil, policy.Default(), scoring.Options{})
	return report.New(a, scoring.Gate(a, 0))
}

func TestAppendStepSummary(t *testing.T) {
	r := fixtureReport(t, "demo-teardown")
	md, err := report.Render(r, "markdown", report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "step_summary")
	// The runner's file may already hold what earlier steps wrote.
	if err := os.WriteFile(path, []byte("# earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := appendStepSummary(path, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "# earlier step\n" + string(md) + "\n" + string(md) + "\n"
	if string(got) != want {
		t.Errorf("the step summary holds %d bytes, want the earlier step and the report twice (%d bytes)", len(got), len(want))
	}

	// Not on GitHub: nothing to do.
	if err := appendStepSummary("", r); err != nil {
		t.Errorf("no step summary: %v", err)
	}
	// A path that cannot be written is an error that says what failed.
	err = appendStepSummary(filepath.Join(t.TempDir(), "missing", "summary"), r)
	if err == nil || !strings.Contains(err.Error(), "GITHUB_STEP_SUMMARY") {
		t.Errorf("unwritable step summary: %v", err)
	}
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestActionMetadata reads action.yml as GitHub does and checks it against
// what the README and docs/integrations.md promise. (actionlint, run by make
// lint, checks the workflows that use it.)
func TestActionMetadata(t *testing.T) {
	var action struct {
		Name   string `yaml:"name"`
		Inputs map[string]struct {
			Description string `yaml:"description"`
			Required    bool   `yaml:"required"`
			Default     string `yaml:"default"`
		} `yaml:"inputs"`
		Outputs map[string]struct {
			Description string `yaml:"description"`
			Value       string `yaml:"value"`
		} `yaml:"outputs"`
		Runs struct {
			Using string `yaml:"using"`
			Steps []struct {
				ID    string            `yaml:"id"`
				Name  string            `yaml:"name"`
				Uses  string            `yaml:"uses"`
				Run   string            `yaml:"run"`
				Shell string            `yaml:"shell"`
				Env   map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	readYAML(t, "action.yml", &action)
	if action.Runs.Using != "composite" {
		t.Errorf("runs.using %q, want composite", action.Runs.Using)
	}
	if in, ok := action.Inputs["plan"]; !ok || !in.Required {
		t.Error("no required plan input")
	}
	for name, in := range action.Inputs {
		if in.Description == "" {
			t.Errorf("input %s has no description", name)
		}
	}
	for _, s := range action.Runs.Steps {
		if s.Run != "" && s.Shell == "" {
			t.Errorf("step %q runs a script without a shell (composite steps need one)", s.Name)
		}
		// Inputs reach scripts through env, never spliced into the script.
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %q splices an expression into its script", s.Name)
		}
	}
	steps := map[string]bool{}
	for _, s := range action.Runs.Steps {
		if s.ID != "" {
			steps[s.ID] = true
		}
	}
	outRef := regexp.MustCompile(`^\$\{\{ steps\.([a-z-]+)\.outputs\.([a-z-]+) \}\}$`)
	for name, out := range action.Outputs {
		m := outRef.FindStringSubmatch(out.Value)
		if m == nil || !steps[m[1]] {
			t.Errorf("output %s: value %q does not name a step's output", name, out.Value)
		}
	}

	// The README's CI recipes list the inputs and outputs: the same ones.
	readme := readText(t, "README.md")
	i := strings.Index(readme, "## CI recipes")
	if i < 0 {
		t.Fatal("README has no CI recipes section")
	}
	section := readme[i:]
	listed := func(label string) []string {
		m := regexp.MustCompile(label + `: ([^.]*)\.`).FindStringSubmatch(section)
		if m == nil {
			t.Fatalf("the README's CI recipes list no %s", label)
		}
		var names []string
		for _, n := range regexp.MustCompile("`([a-z-]+)`").FindAllStringSubmatch(m[1], -1) {
			names = append(names, n[1])
		}
		sort.Strings(names)
		return names
	}
	if got, want := listed("Inputs"), sortedKeys(action.Inputs); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("README lists inputs %v, action.yml has %v", got, want)
	}
	if got, want := listed("Outputs"), sortedKeys(action.Outputs); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("README lists outputs %v, action.yml has %v", got, want)
	}

	// docs/integrations.md has a table row for each.
	docs := readText(t, "docs/integrations.md")
	for _, name := range append(sortedKeys(action.Inputs), sortedKeys(action.Outputs)...) {
		if !strings.Contains(docs, "| `"+name+"` |") {
			t.Errorf("docs/integrations.md has no table row for %s", name)
		}
	}
	// And shows the example workflow exactly as it is in the repository.
	example := readText(t, "examples/github/blast.yml")
	if !strings.Contains(docs, "```yaml\n"+example+"```\n") {
		t.Error("docs/integrations.md does not show examples/github/blast.yml as it is")
	}
}

// TestGitLabTemplate checks that the template job writes the JUnit file it
// publishes and posts the markdown it writes.
func TestGitLabTemplate(t *testing.T) {
	var tmpl map[string]struct {
		Image     string            `yaml:"image"`
		Variables map[string]string `yaml:"variables"`
		Script    []string          `yaml:"script"`
		Artifacts struct {
			When    string   `yaml:"when"`
			Paths   []string `yaml:"paths"`
			Reports struct {
				JUnit string `yaml:"junit"`
			} `yaml:"reports"`
		} `yaml:"artifacts"`
	}
	readYAML(t, "ci/gitlab/blast.gitlab-ci.yml", &tmpl)
	job, ok := tmpl[".blast"]
	if !ok {
		t.Fatal("no .blast job")
	}
	script := strings.Join(job.Script, "\n")
	if job.Artifacts.Reports.JUnit == "" || !strings.Contains(script, "--output "+job.Artifacts.Reports.JUnit+":junit") {
		t.Errorf("the JUnit report %q is not what blast writes", job.Artifacts.Reports.JUnit)
	}
	if job.Artifacts.When != "always" {
		t.Error("artifacts are not kept when the job fails, which is when they matter")
	}
	for _, p := range job.Artifacts.Paths {
		if !strings.Contains(script, p) {
			t.Errorf("artifact %s is never written", p)
		}
	}
	for _, want := range []string{"go install \"github.com/blast-dev/blast/cmd/blast@${BLAST_VERSION}\"", "GITLAB_TOKEN",
		"body@blast-note.md", "<!-- blast-report:", "exit $blast_code"} {
		if !strings.Contains(script, want) {
			t.Errorf("the script lacks %q", want)
		}
	}
	if report.MarkdownMarker("infra") != "<!-- blast-report:infra -->" {
		t.Errorf("the marker changed: update the GitLab template, action.yml and the docs")
	}
	for _, v := range []string{"BLAST_VERSION", "BLAST_PLAN", "BLAST_ARGS", "BLAST_NOTE"} {
		if _, ok := job.Variables[v]; !ok {
			t.Errorf("variable %s has no default", v)
		}
	}
}

func TestPreCommitHooks(t *testing.T) {
	var hooks []struct {
		ID            string `yaml:"id"`
		Name          string `yaml:"name"`
		Entry         string `yaml:"entry"`
		Language      string `yaml:"language"`
		Files         string `yaml:"files"`
		PassFilenames *bool  `yaml:"pass_filenames"`
	}
	readYAML(t, ".pre-commit-hooks.yaml", &hooks)
	byID := map[string]int{}
	for i, h := range hooks {
		byID[h.ID] = i
		if h.Name == "" || h.Entry == "" || h.Language == "" {
			t.Errorf("hook %q lacks name, entry or language", h.ID)
		}
		if _, err := regexp.Compile(h.Files); err != nil {
			t.Errorf("hook %s: files: %v", h.ID, err)
		}
	}
	i, ok := byID["blast"]
	if !ok {
		t.Fatal("no blast hook")
	}
	files := regexp.MustCompile(hooks[i].Files)
	for name, want := range map[string]bool{"plan.json": true, "infra/prod-plan.json": true, "tfplan.json": true, "package.json": false, "plan.json.bak": false} {
		if files.MatchString(name) != want {
			t.Errorf("blast hook on %s: %v, want %v", name, !want, want)
		}
	}
	j, ok := byID["blast-plan"]
	if !ok {
		t.Fatal("no blast-plan hook")
	}
	if !strings.Contains(hooks[j].Entry, "terraform plan") || !strings.Contains(hooks[j].Entry, `blast check "$@"`) {
		t.Errorf("blast-plan entry: %s", hooks[j].Entry)
	}
	if p := hooks[j].PassFilenames; p == nil || *p {
		t.Error("blast-plan must not be given file names: its arguments are a directory and flags")
	}
}
