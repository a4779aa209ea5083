package analyzer

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// loadFixture loads fixtures/<name>/plan.json.
func loadFixture(t testing.TB, name string) *Plan {
	t.Helper()
	plans, err := Load(filepath.Join("..", "fixtures", name, "plan.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return plans[0]
}

var dotEdge = regexp.MustCompile(`^\s*"([^"\\]*(?:\\.[^"\\]*)*)"\s*->\s*"([^"\\]*(?:\\.[^"\\]*)*)"`)

// dotNode turns a `terraform graph` node name into a configuration resource
// address, or "" for nodes that are not resources (providers, variables,
// outputs, module expansion and close nodes of older versions).
func dotNode(s string) string {
	s = strings.ReplaceAll(s, `\"`, `"`)
	s = strings.TrimPrefix(s, "[root] ")
	if i := strings.Index(s, " ("); i >= 0 {
		s = s[:i]
	}
	a, err := ParseAddress(s)
	if err != nil {
		return ""
	}
	switch a.Type {
	case "var", "local", "output", "provider", "path", "count", "each", "terraform", "meta":
		if a.Mode == "managed" {
			return ""
		}
	}
	return a.ConfigPath()
}

// readDOT reads the edges of a `terraform graph` file, every node name kept
// (non-resource nodes as "#"+name so that paths through them still count).
func readDOT(t *testing.T, file string) map[string][]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	edges := map[string][]string{}
	name := func(s string) string {
		if n := dotNode(s); n != "" {
			return n
		}
		return "#" + s
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := dotEdge.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		from, to := name(m[1]), name(m[2])
		edges[from] = append(edges[from], to)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return edges
}

// closure returns every pair "A -> B" such that B is reachable from A, both
// in keep.
func closure(edges map[string][]string, keep map[string]bool) map[string]bool {
	out := map[string]bool{}
	for from := range edges {
		if !keep[from] {
			continue
		}
		seen := map[string]bool{}
		stack := []string{from}
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, w := range edges[v] {
				if !seen[w] {
					seen[w] = true
					stack = append(stack, w)
				}
			}
		}
		for w := range seen {
			if keep[w] && w != from {
				out[from+" -> "+w] = true
			}
		}
	}
	return out
}

// configResources lists the configuration path of every resource block.
func configResources(m *ConfigModule, prefix string, out map[string]bool) {
	if m == nil {
		return
	}
	for _, r := range m.Resources {
		out[prefix+r.Address] = true
	}
	for name, c := range m.ModuleCalls {
		configResources(c.Module, prefix+"module."+name+".", out)
	}
}

// collapsed is blast's graph with instance keys removed.
func collapsed(g *Graph) map[string][]string {
	out := map[string][]string{}
	for _, n := range g.Nodes() {
		a, err := ParseAddress(n)
		if err != nil {
			continue
		}
		for _, d := range g.DependsOn(n) {
			b, err := ParseAddress(d)
			if err != nil {
				continue
			}
			out[a.ConfigPath()] = append(out[a.ConfigPath()], b.ConfigPath())
		}
	}
	return out
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// knownGaps are the pairs of `terraform graph`'s closure that blast cannot
// see, with the reason. The test fails if one of them stops being a gap, so
// that this list never outlives its reason.
var knownGaps = map[string]map[string]string{}

func TestGraphMatchesTerraformGraph(t *testing.T) {
	dots, _ := filepath.Glob(filepath.Join("..", "fixtures", "*", "graph.dot"))
	if len(dots) == 0 {
		t.Fatal("no fixtures with graph.dot")
	}
	for _, dot := range dots {
		name := filepath.Base(filepath.Dir(dot))
		t.Run(name, func(t *testing.T) {
			p := loadFixture(t, name)
			if p.Config == nil {
				t.Fatal("fixture plan has no configuration")
			}
			keep := map[string]bool{}
			configResources(p.Config.Root, "", keep)
			want := closure(readDOT(t, dot), keep)
			g := BuildGraph(p)
			if !g.HasConfig() {
				t.Fatal("HasConfig false for a plan with configuration")
			}
			got := closure(collapsed(g), keep)
			gaps := knownGaps[name]
			for _, pair := range sortedSet(want) {
				if !got[pair] {
					if why, ok := gaps[pair]; ok {
						t.Logf("known gap %s: %s", pair, why)
						continue
					}
					t.Errorf("missing %s (terraform graph has it)", pair)
				} else if _, ok := gaps[pair]; ok {
					t.Errorf("%s is listed as a known gap but blast finds it: remove it from knownGaps", pair)
				}
			}
			for _, pair := range sortedSet(got) {
				if !want[pair] {
					t.Errorf("extra %s (terraform graph does not have it)", pair)
				}
			}
			for pair := range gaps {
				if !want[pair] {
					t.Errorf("known gap %s is not in terraform graph's closure", pair)
				}
			}
			t.Logf("%d nodes, %d edges; closure over %d configuration resources: %d pairs, terraform graph %d",
				len(g.Nodes()), g.NumEdges(), len(keep), len(got), len(want))
		})
	}
}

func TestGraphDump(t *testing.T) {
	for _, name := range []string{"graph-modules", "nested-modules", "demo-teardown"} {
		p := loadFixture(t, name)
		g := BuildGraph(p)
		for _, n := range g.Nodes() {
			t.Logf("%s: %s -> %v", name, n, g.DependsOn(n))
		}
		r := BlastRadius(p, g)
		keys := make([]string, 0, len(r))
		for k := range r {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			t.Logf("radius %s: changed %v unchanged %v", k, r[k].Changed, r[k].Unchanged)
		}
	}
}
