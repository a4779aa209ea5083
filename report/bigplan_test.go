package report

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/blast-dev/blast/fixtures"
	"github.com/blast-dev/blast/fixtures/gen/scale"
	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/scoring/policy"
)

// The 15,000-resource plan of make bench-data (go run ./fixtures/gen -n
// 15000), made here from the generator with its fixed seed rather than
// committed: 110 MB. Attribute values are kept small, since the report never
// shows one; the changes, the graph and so the report are the same.
var big15k struct {
	once sync.Once
	r    *Report
	err  error
}

func bigPlanReport(t testing.TB) *Report {
	t.Helper()
	if testing.Short() {
		t.Skip("the 15,000-resource plan takes seconds to make: not with -short")
	}
	big15k.once.Do(func() {
		f, err := os.CreateTemp("", "plan-15000-*.json")
		if err != nil {
			big15k.err = err
			return
		}
		defer os.Remove(f.Name())
		if err := scale.Write(f, scale.Options{Resources: 15000, Seed: 1, Base: fixtures.DemoPlan, ValueBytes: 16}); err != nil {
			f.Close()
			big15k.err = err
			return
		}
		if err := f.Close(); err != nil {
			big15k.err = err
			return
		}
		plans, err := planjson.Load(f.Name(), planjson.Options{})
		if err != nil {
			big15k.err = err
			return
		}
		plans[0].Source = "bench-data/plan-15000.json"
		graphs := []*graph.Graph{graph.Build(plans[0])}
		a := scoring.Assess([]*plan.Plan{plans[0]}, graphs, policy.Default(), scoring.Options{})
		big15k.r = New(a, scoring.Gate(a, 0))
	})
	if big15k.err != nil {
		t.Fatal(big15k.err)
	}
	return big15k.r
}

// TestMarkdownGenerated15000 pins the comment on the generated 15,000
// resource plan: under GitHub's limit with a kilobyte to spare for the CI
// footer, the teardown and the data loss told first, and every critical
// finding whole.
func TestMarkdownGenerated15000(t *testing.T) {
	r := bigPlanReport(t)
	md := renderMD(t, r)
	if len(md) > mdBudget {
		t.Errorf("%d bytes, over %d (GitHub's %d less a kilobyte for the footer)", len(md), mdBudget, MarkdownLimit)
	}
	critical := 0
	for _, f := range r.Findings {
		if f.Severity != scoring.SeverityCritical {
			continue
		}
		critical++
		whole := strings.TrimPrefix(mdFindingItem(f, false, "", true), "- ")
		if !strings.Contains(md, whole) {
			t.Errorf("critical finding not whole: %s", whole)
		}
	}
	if critical < 50 {
		t.Errorf("only %d critical findings: the generator changed, the test no longer shows much", critical)
	}
	first := strings.Index(md, "### Findings")
	if first < 0 || first > strings.Index(md, "### The 20 riskiest") || !strings.Contains(md, "**7 instances of `module.shard` removed: ") {
		t.Error("the findings do not lead, or do not tell the seven module instances removed")
	}
	checkMarkdownShape(t, md)
	checkGolden(t, filepath.Join("testdata", "markdown", "plan-15000.md"), []byte(md))
}

// TestMarkdownCorpusGolden pins the comment on a plan of the shared corpus
// whose picture has edges; skipped where the corpus is not beside the
// checkout.
func TestMarkdownCorpusGolden(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "corpus", "plans", "mildwonkey__ministack__examples__plan.json")
	if !fileExists(path) {
		t.Skip("the shared corpus is not at ../shared/corpus")
	}
	plans, err := planjson.Load(path, planjson.Options{})
	if err != nil {
		t.Fatal(err)
	}
	plans[0].Source = "corpus/mildwonkey__ministack__examples__plan.json"
	a := scoring.Assess(plans, nil, policy.Default(), scoring.Options{})
	md := renderMD(t, New(a, scoring.Gate(a, 0)))
	if !strings.Contains(md, "```mermaid") {
		t.Error("no picture, though the radius has edges")
	}
	checkMarkdownShape(t, md)
	checkGolden(t, filepath.Join("testdata", "markdown", "corpus-ministack.md"), []byte(md))
}
