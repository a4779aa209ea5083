package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/blast-dev/blast/internal/sarif"
	"github.com/blast-dev/blast/scoring"
)

// sarifSchema compiles the official SARIF 2.1.0 schema kept beside the
// repository in shared/schemas; the test is skipped where it is absent.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	path := filepath.Join("..", "..", "shared", "schemas", "sarif-schema-2.1.0.json")
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("no SARIF schema at %s", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.AssertFormat()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func renderSARIF(t *testing.T, r *Report) (raw []byte, log sarif.Log) {
	t.Helper()
	raw, err := Render(r, "sarif", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &log); err != nil {
		t.Fatal(err)
	}
	return raw, log
}

// TestSARIFSchema validates the SARIF of every golden case, the hostile
// addresses among them, and of a 2,000-change report against the official
// schema.
func TestSARIFSchema(t *testing.T) {
	schema := sarifSchema(t)
	cases := goldenCases(t)
	cases["big"] = bigReport(2000, 0)
	for name, r := range cases {
		raw, _ := renderSARIF(t, r)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%s: not valid SARIF 2.1.0: %v", name, err)
		}
	}
	// A cut log, with its notification, is valid too.
	defer func(n int) { sarifMaxResults = n }(sarifMaxResults)
	sarifMaxResults = 5
	raw, log := renderSARIF(t, fixtureReport(t, "demo-teardown"))
	if len(log.Runs[0].Results) != 5 || len(log.Runs[0].Invocations) != 1 {
		t.Errorf("cut at 5: %d results, %d invocations", len(log.Runs[0].Results), len(log.Runs[0].Invocations))
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("cut log: not valid SARIF 2.1.0: %v", err)
	}
	sarifMaxResults = 25000

	// The schema does catch a bad log.
	raw, _ = renderSARIF(t, fixtureReport(t, "replace"))
	raw = bytes.Replace(raw, []byte(`"level": "note"`), []byte(`"level": "fatal"`), 1)
	doc, err = jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if schema.Validate(doc) == nil {
		t.Error("a result of level fatal passed the schema")
	}
}

// TestSARIFContent checks what code scanning reads: a rule for every
// result, levels from severity, locations by address, fingerprints that
// tell results apart and survive a re-plan.
func TestSARIFContent(t *testing.T) {
	r := fixtureReport(t, "demo-teardown")
	_, log := renderSARIF(t, r)
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %s, %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	destructive := r.Summary.Destructive()
	if len(run.Results) != len(r.Findings)+destructive {
		t.Errorf("%d results, want %d findings and %d destructive changes", len(run.Results), len(r.Findings), destructive)
	}
	ids := map[string]bool{}
	for _, rule := range run.Tool.Driver.Rules {
		if ids[rule.ID] {
			t.Errorf("rule %s twice", rule.ID)
		}
		ids[rule.ID] = true
	}
	for _, id := range []string{"destructive/delete", "destructive/replace", "destructive/replace_cbd", "environment-teardown"} {
		if !ids[id] {
			t.Errorf("no rule %s", id)
		}
	}
	fps := map[string]bool{}
	for i, res := range run.Results {
		if res.RuleIndex < 0 || res.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: rule index %d does not name %s", i, res.RuleIndex, res.RuleID)
		}
		fp := res.PartialFingerprints["blast/v1"]
		if fp == "" || fps[fp] {
			t.Errorf("result %d: fingerprint %q missing or not unique", i, fp)
		}
		fps[fp] = true
		loc := res.Locations[0]
		if loc.PhysicalLocation == nil || loc.PhysicalLocation.ArtifactLocation.URI != "fixtures/demo-teardown/plan.json" {
			t.Errorf("result %d: not located in the plan file: %+v", i, loc.PhysicalLocation)
		}
	}
	// Findings first, most severe first: the teardown is an error, and so is
	// every replace, each worth 25 points or more under the demo's policy.
	if res := run.Results[0]; res.RuleID != "environment-teardown" || res.Level != "error" {
		t.Errorf("first result %s %s, want environment-teardown error", res.RuleID, res.Level)
	}
	last := run.Results[len(run.Results)-1]
	if last.RuleID != "destructive/replace" || last.Level != "error" ||
		last.Locations[0].LogicalLocations[0].FullyQualifiedName != r.Changes[destructive-1].Address {
		t.Errorf("last result: %+v", last)
	}

	// The same addresses in another plan file name give the same
	// fingerprints: a re-plan keeps its alerts.
	other := fixtureReport(t, "demo-teardown")
	other.Plans[0].Source = "elsewhere/plan.json"
	_, log2 := renderSARIF(t, other)
	for i := range run.Results {
		if run.Results[i].PartialFingerprints["blast/v1"] != log2.Runs[0].Results[i].PartialFingerprints["blast/v1"] {
			t.Fatalf("result %d: the fingerprint depends on the plan's file name", i)
		}
	}
}

