package report

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/scoring/policy"
)

// The golden files are rewritten with `go test ./report -run Graph -update`.

func graphFixture(t *testing.T, fixture string) *plan.Plan {
	t.Helper()
	plans, err := planjson.Load(filepath.Join("..", "fixtures", fixture, "plan.json"), planjson.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A stable source, whatever the working directory.
	plans[0].Source = fixture + "/plan.json"
	return plans[0]
}

func graphGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	checkGolden(t, filepath.Join("testdata", "graph", name), got)
}

func TestGraphGolden(t *testing.T) {
	noConfig := func(t *testing.T) *plan.Plan {
		p := graphFixture(t, "graph-refs")
		p.Config, p.HasConfiguration = nil, false
		return p
	}
	cases := []struct {
		name  string
		plans func(t *testing.T) []*plan.Plan
		opts  GraphOptions
	}{
		{"graph-modules", func(t *testing.T) []*plan.Plan { return []*plan.Plan{graphFixture(t, "graph-modules")} }, GraphOptions{}},
		{"graph-modules-radius", func(t *testing.T) []*plan.Plan { return []*plan.Plan{graphFixture(t, "graph-modules")} }, GraphOptions{Radius: true}},
		{"nested-modules", func(t *testing.T) []*plan.Plan { return []*plan.Plan{graphFixture(t, "nested-modules")} }, GraphOptions{}},
		{"demo-teardown-radius", func(t *testing.T) []*plan.Plan { return []*plan.Plan{graphFixture(t, "demo-teardown")} }, GraphOptions{Radius: true}},
		{"graph-refs", func(t *testing.T) []*plan.Plan { return []*plan.Plan{graphFixture(t, "graph-refs")} }, GraphOptions{}},
		{"graph-refs-capped", func(t *testing.T) []*plan.Plan { return []*plan.Plan{graphFixture(t, "graph-refs")} }, GraphOptions{MaxNodes: 6}},
		{"no-configuration", func(t *testing.T) []*plan.Plan { return []*plan.Plan{noConfig(t)} }, GraphOptions{}},
		{"two-plans-radius", func(t *testing.T) []*plan.Plan {
			return []*plan.Plan{graphFixture(t, "replace"), graphFixture(t, "count-shrink")}
		}, GraphOptions{Radius: true}},
		{"update-radius", func(t *testing.T) []*plan.Plan { return []*plan.Plan{graphFixture(t, "update")} }, GraphOptions{Radius: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plans := c.plans(t)
			var dot, mmd bytes.Buffer
			if err := WriteDOT(&dot, plans, c.opts); err != nil {
				t.Fatal(err)
			}
			if err := WriteMermaid(&mmd, plans, c.opts); err != nil {
				t.Fatal(err)
			}
			graphGolden(t, c.name+".dot", dot.Bytes())
			graphGolden(t, c.name+".mmd", mmd.Bytes())

			// The same input gives the same bytes.
			var again bytes.Buffer
			if err := WriteDOT(&again, c.plans(t), c.opts); err != nil || !bytes.Equal(again.Bytes(), dot.Bytes()) {
				t.Errorf("a second rendering differs (err %v)", err)
			}
		})
	}
}

var graphDOTEdge = regexp.MustCompile(`^  ("(?:[^"\\]|\\.)*") -> ("(?:[^"\\]|\\.)*");$`)

// TestGraphDOTEdgesAreTheGraph checks the DOT output against the graph package's
// graph edge for edge: every `"A" -> "B"` is "A depends on B", with full
// instance addresses, and none is missing.
func TestGraphDOTEdgesAreTheGraph(t *testing.T) {
	for _, fixture := range []string{"graph-modules", "nested-modules", "graph-refs", "demo-teardown"} {
		p := graphFixture(t, fixture)
		var out bytes.Buffer
		if err := WriteDOT(&out, []*plan.Plan{p}, GraphOptions{}); err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, line := range strings.Split(out.String(), "\n") {
			if m := graphDOTEdge.FindStringSubmatch(line); m != nil {
				got[graphUnquote(m[1])+" -> "+graphUnquote(m[2])] = true
			}
		}
		g := graph.Build(p)
		want := 0
		for _, n := range g.Nodes() {
			for _, d := range g.DependsOn(n) {
				want++
				// The arrow goes the way the damage spreads: from the
				// dependency to its dependent.
				if !got[d+" -> "+n] {
					t.Errorf("%s: edge %s -> %s missing from the DOT output", fixture, d, n)
				}
			}
		}
		if len(got) != want {
			t.Errorf("%s: %d edges written, the graph has %d", fixture, len(got), want)
		}
	}
}

