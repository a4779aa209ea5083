package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/report"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/scoring/policy"
)

func fixtureReport(t *testing.T, name string) *report.Report {
	t.Helper()
	plans, err := planjson.Load(filepath.Join("..", "fixtures", name, "plan.json"), planjson.Options{})
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
		if err := AppendStepSummary(path, r); err != nil {
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
	if err := AppendStepSummary("", r); err != nil {
		t.Errorf("no step summary: %v", err)
	}
	// A path that cannot be written is an error that says what failed.
	err = AppendStepSummary(filepath.Join(t.TempDir(), "missing", "summary"), r)
	if err == nil || !strings.Contains(err.Error(), "GITHUB_STEP_SUMMARY") {
		t.Errorf("unwritable step summary: %v", err)
	}
}

func TestParseOutputs(t *testing.T) {
	outs, err := parseOutputs([]string{"c:/r.md:markdown", "r.json:json"})
	if err != nil || len(outs) != 2 || outs[0] != (Output{"c:/r.md", "markdown"}) || outs[1] != (Output{"r.json", "json"}) {
		t.Errorf("ParseOutputs: %v, %v", outs, err)
	}
	for _, bad := range []string{"r.md", ":markdown", "r.md:", "r.md:pdf"} {
		if _, err := parseOutputs([]string{bad}); err == nil || Hint(err) == "" {
			t.Errorf("--output %q: %v, want an error with a hint", bad, err)
		}
	}
	if _, err := ParseReportOutputs("pdf", nil); err == nil || Hint(err) == "" {
		t.Errorf("--format pdf: %v, want an error with a hint", err)
	}
}

func TestWriteReportAllOrNothing(t *testing.T) {
	r := fixtureReport(t, "update")
	dir := t.TempDir()
	var out strings.Builder
	to := ReportOutputs{Format: "json", Outputs: []Output{
		{filepath.Join(dir, "ok.json"), "json"},
		{filepath.Join(dir, "missing", "x.md"), "markdown"},
	}}
	if err := WriteReport(&out, r, to); err == nil || out.Len() != 0 {
		t.Errorf("error %v, wrote %d bytes to stdout", err, out.Len())
	}
	if _, err := os.Stat(filepath.Join(dir, "ok.json")); err == nil {
		t.Error("the first --output was written although the second failed")
	}
	to.Outputs = to.Outputs[:1]
	if err := WriteReport(&out, r, to); err != nil || out.Len() == 0 {
		t.Errorf("error %v, wrote %d bytes to stdout", err, out.Len())
	}
	if _, err := os.Stat(filepath.Join(dir, "ok.json")); err != nil {
		t.Error(err)
	}
}