// TestSARIFResultLimit: code scanning rejects a run of more than 25,000
// results, and a 15,000-change teardown with a finding per change makes
// 30,000. The lowest-risk changes are cut and the run says how many. (Shown
// with a lower cap, to keep the test fast.)
func TestSARIFResultLimit(t *testing.T) {
	if sarifMaxResults != 25000 {
		t.Fatalf("the cap is %d, code scanning's is 25,000", sarifMaxResults)
	}
	defer func(n int) { sarifMaxResults = n }(sarifMaxResults)
	sarifMaxResults = 5000
	r := bigReport(3000, 0)
	_, log := renderSARIF(t, r)
	run := log.Runs[0]
	if len(run.Results) != 5000 {
		t.Fatalf("%d results, want 5,000", len(run.Results))
	}
	if run.Properties["omittedResults"] != float64(1000) || len(run.Invocations) != 1 ||
		!strings.HasPrefix(run.Invocations[0].ToolExecutionNotifications[0].Message.Text, "1000 lower-risk results left out") {
		t.Errorf("the cut is not reported: %v %+v", run.Properties, run.Invocations)
	}
	// Every finding is kept, then the riskiest changes.
	if run.Results[2999].RuleID != "data-loss" || run.Results[3000].Locations[0].LogicalLocations[0].FullyQualifiedName != r.Changes[0].Address {
		t.Error("the cut does not keep the findings and the riskiest changes")
	}
}

func TestSARIFLevels(t *testing.T) {
	for sev, want := range map[scoring.Severity]string{"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"} {
		if got := sarifLevel(sev); got != want {
			t.Errorf("%s: %s, want %s", sev, got, want)
		}
	}
	for risk, want := range map[float64]scoring.Severity{60: "high", 25: "high", 24.9: "medium", 5: "medium", 4.9: "low"} {
		if got := destructiveSeverity(Change{Risk: risk}, 50); got != want {
			t.Errorf("risk %v: %s, want %s", risk, got, want)
		}
	}
}

func TestSARIFPlanLocation(t *testing.T) {
	for src, want := range map[string]struct {
		uri  string
		line int
	}{
		"plan.json":               {"plan.json", 1},
		"./envs/prod/plan.json":   {"envs/prod/plan.json", 1},
		"stack plans.ndjson:3":    {"stack%20plans.ndjson", 3},
		"a:b.json":                {"./a:b.json", 1},
		"/abs/plan 1.json":        {"file:///abs/plan%201.json", 1},
		"-":                       {"", 0},
		"weird#name?.json":        {"weird%23name%3F.json", 1},
		"terragrunt.ndjson:12000": {"terragrunt.ndjson", 12000},
	} {
		uri, line := sarifPlanLocation(src)
		if uri != want.uri || line != want.line {
			t.Errorf("%q: %q line %d, want %q line %d", src, uri, line, want.uri, want.line)
		}
	}
}

func TestSARIFLocalName(t *testing.T) {
	for addr, want := range map[string]string{
		"aws_instance.web":                           "web",
		`module.a["x.y"].aws_instance.web["k.z"]`:    `web["k.z"]`,
		`aws_instance.web["a\"].b"]`:                 `web["a\"].b"]`,
		"module.app[2]":                              "app[2]",
		`module.a.module.b["q"].data.aws_ami.ubuntu`: "ubuntu",
	} {
		if got := sarifLocalName(addr); got != want {
			t.Errorf("%s: %q, want %q", addr, got, want)
		}
	}
	for addr, want := range map[string]bool{"module.env": true, `module.a["x.y"].module.b[1]`: true, "module.env.aws_instance.x": false, "aws_instance.x": false} {
		if got := isModuleAddress(addr); got != want {
			t.Errorf("isModuleAddress(%s) = %v", addr, got)
		}
	}
}