func graphUnquote(s string) string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, `"`), `"`)
	return strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(s)
}

// TestGraphMermaidCap checks that a big graph stays under the cap and says
// what it left out, keeping the destroyed resources first.
func TestGraphMermaidCap(t *testing.T) {
	p := graphFixture(t, "demo-teardown")
	var out bytes.Buffer
	if err := WriteMermaid(&out, []*plan.Plan{p}, GraphOptions{MaxNodes: 5}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	nodes := regexp.MustCompile(`(?m)^\s+n\d+\[`).FindAllString(s, -1)
	if len(nodes) != 5 {
		t.Errorf("%d nodes drawn, cap 5:\n%s", len(nodes), s)
	}
	if !strings.Contains(s, "%% left out: 16 of 21 resources (12 of them destroyed or in a blast radius), capped at 5") ||
		!strings.Contains(s, `more["… and 16 more resources, 12 of them destroyed or in a blast radius"]`) {
		t.Errorf("the capped picture does not say what it left out:\n%s", s)
	}
	if strings.Count(s, "class legend0,n0,n1,n2,n3,n4 destroy") != 1 {
		t.Errorf("the kept nodes are not the destroyed ones:\n%s", s)
	}
}

// TestGraphNeverPrintsValues renders every fixture and checks that no
// attribute value of the plans reaches the output.
func TestGraphNeverPrintsValues(t *testing.T) {
	secrets := []string{"10.20.0.0/16", "db.r6g.2xlarge", "m6i.xlarge", "example-org-central-logs", "vpc-0a1b2c3d4e5f60718",
		"peer-0f1e2d3c", "postgres", "legacy-cache", "standalone", "cron(0 3"}
	for _, fixture := range []string{"demo-teardown", "graph-modules", "graph-refs", "nested-modules"} {
		p := graphFixture(t, fixture)
		for _, write := range []func(*bytes.Buffer) error{
			func(b *bytes.Buffer) error { return WriteDOT(b, []*plan.Plan{p}, GraphOptions{}) },
			func(b *bytes.Buffer) error { return WriteMermaid(b, []*plan.Plan{p}, GraphOptions{MaxNodes: -1}) },
		} {
			var b bytes.Buffer
			if err := write(&b); err != nil {
				t.Fatal(err)
			}
			for _, s := range secrets {
				if strings.Contains(b.String(), s) {
					t.Errorf("%s: the graph output holds the value %q", fixture, s)
				}
			}
		}
	}
}

// blast check's report draws the graphs scoring measured, and draws them as
// blast graph does; the graph formats are in the one registry, apart from
// blast check's.
func TestGraphFormatsDrawTheAssessedGraphs(t *testing.T) {
	p := graphFixture(t, "demo-teardown")
	g := graph.Build(p)
	a := scoring.Assess([]*plan.Plan{p}, []*graph.Graph{g}, policy.Default(), scoring.Options{})
	r := New(a, scoring.Gate(a, 0))
	if len(r.graphs) != 1 || r.graphs[0] != g {
		t.Fatal("the report does not keep the assessment's graph")
	}
	for _, format := range GraphFormats() {
		opts := GraphOptions{Radius: true}
		got, err := Render(r, format, Options{Graph: opts})
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		write := WriteDOT
		if format == "mermaid" {
			write = WriteMermaid
		}
		if err := write(&want, []*plan.Plan{p}, opts); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s: the assessed graph draws otherwise than blast graph:\n%s", format, firstDiff(want.Bytes(), got))
		}
		if HasFormat(format) || !HasGraphFormat(format) {
			t.Errorf("%s: a format of blast check", format)
		}
	}
	if strings.Join(GraphFormats(), " ") != "dot mermaid" {
		t.Errorf("graph formats %v", GraphFormats())
	}
}
