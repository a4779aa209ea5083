package report

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/scoring/policy"
)

// mermaidCheckDir holds the node script that parses mermaid with mermaid's
// own parser; npm ci there installs it (.ci/run does).
var mermaidCheckDir = filepath.Join("..", "scripts", "mermaid-check")

// mermaidPlans are the plans whose mermaid is checked: every fixture and
// every plan of the shared corpus (../shared/corpus, beside the checkout,
// when it is there), each under its own blast.yml when it has one.
func mermaidPlans(t *testing.T) map[string]*Report {
	t.Helper()
	var paths []string
	fx, _ := filepath.Glob(filepath.Join("..", "fixtures", "*", "plan.json"))
	paths = append(paths, fx...)
	for _, dir := range []string{"plans", "other"} {
		c, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", dir, "*.json"))
		paths = append(paths, c...)
	}
	out := map[string]*Report{}
	for _, p := range paths {
		pol := policy.Default()
		if b := filepath.Join(filepath.Dir(p), "blast.yml"); fileExists(b) {
			var err error
			if pol, err = policy.Load(b, scoring.RuleIDs()); err != nil {
				t.Fatal(err)
			}
		}
		plans, err := planjson.Load(p, planjson.Options{})
		if err != nil {
			continue // the corpus holds plans blast refuses, with reason
		}
		graphs := make([]*graph.Graph, len(plans))
		for i, pl := range plans {
			graphs[i] = graph.Build(pl)
		}
		a := scoring.Assess(plans, graphs, pol, scoring.Options{})
		out[filepath.Base(filepath.Dir(p))+"__"+filepath.Base(p)] = New(a, scoring.Gate(a, 0))
	}
	return out
}

var mermaidBlockRE = regexp.MustCompile("(?s)```mermaid\n(.*?)```\n")

// TestMermaidParses parses every mermaid diagram blast writes, in the
// markdown report and in blast graph (whole and --radius), on every fixture,
// the shared corpus, a generated 15,000-resource plan and the hostile
// addresses, with mermaid 11's own parser under node, and checks mermaid's
// default limits (maxEdges 500, maxTextSize 50,000): GitHub shows an error
// box instead of a picture that breaks either.
func TestMermaidParses(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH: mermaid's parser cannot run (CI has it)")
	}
	if _, err := os.Stat(filepath.Join(mermaidCheckDir, "node_modules", "mermaid")); err != nil {
		t.Skipf("mermaid is not installed: run npm ci --ignore-scripts in %s", mermaidCheckDir)
	}
	reports := mermaidPlans(t)
	reports["hostile-addresses"] = hostileReport()
	if !testing.Short() {
		reports["plan-15000"] = bigPlanReport(t)
	}
	dir := t.TempDir()
	var files []string
	write := func(name string, text []byte) {
		f := filepath.Join(dir, fmt.Sprintf("%03d-%s.mmd", len(files), strings.NewReplacer("/", "_").Replace(name)))
		if err := os.WriteFile(f, text, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	withPicture := 0
	for name, r := range reports {
		md, err := Render(r, "markdown", Options{Markdown: MarkdownOptions{All: true}})
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range mermaidBlockRE.FindAllSubmatch(md, -1) {
			write(fmt.Sprintf("%s.markdown%d", name, i), m[1])
			withPicture++
		}
		if len(r.plans) == 0 {
			continue // made by hand: no graph to draw
		}
		for _, radius := range []bool{false, true} {
			g, err := Render(r, "mermaid", Options{Graph: GraphOptions{Radius: radius}})
			if err != nil {
				t.Fatal(err)
			}
			write(fmt.Sprintf("%s.graph-radius-%v", name, radius), g)
		}
	}
	cmd := exec.Command(node, append([]string{filepath.Join(mermaidCheckDir, "check.mjs")}, files...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	ok := 0
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		switch {
		case strings.HasPrefix(line, "ok "):
			ok++
		case line != "":
			t.Error(line)
		}
	}
	if ok != len(files) {
		t.Errorf("%d of %d diagrams parse (node: %v)\n%s", ok, len(files), runErr, stderr.String())
	}
	t.Logf("%d mermaid diagrams of %d plans parse within mermaid's limits; %d markdown reports carry a picture", ok, len(reports), withPicture)
}
