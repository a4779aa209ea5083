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
var knownGaps = map[string]map[string]string{
	"graph-refs": {
		"terraform_data.fresh -> terraform_data.shard": "fresh reads local.second, which reads local.first, which reads " +
			"terraform_data.shard[2]; plan JSON's configuration has no locals section, so the references stop at " +
			"local.second, and fresh is new, so prior_state has no depends_on for it either " +
			"(settled reads the same local but existed before: prior_state restores its edge)",
	},
}

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

// TestBlastRadiusByHand pins instance-level radii worked out by hand from
// each fixture's .tf files (see the comments), not from blast's output.
func TestBlastRadiusByHand(t *testing.T) {
	type radius struct{ changed, unchanged []string }
	cases := map[string]map[string]radius{
		"graph-modules": {
			// service["api"] of stack[1] reads module.store[0].volume_id; stack[1]'s
			// volume_ids reads module.service whole, and backup_policy reads
			// module.stack[1].volume_ids; audit reads module.stack[*] (the whole
			// module); module.observability has depends_on = [module.stack], and
			// inventory reads module.observability whole. Nothing of stack[0] or
			// of service["worker"] reads this volume.
			`module.stack[1].module.service["api"].module.store[0].terraform_data.volume`: {
				changed: []string{
					"module.observability.terraform_data.log_shipping",
					`module.stack[1].module.service["api"].terraform_data.service`,
					"terraform_data.backup_policy",
					"terraform_data.inventory",
				},
				unchanged: []string{
					"module.observability.data.terraform_remote_state.shared", // read: a data source re-read changes nothing
					"terraform_data.audit",
				},
			},
			`module.stack[1].module.service["api"].terraform_data.service`: {
				changed: []string{
					"module.observability.terraform_data.log_shipping",
					"terraform_data.backup_policy",
					"terraform_data.inventory",
				},
				unchanged: []string{
					"module.observability.data.terraform_remote_state.shared",
					"terraform_data.audit",
				},
			},
		},
		"nested-modules": {
			// backup[0] of the same db instance reads var.instance_id; app[1]'s
			// server reads module.db["primary"].endpoint of its own app instance;
			// load_balancer reads module.app[*] (whole module). app[0]'s server
			// and db["analytics"] do not read app[1]'s primary, although
			// prior_state records module-level depends_on for them.
			`module.app[1].module.db["primary"].terraform_data.instance`: {
				changed: []string{
					`module.app[1].module.db["primary"].module.backup[0].terraform_data.snapshot_schedule`,
					"module.app[1].terraform_data.server",
					"terraform_data.load_balancer",
				},
			},
		},
		"demo-teardown": {
			// nat_gateway names subnet_public["a"]; load_balancer reads every
			// subnet_public; dns_record reads load_balancer.
			`module.env.terraform_data.subnet_public["a"]`: {
				changed: []string{
					"module.env.terraform_data.dns_record",
					"module.env.terraform_data.load_balancer",
					"module.env.terraform_data.nat_gateway",
				},
			},
			`module.env.terraform_data.subnet_public["b"]`: {
				changed: []string{
					"module.env.terraform_data.dns_record",
					"module.env.terraform_data.load_balancer",
				},
			},
			// app_server[count.index] indexes subnet_private by a computed key:
			// every app server depends on both private subnets.
			`module.env.terraform_data.subnet_private["b"]`: {
				changed: []string{
					"module.env.terraform_data.app_server[0]",
					"module.env.terraform_data.app_server[1]",
					"module.env.terraform_data.app_server[2]",
					"module.env.terraform_data.cache",
					"module.env.terraform_data.database",
					"module.env.terraform_data.db_subnet_group",
					"module.env.terraform_data.dns_record",
					"module.env.terraform_data.load_balancer",
				},
			},
			"module.env.terraform_data.dns_record": {},
			"module.env.terraform_data.vpc": {
				changed: []string{
					"module.env.terraform_data.app_server[0]",
					"module.env.terraform_data.app_server[1]",
					"module.env.terraform_data.app_server[2]",
					"module.env.terraform_data.cache",
					"module.env.terraform_data.database",
					"module.env.terraform_data.db_subnet_group",
					"module.env.terraform_data.dns_record",
					"module.env.terraform_data.load_balancer",
					"module.env.terraform_data.nat_gateway",
					"module.env.terraform_data.security_group_app",
					"module.env.terraform_data.security_group_db",
					`module.env.terraform_data.subnet_private["a"]`,
					`module.env.terraform_data.subnet_private["b"]`,
					`module.env.terraform_data.subnet_public["a"]`,
					`module.env.terraform_data.subnet_public["b"]`,
				},
			},
		},
		"graph-refs": {
			// reader_all reads shard[*]; reader_dynamic indexes by count.index
			// (every shard); the data source has depends_on = [terraform_data.shard]
			// and peer_link reads it; settled reads shard[2] through locals,
			// which only prior_state records, at resource level (every shard).
			// reader_one names shard[0] only; fresh reads the locals too but is
			// new (the known gap).
			"terraform_data.shard[1]": {
				changed: []string{
					"terraform_data.peer_link",
					"terraform_data.reader_all",
					"terraform_data.reader_dynamic[1]",
				},
				unchanged: []string{
					"data.terraform_remote_state.peer",
					"terraform_data.reader_dynamic[0]",
					"terraform_data.settled",
				},
			},
			// zone["b"] goes down root -> outer -> inner as var.seed; reads_inner
			// reads module.outer[0].inner_id, an output that depends_on leaf;
			// after_outer has depends_on = [module.outer]. zone_a_record names
			// zone["a"] only.
			`terraform_data.zone["b"]`: {
				changed: []string{
					"module.outer[0].module.inner.terraform_data.leaf",
					"module.outer[1].module.inner.terraform_data.leaf",
				},
				unchanged: []string{
					"terraform_data.after_outer",
					"terraform_data.reads_inner",
				},
			},
			// legacy is gone from the configuration; keeper read it before, and
			// prior_state still says so.
			"terraform_data.legacy": {changed: []string{"terraform_data.keeper"}},
		},
		"count-shrink": {
			// worker reads queue, nothing reads worker.
			"terraform_data.worker[1]": {},
			"terraform_data.worker[2]": {},
		},
		"delete": {
			// app_server reads vpc, not cache.
			"terraform_data.cache": {},
		},
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			p := loadFixture(t, name)
			got := BlastRadius(p, BuildGraph(p))
			for key, w := range want {
				r, ok := got[key]
				if !ok {
					t.Errorf("%s: no radius (is it destructive?)", key)
					continue
				}
				if w.changed == nil {
					w.changed = []string{}
				}
				if w.unchanged == nil {
					w.unchanged = []string{}
				}
				if !slices.Equal(r.Changed, w.changed) {
					t.Errorf("%s: changed\n got %q\nwant %q", key, r.Changed, w.changed)
				}
				if !slices.Equal(r.Unchanged, w.unchanged) {
					t.Errorf("%s: unchanged\n got %q\nwant %q", key, r.Unchanged, w.unchanged)
				}
			}
			for _, c := range p.Changes {
				if _, ok := got[c.Key()]; ok != c.Kind.Destructive() {
					t.Errorf("%s (%s): radius present %v", c.Key(), c.Kind, ok)
				}
			}
		})
	}
}
