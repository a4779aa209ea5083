package graph

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
)

// loadFixture loads fixtures/<name>/plan.json.
func loadFixture(t testing.TB, name string) *plan.Plan {
	t.Helper()
	plans, err := planjson.Load(filepath.Join("..", "fixtures", name, "plan.json"), planjson.Options{})
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
	a, err := plan.ParseAddress(s)
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
func configResources(m *plan.ConfigModule, prefix string, out map[string]bool) {
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
		a, err := plan.ParseAddress(n)
		if err != nil {
			continue
		}
		for _, d := range g.DependsOn(n) {
			b, err := plan.ParseAddress(d)
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
			g := Build(p)
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
		"instance-deps": {
			// Inside module env, audit and module.app (count 2, two servers
			// each) read terraform_data.key through a local: plan JSON has no
			// locals, and prior_state records module.env.terraform_data.key
			// without instance keys. Terraform evaluates local.key_name in the
			// env instance that holds it, so only env[0]'s readers depend on
			// env[0]'s key. consumer reads module.env[1].key, not env[0].
			"module.env[0].terraform_data.key": {
				unchanged: []string{
					"module.env[0].module.app[0].terraform_data.server[0]",
					"module.env[0].module.app[0].terraform_data.server[1]",
					"module.env[0].module.app[1].terraform_data.server[0]",
					"module.env[0].module.app[1].terraform_data.server[1]",
					"module.env[0].terraform_data.audit",
				},
			},
			// The same module nested one level deeper, under a for_each
			// module: prior_state says module.region.module.env.terraform_data.key.
			// region["eu"]'s edge reads module.env[0].key, not env[1].
			`module.region["eu"].module.env[1].terraform_data.key`: {
				unchanged: []string{
					`module.region["eu"].module.env[1].module.app[0].terraform_data.server[0]`,
					`module.region["eu"].module.env[1].module.app[0].terraform_data.server[1]`,
					`module.region["eu"].module.env[1].module.app[1].terraform_data.server[0]`,
					`module.region["eu"].module.env[1].module.app[1].terraform_data.server[1]`,
					`module.region["eu"].module.env[1].terraform_data.audit`,
				},
			},
			`module.region["us"].module.env[0].terraform_data.key`: {
				unchanged: []string{
					`module.region["us"].module.env[0].module.app[0].terraform_data.server[0]`,
					`module.region["us"].module.env[0].module.app[0].terraform_data.server[1]`,
					`module.region["us"].module.env[0].module.app[1].terraform_data.server[0]`,
					`module.region["us"].module.env[0].module.app[1].terraform_data.server[1]`,
					`module.region["us"].module.env[0].terraform_data.audit`,
					`module.region["us"].terraform_data.edge`,
				},
			},
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
			got := BlastRadius(p, Build(p))
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

func TestSubjectsDropTerraformsShorterForms(t *testing.T) {
	cases := []struct {
		refs []string
		want []string // rendered as kind:name[key].output
	}{
		// aws_instance.web[0].id comes with aws_instance.web[0] and aws_instance.web.
		{[]string{"aws_instance.web[0].id", "aws_instance.web[0]", "aws_instance.web"}, []string{"res:aws_instance.web[0]"}},
		{[]string{`aws_instance.web["a"].id`, `aws_instance.web["a"]`, "aws_instance.web", `aws_instance.web["b"]`},
			[]string{`res:aws_instance.web["a"]`, `res:aws_instance.web["b"]`}},
		// A splat or computed index: the resource alone, every instance.
		{[]string{"aws_instance.web"}, []string{"res:aws_instance.web"}},
		{[]string{"data.aws_ami.ubuntu.id", "data.aws_ami.ubuntu"}, []string{"res:data.aws_ami.ubuntu"}},
		// module.m[1].out["k"] comes with module.m[1].out and module.m[1].
		{[]string{`module.m[1].out["k"]`, "module.m[1].out", "module.m[1]"}, []string{"mod:m[1].out"}},
		{[]string{"module.m.out", "module.m"}, []string{"mod:m.out"}},
		// A whole module instance comes with the whole call.
		{[]string{"module.m[1]", "module.m"}, []string{"mod:m[1]"}},
		{[]string{"module.m"}, []string{"mod:m"}},
		{[]string{"var.x", "local.y", "count.index", "each.key", "path.module", "terraform.workspace", "self.id", "self"},
			[]string{"var:x"}},
		// Odd input never panics; an unreadable key counts as every instance.
		{[]string{"", ".", "module.", "data.", "data.x", "aws_instance", "aws_instance.", "module.m[", `x.y["unterminated`},
			[]string{"res:x.y", "mod:m"}},
	}
	render := func(r reference) string {
		s := map[refKind]string{refResource: "res", refModule: "mod", refVar: "var"}[r.kind] + ":" + r.name
		if r.key != "" {
			s += "[" + r.key + "]"
		}
		if r.output != "" {
			s += "." + r.output
		}
		return s
	}
	for _, c := range cases {
		subs, _ := subjects(c.refs)
		got := []string{}
		for _, s := range subs {
			got = append(got, render(s))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("subjects(%q)\n got %q\nwant %q", c.refs, got, c.want)
		}
	}
}

func FuzzSubjects(f *testing.F) {
	for _, s := range []string{"aws_instance.web[0].id", `module.m["a"].out[0]`, "var.x", "data.a.b", "local.z", `x.y["a\"b"]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		subs, _ := subjects([]string{s, s + ".x", "module." + s})
		for _, r := range subs {
			if r.kind == refResource && r.name == "" {
				t.Fatalf("%q: resource reference without a name", s)
			}
		}
	})
}

func TestGraphFallsBackToPriorState(t *testing.T) {
	p := loadFixture(t, "graph-refs")
	p.Config = nil
	p.HasConfiguration = false
	g := Build(p)
	if g.HasConfig() {
		t.Fatal("HasConfig true for a plan without configuration")
	}
	if len(g.Notes()) == 0 || !strings.Contains(g.Notes()[0], "no configuration") {
		t.Errorf("notes do not say the configuration is missing: %q", g.Notes())
	}
	// prior_state records configuration resources: every instance of them.
	if got, want := g.DependsOn("terraform_data.reader_one"), []string{
		"terraform_data.shard[0]", "terraform_data.shard[1]", "terraform_data.shard[2]"}; !slices.Equal(got, want) {
		t.Errorf("reader_one depends on %q, want %q", got, want)
	}
	r := BlastRadius(p, g)["terraform_data.legacy"]
	if !slices.Equal(r.Changed, []string{"terraform_data.keeper"}) {
		t.Errorf("legacy's radius without configuration: %+v", r)
	}
	// fresh is new, peer's read has no prior state: no edges for them, and
	// the graph says why.
	if len(g.DependsOn("terraform_data.fresh")) != 0 {
		t.Errorf("fresh has dependencies without configuration or state: %q", g.DependsOn("terraform_data.fresh"))
	}

	p.PriorDependsOn = nil
	g = Build(p)
	if g.NumEdges() != 0 || !strings.Contains(strings.Join(g.Notes(), "\n"), "no blast radius") {
		t.Errorf("no configuration, no state: %d edges, notes %q", g.NumEdges(), g.Notes())
	}
}

func TestGraphNotesLocals(t *testing.T) {
	g := Build(loadFixture(t, "graph-refs"))
	if notes := strings.Join(g.Notes(), "\n"); !strings.Contains(notes, "local values") {
		t.Errorf("no note about locals: %q", notes)
	}
	if notes := Build(loadFixture(t, "replace")).Notes(); len(notes) != 0 {
		t.Errorf("notes for a plain plan: %q", notes)
	}
}

func TestGraphDeposedSharesItsAddress(t *testing.T) {
	p := &plan.Plan{
		Changes: []plan.Change{
			{Address: "aws_instance.app", Type: "aws_instance", Kind: plan.KindUpdate},
			{Address: "aws_instance.db", Type: "aws_instance", Kind: plan.KindCreate},
			{Address: "aws_instance.db", Type: "aws_instance", Kind: plan.KindDelete, Deposed: "00aa"},
			{Address: "aws_instance.old", Type: "aws_instance", Kind: plan.KindDelete, Deposed: "00bb"},
		},
		Config: &plan.Config{Root: &plan.ConfigModule{Resources: []plan.ConfigResource{
			{Address: "aws_instance.app", Mode: "managed", Type: "aws_instance", References: []string{"aws_instance.db.id", "aws_instance.db"}},
			{Address: "aws_instance.db", Mode: "managed", Type: "aws_instance"},
		}}},
		PriorDependsOn: map[string][]string{"aws_instance.app": {"aws_instance.db", "aws_instance.old"}},
		Instances:      []string{"aws_instance.app", "aws_instance.db"},
	}
	g := Build(p)
	if got := g.Nodes(); !slices.Equal(got, []string{"aws_instance.app", "aws_instance.db", "aws_instance.old"}) {
		t.Fatalf("nodes %q", got)
	}
	r := BlastRadius(p, g)
	for _, k := range []string{"aws_instance.db (deposed 00aa)", "aws_instance.old (deposed 00bb)"} {
		if !slices.Equal(r[k].Changed, []string{"aws_instance.app"}) || len(r[k].Unchanged) != 0 {
			t.Errorf("%s: radius %+v, want app changed", k, r[k])
		}
	}
	if _, ok := r["aws_instance.db"]; ok {
		t.Error("the create of db has a radius")
	}
}

// TestGraphModuleInstances checks var resolution per module instance on a
// configuration written in code: module.a[k] passes its own b[k] to
// module.inner, whose resource must depend on that one instance only.
func TestGraphModuleInstances(t *testing.T) {
	inner := &plan.ConfigModule{Resources: []plan.ConfigResource{
		{Address: "x.leaf", Mode: "managed", Type: "x", References: []string{"var.in"}},
	}}
	a := &plan.ConfigModule{
		Resources: []plan.ConfigResource{{Address: "x.b", Mode: "managed", Type: "x", References: []string{"var.top", "count.index"}}},
		ModuleCalls: map[string]*plan.ConfigModuleCall{"inner": {
			Inputs: map[string][]string{"in": {"x.b.id", "x.b"}}, Module: inner,
		}},
		Outputs: map[string][]string{"leaf": {"module.inner.leaf"}},
	}
	root := &plan.ConfigModule{
		Resources: []plan.ConfigResource{
			{Address: "x.top", Mode: "managed", Type: "x"},
			{Address: "x.gate", Mode: "managed", Type: "x"},
			{Address: "x.reads_a1", Mode: "managed", Type: "x", References: []string{"module.a[1].b_id", "module.a[1]"}},
		},
		ModuleCalls: map[string]*plan.ConfigModuleCall{"a": {
			Inputs: map[string][]string{"top": {"x.top.id", "x.top"}}, Repetition: []string{"x.gate.n", "x.gate"}, Module: a,
		}},
	}
	a.Outputs["b_id"] = []string{"x.b.id", "x.b"}
	p := &plan.Plan{Config: &plan.Config{Root: root}, Instances: []string{
		"x.top", "x.gate", "x.reads_a1",
		"module.a[0].x.b", "module.a[1].x.b",
		"module.a[0].module.inner.x.leaf", "module.a[1].module.inner.x.leaf",
	}}
	g := Build(p)
	want := map[string][]string{
		"module.a[0].module.inner.x.leaf": {"module.a[0].x.b", "x.gate"},
		"module.a[1].module.inner.x.leaf": {"module.a[1].x.b", "x.gate"},
		"module.a[1].x.b":                 {"x.gate", "x.top"},
		"x.reads_a1":                      {"module.a[1].x.b", "x.gate"},
		"x.top":                           {},
	}
	for n, w := range want {
		if got := g.DependsOn(n); !slices.Equal(got, w) && !(len(got) == 0 && len(w) == 0) {
			t.Errorf("%s depends on %q, want %q", n, got, w)
		}
	}
	if got := g.Dependents("module.a[0].x.b"); !slices.Equal(got, []string{"module.a[0].module.inner.x.leaf"}) {
		t.Errorf("dependents of a[0].b: %q", got)
	}
}

func TestCorpusPlansBuildGraphs(t *testing.T) {
	files := corpusFiles(t, "plans")
	withConfig, without := 0, 0
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			plans, err := planjson.Load(f, planjson.Options{})
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			for _, p := range plans {
				g := Build(p)
				if g.HasConfig() != (p.Config != nil) {
					t.Errorf("HasConfig %v, configuration present %v", g.HasConfig(), p.Config != nil)
				}
				if g.HasConfig() {
					withConfig++
				} else {
					without++
					if len(g.Notes()) == 0 {
						t.Error("a plan without configuration and no note about it")
					}
				}
				edges := 0
				for _, n := range g.Nodes() {
					deps := g.DependsOn(n)
					edges += len(deps)
					if !slices.IsSorted(deps) || slices.Contains(deps, n) {
						t.Errorf("%s: dependencies unsorted or on itself: %q", n, deps)
					}
					for _, d := range deps {
						if !slices.Contains(g.Dependents(d), n) {
							t.Errorf("%s -> %s: not in %s's dependents", n, d, d)
						}
					}
				}
				if edges != g.NumEdges() {
					t.Errorf("NumEdges %d, adjacency lists hold %d", g.NumEdges(), edges)
				}
				for key, r := range BlastRadius(p, g) {
					all := append(slices.Clone(r.Changed), r.Unchanged...)
					addr, _, _ := strings.Cut(key, " (deposed ")
					if !slices.IsSorted(r.Changed) || !slices.IsSorted(r.Unchanged) || slices.Contains(all, addr) {
						t.Errorf("%s: radius unsorted or holding itself: %+v", key, r)
					}
				}
			}
		})
	}
	t.Logf("%d plans with configuration, %d without (prior_state fallback)", withConfig, without)
}

// syntheticPlan is a configuration of the shape real estates have, written
// in code: a root aws_vpc.main (count 10) and module.svc (count modules),
// each instance holding `resources` resource blocks of count 10. Block k
// reads var.vpc_id (vpc[0] in the parent), block k-1's instance [0], and for
// even k every instance of block k-2. prior_state records, for every
// instance, all the blocks before it and the VPC, as Terraform does.
// modules=100, resources=15: 15,010 instances, 99,000 edges.
func syntheticPlan(modules, resources int) *plan.Plan {
	svc := &plan.ConfigModule{}
	for k := 0; k < resources; k++ {
		refs := []string{"var.vpc_id", "count.index"}
		if k > 0 {
			refs = append(refs, fmt.Sprintf("aws_instance.r%d[0].id", k-1), fmt.Sprintf("aws_instance.r%d[0]", k-1), fmt.Sprintf("aws_instance.r%d", k-1))
		}
		if k >= 2 && k%2 == 0 {
			refs = append(refs, fmt.Sprintf("aws_instance.r%d", k-2))
		}
		svc.Resources = append(svc.Resources, plan.ConfigResource{Address: fmt.Sprintf("aws_instance.r%d", k), Mode: "managed", Type: "aws_instance", References: refs})
	}
	root := &plan.ConfigModule{
		Resources: []plan.ConfigResource{{Address: "aws_vpc.main", Mode: "managed", Type: "aws_vpc"}},
		ModuleCalls: map[string]*plan.ConfigModuleCall{"svc": {
			Inputs: map[string][]string{"vpc_id": {"aws_vpc.main[0].id", "aws_vpc.main[0]", "aws_vpc.main"}},
			Module: svc,
		}},
	}
	p := &plan.Plan{Config: &plan.Config{Root: root}, PriorDependsOn: map[string][]string{}}
	for i := 0; i < 10; i++ {
		p.Instances = append(p.Instances, fmt.Sprintf("aws_vpc.main[%d]", i))
	}
	for m := 0; m < modules; m++ {
		for k := 0; k < resources; k++ {
			deps := []string{"aws_vpc.main"}
			for j := 0; j < k; j++ {
				deps = append(deps, fmt.Sprintf("module.svc.aws_instance.r%d", j))
			}
			for i := 0; i < 10; i++ {
				addr := fmt.Sprintf("module.svc[%d].aws_instance.r%d[%d]", m, k, i)
				p.Instances = append(p.Instances, addr)
				p.PriorDependsOn[addr] = deps
				p.Changes = append(p.Changes, plan.Change{Address: addr, Type: "aws_instance", Kind: plan.KindReplace})
			}
		}
	}
	sort.Strings(p.Instances)
	return p
}

func TestSyntheticPlanShape(t *testing.T) {
	g := Build(syntheticPlan(100, 15))
	if n, e := len(g.Nodes()), g.NumEdges(); n != 15010 || e != 99000 {
		t.Errorf("synthetic plan: %d nodes, %d edges; the benchmark expects 15010 and 99000", n, e)
	}
	// r2[5] of svc[3] reads r1[0] and every r0 of its own module instance, and vpc[0].
	want := []string{"aws_vpc.main[0]", "module.svc[3].aws_instance.r0[0]", "module.svc[3].aws_instance.r0[1]",
		"module.svc[3].aws_instance.r0[2]", "module.svc[3].aws_instance.r0[3]", "module.svc[3].aws_instance.r0[4]",
		"module.svc[3].aws_instance.r0[5]", "module.svc[3].aws_instance.r0[6]", "module.svc[3].aws_instance.r0[7]",
		"module.svc[3].aws_instance.r0[8]", "module.svc[3].aws_instance.r0[9]", "module.svc[3].aws_instance.r1[0]"}
	if got := g.DependsOn("module.svc[3].aws_instance.r2[5]"); !slices.Equal(got, want) {
		t.Errorf("r2[5] depends on\n%q\nwant\n%q", got, want)
	}
}

// BenchmarkBuildGraph: 15,010 instances, 99,000 edges, prior_state depends_on
// on every instance. Measured on a 2-core runner: about 28 ms and 14 MB per
// build (go test -run '^$' -bench Build -benchmem ./graph/).
func BenchmarkBuildGraph(b *testing.B) {
	p := syntheticPlan(100, 15)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Build(p)
	}
}

// BenchmarkBlastRadius: every one of the 15,000 module resources replaced,
// 15,000 reverse walks: about 50 ms.
func BenchmarkBlastRadius(b *testing.B) {
	p := syntheticPlan(100, 15)
	g := Build(p)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		BlastRadius(p, g)
	}
}

// flatPlan is 15,000 distinct resource blocks in the root module, each
// reading up to seven earlier ones (about 100,000 references), with
// prior_state recording the direct dependencies of each.
func flatPlan(n int) *plan.Plan {
	root := &plan.ConfigModule{}
	p := &plan.Plan{Config: &plan.Config{Root: root}, PriorDependsOn: map[string][]string{}}
	seed := uint32(1)
	next := func() uint32 { seed = seed*1664525 + 1013904223; return seed >> 8 }
	for i := 0; i < n; i++ {
		addr := fmt.Sprintf("aws_instance.r%05d", i)
		var refs, deps []string
		for k := 0; k < 7 && i > 0; k++ {
			d := fmt.Sprintf("aws_instance.r%05d", int(next())%i)
			refs = append(refs, d+".id", d)
			deps = append(deps, d)
		}
		root.Resources = append(root.Resources, plan.ConfigResource{Address: addr, Mode: "managed", Type: "aws_instance", References: refs})
		p.Instances = append(p.Instances, addr)
		p.PriorDependsOn[addr] = deps
	}
	return p
}

// BenchmarkBuildGraphFlat: 15,000 distinct resource blocks, 104,826 edges:
// about 115-145 ms and 46 MB per build on the same runner.
func BenchmarkBuildGraphFlat(b *testing.B) {
	p := flatPlan(15000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Build(p)
	}
	b.ReportMetric(float64(Build(p).NumEdges()), "edges")
}

const corpusDir = "../../shared/corpus"

// corpusFiles lists the shared corpus plans, skipping the test when the
// corpus is not beside the repository.
func corpusFiles(t testing.TB, sub string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(corpusDir, sub, "*.json"))
	if len(files) == 0 {
		t.Skipf("no corpus at %s: skipping", filepath.Join(corpusDir, sub))
	}
	return files
}

// uniqueSorted returns the distinct strings of s, sorted.
func uniqueSorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}
