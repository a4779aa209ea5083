package graph

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/blast-dev/blast/plan"
)

// Graph is the dependency graph of one plan: its nodes are resource
// instances (data sources included) as the plan names them, and an edge goes
// from a dependent to what it depends on. A deposed object shares the node of
// its address. Build one with Build; a Graph is read-only afterwards and
// safe for concurrent use.
type Graph struct {
	// parsed holds each node's address as plan.ParseAddress reads it, parsed
	// once while the graph is built, for everyone downstream; parsedOK is
	// false for a name that does not parse (hand-made plans).
	parsed    []plan.Address
	parsedOK  []bool
	names     []string // sorted; a node's id is its index
	index     map[string]int32
	depOff    []int32 // deps[depOff[i]:depOff[i+1]]: what node i depends on, sorted
	deps      []int32
	revOff    []int32 // revs[revOff[i]:revOff[i+1]]: what depends on node i, sorted
	revs      []int32
	hasConfig bool
	truncated bool
	notes     []string
}

// MaxEdges bounds the edges of a graph. Real plans have a few per node (a
// 50,000-resource plan about 350,000); a small hostile file whose thousands
// of resources each read a module of thousands could ask for billions.
// Past the bound the graph stops growing and says so: radii may be
// incomplete, and the score treats that as a reason for sign-off.
const MaxEdges = 10_000_000

// edgeLimit is MaxEdges; tests lower it.
var edgeLimit = MaxEdges

// Truncated reports whether the graph stopped at MaxEdges.
func (g *Graph) Truncated() bool { return g.truncated }

// Nodes returns every node's address, sorted.
func (g *Graph) Nodes() []string { return slices.Clone(g.names) }

// Address returns node i's parsed address; ok is false when its name is
// not an address.
func (g *Graph) Address(i int32) (a plan.Address, ok bool) { return g.parsed[i], g.parsedOK[i] }

// Index returns the node of an instance address.
func (g *Graph) Index(addr string) (int32, bool) { i, ok := g.index[addr]; return i, ok }

// Has reports whether addr is a node of the graph.
func (g *Graph) Has(addr string) bool { _, ok := g.index[addr]; return ok }

// DependsOn returns the addresses addr depends on directly, sorted.
func (g *Graph) DependsOn(addr string) []string {
	i, ok := g.index[addr]
	if !ok {
		return nil
	}
	return g.addrs(g.deps[g.depOff[i]:g.depOff[i+1]])
}

// Dependents returns the addresses that depend on addr directly, sorted.
func (g *Graph) Dependents(addr string) []string {
	i, ok := g.index[addr]
	if !ok {
		return nil
	}
	return g.addrs(g.revs[g.revOff[i]:g.revOff[i+1]])
}

// NumEdges is the number of edges.
func (g *Graph) NumEdges() int { return len(g.deps) }

// HasConfig reports whether the edges come from the plan's configuration.
// When false the plan had none, and the only edges are the depends_on that
// prior_state records: reports must say so rather than imply that nothing
// depends on anything.
func (g *Graph) HasConfig() bool { return g.hasConfig }

// Notes are sentences about what the graph could not see, for the report:
// no configuration, locals that cannot be followed.
func (g *Graph) Notes() []string { return slices.Clone(g.notes) }

func (g *Graph) addrs(ids []int32) []string {
	out := make([]string, len(ids))
	for k, id := range ids {
		out[k] = g.names[id]
	}
	return out
}

// Build builds the dependency graph of a plan.
//
// Edges come from the configuration's references, expanded to the instances
// the plan and its prior state hold:
//   - a resource's references (attributes, nested blocks, count, for_each,
//     depends_on, provisioners) to resources and data sources in its module;
//     a reference naming one instance (aws_instance.web[0]) links to that
//     instance only, any other to every instance;
//   - var.x inside a module: the references of the module call's input x,
//     in the calling module instance, at any depth;
//   - module.m.out: the references of output out inside each instance of m
//     (or the one named, module.m[1].out), through nested modules;
//   - module.m as a whole (module.m[*].out, depends_on = [module.m], a whole
//     module object): every resource inside m and its nested modules, as
//     `terraform graph` does;
//   - depends_on, count and for_each of a module call: every resource inside
//     the module and its nested modules depends on what they reference;
//   - a resource's provider configuration: every instance depends on what
//     the provider block references (provider "kubernetes" { host =
//     aws_eks_cluster.main.endpoint } puts each kubernetes_* resource that
//     uses it after the cluster), read in the module that declares the
//     provider, var.* followed through module inputs like any reference;
//   - count.index, each.*, path.*, terraform.*, self: no edge. local.*: no
//     edge, since plan JSON does not describe locals (see Notes).
//
// The depends_on that prior_state records (configuration resources, no
// instance keys) are added too, to the instances of what they name that
// share the dependent's module instance keys on their common module path
// (as Terraform resolves references: module.env[0]'s resources never read
// module.env[1]'s), and to every instance only below that path, except
// where the configuration already explains the dependency (the named
// resource is reachable from the instance's own resource through
// configuration edges): then the configuration's instance-precise edges
// stand. So objects no longer in the configuration (deleted, deposed) keep the
// edges state gives them, and a dependency through locals that state
// recorded is not lost. A plan without configuration gets prior_state edges
// only, and HasConfig reports false.
//
// The cost is near-linear in the instances, the configuration and the edges
// produced.
func Build(p *plan.Plan) *Graph {
	b := newGraphBuilder(p)
	if p.Config != nil && p.Config.Root != nil {
		b.g.hasConfig = true
		b.loadConfig(p.Config)
		b.indexInstances()
		b.configEdges()
	} else {
		b.indexInstances()
	}
	b.priorEdges(p.PriorDependsOn)
	b.finish()
	b.writeNotes(p)
	return b.g
}

// refKind is what a reference names.
type refKind uint8

const (
	refResource refKind = iota + 1 // a managed, data or ephemeral resource
	refModule                      // a module call, or one of its outputs
	refVar                         // an input variable
	refLocal                       // a local value: not in plan JSON
)

// reference is the subject of one configuration reference, attribute
// traversal dropped.
type reference struct {
	kind   refKind
	name   string // resource: address in its module (aws_instance.web, data.x.y); module: call name; var: name
	key    string // instance key as written (`0`, `"a"`); "" when none is named
	output string // module output; "" for the whole module
}

// parseRef reads a reference as plan JSON writes it: aws_instance.web[0].id,
// data.x.y, module.app[1].out["k"], var.name, local.x, count.index ...
// ok is false for references that never make an edge.
func parseRef(s string) (reference, bool) {
	head, rest, _ := strings.Cut(s, ".")
	switch head {
	case "var":
		name := identPrefix(rest)
		return reference{kind: refVar, name: name}, name != ""
	case "local":
		return reference{kind: refLocal}, true
	case "count", "each", "path", "terraform", "self", "":
		return reference{}, false
	case "module":
		name, key, tail := nameKeyLenient(rest)
		if name == "" {
			return reference{}, false
		}
		r := reference{kind: refModule, name: name, key: key}
		if strings.HasPrefix(tail, ".") {
			r.output = identPrefix(tail[1:])
		}
		return r, true
	case "data", "ephemeral":
		typ, rest2, _ := strings.Cut(rest, ".")
		name, key, _ := nameKeyLenient(rest2)
		if !plan.IsIdent(typ) || name == "" {
			return reference{}, false
		}
		// s begins with head.typ.name: slice it rather than build it.
		return reference{kind: refResource, name: s[:len(head)+len(typ)+len(name)+2], key: key}, true
	}
	if !plan.IsIdent(head) {
		return reference{}, false
	}
	name, key, _ := nameKeyLenient(rest)
	if name == "" {
		return reference{}, false
	}
	return reference{kind: refResource, name: s[:len(head)+len(name)+1], key: key}, true
}

// nameKeyLenient is nameAndKey that takes an unreadable key as no key.
func nameKeyLenient(s string) (name, key, rest string) {
	name, key, rest, err := plan.NameAndKey(s)
	if err != nil {
		return identPrefix(s), "", ""
	}
	return name, key, rest
}

func identPrefix(s string) string {
	end := 0
	for end < len(s) && s[end] != '.' && s[end] != '[' {
		end++
	}
	if !plan.IsIdent(s[:end]) {
		return ""
	}
	return s[:end]
}

func compareRefs(a, b reference) int {
	if c := int(a.kind) - int(b.kind); c != 0 {
		return c
	}
	if c := strings.Compare(a.name, b.name); c != 0 {
		return c
	}
	if c := strings.Compare(a.key, b.key); c != 0 {
		return c
	}
	return strings.Compare(a.output, b.output)
}

// subjects parses a reference list into distinct subjects. Terraform writes
// each reference together with its shorter forms: aws_instance.web[0].id
// comes with aws_instance.web[0] and aws_instance.web, module.m[1].out with
// module.m[1]. A keyless resource or a whole-module form is taken as one of
// those shorter forms, and dropped, when a longer form of the same subject is
// in the list: otherwise every indexed reference would mean every instance
// and every output read the whole module. Resource blocks are read one
// expression at a time (ConfigResource.ReferenceGroups), so a block that
// reads web[0] in one expression and web[*] in another reads every instance.
func subjects(refs []string) (out []reference, locals int) {
	out = make([]reference, 0, len(refs))
	for _, s := range refs {
		r, ok := parseRef(s)
		if !ok {
			continue
		}
		if r.kind == refLocal {
			locals++
			continue
		}
		out = append(out, r)
	}
	slices.SortFunc(out, compareRefs)
	out = slices.CompactFunc(out, func(a, b reference) bool { return compareRefs(a, b) == 0 })
	kept := out[:0]
	for i, r := range out {
		if i+1 < len(out) && (r.kind == refResource || r.kind == refModule) && r.output == "" {
			n := out[i+1]
			if n.kind == r.kind && n.name == r.name && (r.key == "" || n.key == r.key) {
				continue // a shorter form of the next reference
			}
		}
		kept = append(kept, r)
	}
	return kept, locals
}

// cmodule is one module of the configuration (not an instance of it).
type cmodule struct {
	id        int
	depth     int
	names     []string // module call names from the root
	parent    *cmodule
	resources map[string]*cresource // by address within the module
	order     []*cresource
	children  map[string]*cmodule
	childList []*cmodule
	inputs    map[string][]reference // this module's call: variable -> references in the parent
	inputList []reference            // every input reference, for whole-module references
	callDeps  []reference            // this module's call: depends_on, count and for_each
	outputs   map[string][]reference
	inherited []relTarget // callDeps of this module and its ancestors, relative to it
	inhDone   bool
}

// cresource is one resource block of the configuration.
type cresource struct {
	id      int32
	mod     *cmodule
	path    string // configuration path, module.a.module.b.aws_instance.web
	local   string // address within its module, aws_instance.web
	mode    string
	refs    []reference
	targets []relTarget // what it depends on, relative to its module
	direct  []int32     // distinct target resources, for the configuration-level graph
	provKey string      // provider_config_key, "" when none
}

// cprovider is one provider configuration.
type cprovider struct {
	module string      // module_address as the plan gives it
	refs   []reference // what its arguments reference, read in that module
}

type providerKey struct {
	key string
	mod int
}

// relTarget is a dependency relative to the referencing module: go up `up`
// module levels, then down through down's module instance keys ("" for every
// instance) to resource res, instance key ("" for every instance).
type relTarget struct {
	res  int32
	up   int
	down []string
	key  string
}

type targetID struct {
	res  int32
	up   int
	down string
	key  string
}

func (t relTarget) id() targetID {
	id := targetID{res: t.res, up: t.up, key: t.key}
	if len(t.down) > 0 {
		id.down = strings.Join(t.down, "\x00") + "\x00"
	}
	return id
}

func (t relTarget) equal(u relTarget) bool {
	return t.res == u.res && t.up == u.up && t.key == u.key && slices.Equal(t.down, u.down)
}

// dedupTargets returns the distinct targets of ts in a new slice.
func dedupTargets(ts []relTarget) []relTarget {
	if len(ts) < 2 {
		return slices.Clone(ts)
	}
	if len(ts) <= 16 {
		out := make([]relTarget, 0, len(ts))
	next:
		for _, t := range ts {
			for _, u := range out {
				if t.equal(u) {
					continue next
				}
			}
			out = append(out, t)
		}
		return slices.Clip(out)
	}
	seen := make(map[targetID]bool, len(ts))
	out := ts[:0:0]
	for _, t := range ts {
		k := t.id()
		if !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	return out
}

type memoKey struct {
	mod int
	ref reference
}

type prefixKey struct {
	res    int32
	prefix string
}

type graphBuilder struct {
	g      *Graph
	plan   *plan.Plan
	mods   []*cmodule
	res    []*cresource
	byPath map[string]*cresource
	memo   map[memoKey][]relTarget
	locals int

	providers map[string]*cprovider
	provMemo  map[providerKey][]relTarget // provider key and declaring module -> targets relative to it
	provUse   map[providerKey][]relTarget // a resource's provider key and module -> targets relative to that module

	nodeRes  []int32    // per node: its configuration resource, -1 when none
	prefixes [][]string // per node with a configuration resource: module instance path at each depth
	byPrefix map[prefixKey][]int32
	byConfig map[string][]int32 // configuration path -> nodes, for every node
	edges    []uint64

	priorMemo   map[string]priorCands
	priorGroups map[priorGroupKey]map[string][]int32
}

var rootPrefix = []string{""}

func newGraphBuilder(p *plan.Plan) *graphBuilder {
	set := make(map[string]bool, len(p.Instances)+len(p.Changes))
	for _, a := range p.Instances {
		set[a] = true
	}
	for _, c := range p.Changes {
		set[c.Address] = true
	}
	delete(set, "")
	names := make([]string, 0, len(set))
	for a := range set {
		names = append(names, a)
	}
	sort.Strings(names)
	g := &Graph{names: names, index: make(map[string]int32, len(names))}
	for i, a := range names {
		g.index[a] = int32(i)
	}
	return &graphBuilder{g: g, plan: p, memo: map[memoKey][]relTarget{}, byPath: map[string]*cresource{},
		providers: map[string]*cprovider{}, provMemo: map[providerKey][]relTarget{}, provUse: map[providerKey][]relTarget{},
		priorMemo: map[string]priorCands{}, priorGroups: map[priorGroupKey]map[string][]int32{}}
}

// resourceSubjects reads a resource block's references expression by
// expression, so that web[*] in one expression and web[0] in another stay
// every instance; plans from before the loader kept groups fall back to the
// merged list.
func (b *graphBuilder) resourceSubjects(r plan.ConfigResource) []reference {
	return b.groupSubjects(r.References, r.ReferenceGroups)
}

// groupSubjects reads references expression by expression (groups), or the
// merged list when there are no groups.
func (b *graphBuilder) groupSubjects(refs []string, groups [][]string) []reference {
	if len(groups) == 0 {
		return b.subjects(refs)
	}
	_, locals := subjects(refs)
	b.locals += locals
	var out []reference
	for _, g := range groups {
		refs, _ := subjects(g)
		out = append(out, refs...)
	}
	slices.SortFunc(out, compareRefs)
	return slices.CompactFunc(out, func(a, b reference) bool { return compareRefs(a, b) == 0 })
}

func (b *graphBuilder) subjects(refs []string) []reference {
	out, locals := subjects(refs)
	b.locals += locals
	return out
}

func (b *graphBuilder) loadConfig(c *plan.Config) {
	b.loadModule(c.Root, nil, "", nil)
	for _, k := range sortedMapKeys(c.Providers) {
		pc := c.Providers[k]
		b.providers[k] = &cprovider{module: pc.Module, refs: b.groupSubjects(pc.References, pc.ReferenceGroups)}
	}
}

func (b *graphBuilder) loadModule(m *plan.ConfigModule, parent *cmodule, name string, call *plan.ConfigModuleCall) *cmodule {
	cm := &cmodule{id: len(b.mods), parent: parent, resources: map[string]*cresource{},
		children: map[string]*cmodule{}, inputs: map[string][]reference{}, outputs: map[string][]reference{}}
	b.mods = append(b.mods, cm)
	prefix := ""
	if parent != nil {
		cm.depth = parent.depth + 1
		cm.names = append(slices.Clone(parent.names), name)
		for _, n := range cm.names {
			prefix += "module." + n + "."
		}
	}
	if call != nil {
		for _, v := range sortedMapKeys(call.Inputs) {
			refs := b.subjects(call.Inputs[v])
			cm.inputs[v] = refs
			cm.inputList = append(cm.inputList, refs...)
		}
		cm.callDeps = b.subjects(append(slices.Clone(call.DependsOn), call.Repetition...))
	}
	if m == nil || cm.depth > plan.MaxModuleDepth {
		return cm
	}
	for _, r := range m.Resources {
		if r.Address == "" || cm.resources[r.Address] != nil {
			continue
		}
		mode := r.Mode
		if mode == "" {
			mode = "managed"
			if strings.HasPrefix(r.Address, "data.") {
				mode = "data"
			}
		}
		cr := &cresource{id: int32(len(b.res)), mod: cm, path: prefix + r.Address, local: r.Address, mode: mode, refs: b.resourceSubjects(r),
			provKey: r.ProviderKey}
		b.res = append(b.res, cr)
		cm.resources[r.Address] = cr
		cm.order = append(cm.order, cr)
		b.byPath[cr.path] = cr
	}
	for _, o := range sortedMapKeys(m.Outputs) {
		cm.outputs[o] = b.subjects(m.Outputs[o])
	}
	for _, n := range sortedMapKeys(m.ModuleCalls) {
		c := m.ModuleCalls[n]
		if c == nil {
			continue
		}
		child := b.loadModule(c.Module, cm, n, c)
		cm.children[n] = child
		cm.childList = append(cm.childList, child)
	}
	return cm
}

func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// appendResolved appends what r, read in module m, depends on to ts. A
// reference to a resource, the common case, costs one map lookup and no
// memo entry.
func (b *graphBuilder) appendResolved(ts []relTarget, m *cmodule, r reference) []relTarget {
	if r.kind == refResource {
		if cr := m.resources[r.name]; cr != nil && cr.mode != "ephemeral" {
			return append(ts, relTarget{res: cr.id, key: r.key})
		}
	}
	return append(ts, b.resolve(m, r)...)
}

// resolve returns what reference r, read in module m, depends on, relative
// to m. A cycle (which Terraform itself rejects) resolves to nothing.
func (b *graphBuilder) resolve(m *cmodule, r reference) []relTarget {
	k := memoKey{m.id, r}
	if ts, ok := b.memo[k]; ok {
		return ts
	}
	b.memo[k] = nil
	ts := b.resolveUncached(m, r)
	b.memo[k] = ts
	return ts
}

func (b *graphBuilder) resolveUncached(m *cmodule, r reference) []relTarget {
	switch r.kind {
	case refResource:
		cr := m.resources[r.name]
		if cr == nil {
			return nil
		}
		if cr.mode == "ephemeral" {
			// Ephemeral resources have no instances in a plan: pass through
			// to what they read.
			var out []relTarget
			for _, s := range cr.refs {
				out = append(out, b.resolve(m, s)...)
			}
			out = append(out, b.providerTargets(cr)...)
			return dedupTargets(out)
		}
		return []relTarget{{res: cr.id, key: r.key}}
	case refVar:
		if m.parent == nil {
			return nil
		}
		var out []relTarget
		for _, s := range m.inputs[r.name] {
			for _, t := range b.resolve(m.parent, s) {
				t.up++
				out = append(out, t)
			}
		}
		return dedupTargets(out)
	case refModule:
		child := m.children[r.name]
		if child == nil {
			return nil
		}
		var out []relTarget
		for _, s := range child.callDeps {
			out = append(out, b.resolve(m, s)...)
		}
		refs, ok := child.outputs[r.output]
		if r.output == "" || !ok {
			// The whole module: everything in it, as Terraform's module
			// close node, and everything its inputs read.
			for _, s := range child.inputList {
				out = append(out, b.resolve(m, s)...)
			}
			b.walkResources(child, func(cr *cresource) {
				down := make([]string, cr.mod.depth-m.depth)
				down[0] = r.key
				out = append(out, relTarget{res: cr.id, down: down})
			})
			return dedupTargets(out)
		}
		for _, s := range refs {
			for _, t := range b.resolve(child, s) {
				if t.up == 0 {
					t.down = append([]string{r.key}, t.down...)
				} else {
					t.up--
				}
				out = append(out, t)
			}
		}
		return dedupTargets(out)
	}
	return nil
}

// providerTargets is what resource cr depends on through its provider
// configuration, relative to cr's module. The provider's references are
// resolved once per provider key (and declaring module), and shifted once per
// module that uses it, however many resources do: a resource costs one map
// lookup. The slice returned is shared: callers must not modify it.
func (b *graphBuilder) providerTargets(cr *cresource) []relTarget {
	if cr.provKey == "" || len(b.providers) == 0 {
		return nil
	}
	use := providerKey{cr.provKey, cr.mod.id}
	if ts, ok := b.provUse[use]; ok {
		return ts
	}
	b.provUse[use] = nil // a provider that reads through itself: a cycle
	ts := b.providerUse(cr.mod, cr.provKey)
	b.provUse[use] = ts
	return ts
}

// providerUse resolves provider key, as named by a resource of module m, to
// targets relative to m.
func (b *graphBuilder) providerUse(m *cmodule, key string) []relTarget {
	pc := b.providers[key]
	var decl *cmodule
	if pc != nil {
		decl = declaringModule(m, pc.module)
	} else if i := strings.LastIndexByte(key, ':'); i >= 0 {
		// The key names a module's own view of a provider it inherits, which
		// older Terraform leaves out of provider_config. Approximation: take
		// the root's provider of that name and alias, as if the module
		// inherited it implicitly; a provider passed under another name
		// through the module call's providers argument is not followed.
		key = key[i+1:]
		if pc = b.providers[key]; pc != nil && pc.module == "" {
			decl = b.mods[0]
		}
	}
	if decl == nil || len(pc.refs) == 0 {
		return nil
	}
	pk := providerKey{key, decl.id}
	ts, ok := b.provMemo[pk]
	if !ok {
		b.provMemo[pk] = nil // a provider that reads through itself: a cycle
		for _, r := range pc.refs {
			ts = b.appendResolved(ts, decl, r)
		}
		ts = dedupTargets(ts)
		b.provMemo[pk] = ts
	}
	up := m.depth - decl.depth
	if up == 0 || len(ts) == 0 {
		return ts
	}
	out := make([]relTarget, len(ts))
	for k, t := range ts {
		t.up += up
		out[k] = t
	}
	return out
}

// declaringModule returns the module among m and its ancestors that
// module_address addr names: "" is the root, module.a.module.b the module
// of that path; plans of old Terraform write a.b, or the call name alone.
// nil when none matches.
func declaringModule(m *cmodule, addr string) *cmodule {
	for ; m != nil; m = m.parent {
		if addr == "" {
			if m.parent == nil {
				return m
			}
			continue
		}
		if m.parent == nil {
			return nil
		}
		if addr == "module."+strings.Join(m.names, ".module.") || addr == strings.Join(m.names, ".") ||
			addr == m.names[len(m.names)-1] {
			return m
		}
	}
	return nil
}

func (b *graphBuilder) walkResources(m *cmodule, fn func(*cresource)) {
	for _, cr := range m.order {
		if cr.mode != "ephemeral" {
			fn(cr)
		}
	}
	for _, c := range m.childList {
		b.walkResources(c, fn)
	}
}

// inheritedTargets is what every resource inside m depends on through the
// depends_on, count and for_each of m's call and its ancestors' calls.
func (b *graphBuilder) inheritedTargets(m *cmodule) []relTarget {
	if m.parent == nil || m.inhDone {
		return m.inherited
	}
	m.inhDone = true
	var out []relTarget
	for _, t := range b.inheritedTargets(m.parent) {
		t.up++
		out = append(out, t)
	}
	for _, s := range m.callDeps {
		for _, t := range b.resolve(m.parent, s) {
			t.up++
			out = append(out, t)
		}
	}
	m.inherited = dedupTargets(out)
	return m.inherited
}

// indexInstances parses every node's address and indexes the nodes by
// configuration resource and module instance.
func (b *graphBuilder) indexInstances() {
	n := len(b.g.names)
	b.g.parsed = make([]plan.Address, n)
	b.g.parsedOK = make([]bool, n)
	b.nodeRes = make([]int32, n)
	b.prefixes = make([][]string, n)
	b.byPrefix = map[prefixKey][]int32{}
	b.byConfig = map[string][]int32{}
	for i, name := range b.g.names {
		b.nodeRes[i] = -1
		a, err := plan.ParseAddress(name)
		if err != nil {
			continue
		}
		b.g.parsed[i], b.g.parsedOK[i] = a, true
		path := a.ConfigPath()
		b.byConfig[path] = append(b.byConfig[path], int32(i))
		cr := b.byPath[path]
		if cr == nil || len(a.Module) != cr.mod.depth || cr.mode == "ephemeral" {
			continue
		}
		b.nodeRes[i] = cr.id
		pre := rootPrefix
		if len(a.Module) > 0 {
			pre = make([]string, len(a.Module)+1)
			var sb strings.Builder
			for d, s := range a.Module {
				if d > 0 {
					sb.WriteByte('.')
				}
				writeStep(&sb, s.Name, s.Key)
				pre[d+1] = sb.String()
			}
		}
		b.prefixes[i] = pre
		for _, p := range pre {
			k := prefixKey{cr.id, p}
			b.byPrefix[k] = append(b.byPrefix[k], int32(i))
		}
	}
}

func writeStep(sb *strings.Builder, name, key string) {
	sb.WriteString("module.")
	sb.WriteString(name)
	if key != "" {
		sb.WriteByte('[')
		sb.WriteString(key)
		sb.WriteByte(']')
	}
}

// configEdges resolves every configuration resource's references and
// expands them to edges between instances.
func (b *graphBuilder) configEdges() {
	seen := make([]int32, len(b.res))
	var ts []relTarget
	for _, cr := range b.res {
		ts = ts[:0]
		for _, r := range cr.refs {
			ts = b.appendResolved(ts, cr.mod, r)
		}
		ts = append(ts, b.inheritedTargets(cr.mod)...)
		ts = append(ts, b.providerTargets(cr)...)
		cr.targets = dedupTargets(ts)
		for _, t := range cr.targets {
			if seen[t.res] != cr.id+1 {
				seen[t.res] = cr.id + 1
				cr.direct = append(cr.direct, t.res)
			}
		}
	}
	var sb strings.Builder
	for _, cr := range b.res {
		insts := b.byPrefix[prefixKey{cr.id, ""}]
		if len(insts) == 0 {
			continue
		}
		for _, t := range cr.targets {
			tr := b.res[t.res]
			c := cr.mod.depth - t.up
			firstAny := len(t.down)
			for j, k := range t.down {
				if k == "" {
					firstAny = j
					break
				}
			}
			needFilter := t.key != ""
			for _, k := range t.down[firstAny:] {
				needFilter = needFilter || k != ""
			}
			var memo map[string][]int32
			for _, i := range insts {
				base := b.prefixes[i][c]
				prefix := base
				if firstAny > 0 {
					sb.Reset()
					sb.WriteString(base)
					for j := 0; j < firstAny; j++ {
						if sb.Len() > 0 {
							sb.WriteByte('.')
						}
						writeStep(&sb, tr.mod.names[c+j], t.down[j])
					}
					prefix = sb.String()
				}
				var targets []int32
				switch {
				case firstAny == len(t.down) && t.key != "":
					full := tr.local + "[" + t.key + "]"
					if prefix != "" {
						full = prefix + "." + full
					}
					if j, ok := b.g.index[full]; ok {
						targets = []int32{j}
					}
				case firstAny == len(t.down) || !needFilter:
					targets = b.byPrefix[prefixKey{t.res, prefix}]
				default:
					if memo == nil {
						memo = map[string][]int32{}
					}
					var ok bool
					if targets, ok = memo[prefix]; !ok {
						targets = b.filter(b.byPrefix[prefixKey{t.res, prefix}], c, t)
						memo[prefix] = targets
					}
				}
				for _, j := range targets {
					if j != i {
						b.addEdge(i, j)
					}
				}
			}
		}
	}
}

// filter keeps the candidates that match target t's module keys after the
// first wildcard step and its resource key.
func (b *graphBuilder) filter(cands []int32, c int, t relTarget) []int32 {
	var out []int32
	for _, j := range cands {
		a := &b.g.parsed[j]
		ok := t.key == "" || a.Key == t.key
		for d, k := range t.down {
			if ok && k != "" && a.Module[c+d].Key != k {
				ok = false
			}
		}
		if ok {
			out = append(out, j)
		}
	}
	return out
}

// priorEdges adds the depends_on of prior_state where the configuration does
// not already explain them.
func (b *graphBuilder) priorEdges(prior map[string][]string) {
	if len(prior) == 0 {
		return
	}
	type item struct {
		node int32
		deps []string
	}
	byRes := map[int32][]item{}
	var loose []item
	for addr, deps := range prior {
		i, ok := b.g.index[addr]
		if !ok || len(deps) == 0 {
			continue
		}
		if b.g.hasConfig && b.nodeRes[i] >= 0 {
			byRes[b.nodeRes[i]] = append(byRes[b.nodeRes[i]], item{i, deps})
		} else {
			loose = append(loose, item{i, deps})
		}
	}
	for _, it := range loose {
		for _, d := range it.deps {
			b.addPrior(it.node, d)
		}
	}
	if len(byRes) == 0 {
		return
	}
	// For each configuration resource, walk the configuration-level graph
	// from it, restricted to the resources its instances' prior depends_on
	// name: what is reached is explained by the configuration. The walk costs
	// no more than the recorded depends_on lists times the out-degree.
	allowed := make([]int32, len(b.res))
	reached := make([]int32, len(b.res))
	var stack []int32
	resIDs := make([]int32, 0, len(byRes))
	for r := range byRes {
		resIDs = append(resIDs, r)
	}
	slices.Sort(resIDs)
	for _, r := range resIDs {
		stamp := r + 1
		for _, it := range byRes[r] {
			for _, d := range it.deps {
				if cr := b.byPath[d]; cr != nil {
					allowed[cr.id] = stamp
				}
			}
		}
		stack = append(stack[:0], r)
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, w := range b.res[v].direct {
				if allowed[w] == stamp && reached[w] != stamp {
					reached[w] = stamp
					stack = append(stack, w)
				}
			}
		}
		for _, it := range byRes[r] {
			for _, d := range it.deps {
				if cr := b.byPath[d]; cr != nil && reached[cr.id] == stamp {
					continue
				}
				b.addPrior(it.node, d)
			}
		}
	}
}

// priorCands is what a prior_state depends_on entry names: every instance
// of it, and the module call names of its path.
type priorCands struct {
	nodes []int32
	mods  []string
}

// priorGroupKey is a depends_on entry and a module depth.
type priorGroupKey struct {
	dep   string
	depth int
}

// addPrior adds the edges of one prior_state depends_on entry d of node i.
//
// State records d as a configuration address, without instance keys, but
// Terraform resolves every reference in the module instance that holds it:
// inside module.env[0], terraform_data.key (or a local that reads it) is
// module.env[0].terraform_data.key, never env[1]'s, since a module call
// cannot read its own other instances (that is a cycle Terraform rejects). So
// on the module path that i and d share, d's instances must carry i's keys;
// only below it, where the keys are truly unknown (d lies in a module i does
// not belong to, read through an output), does the edge widen to every
// instance, and then only under that keyed prefix. Without this, a stamped
// module of n instances gets n times the edges, n^2 in all.
func (b *graphBuilder) addPrior(i int32, d string) {
	pc := b.priorCandidates(d)
	targets := pc.nodes
	if common := b.commonDepth(i, pc.mods); common > 0 {
		targets = b.priorGroup(d, common, pc.nodes)[modulePrefix(b.g.parsed[i].Module[:common])]
	}
	for _, j := range targets {
		if j != i {
			b.addEdge(i, j)
		}
	}
}

// commonDepth is how many module calls, from the root, node i's address and
// module call names mods share.
func (b *graphBuilder) commonDepth(i int32, mods []string) int {
	if !b.g.parsedOK[i] {
		return 0
	}
	a := &b.g.parsed[i]
	n := 0
	for n < len(a.Module) && n < len(mods) && a.Module[n].Name == mods[n] {
		n++
	}
	return n
}

// priorCandidates returns every instance of depends_on entry d (a resource,
// or in old state files a module), memoized: a stamped module repeats the
// same entries in every instance.
func (b *graphBuilder) priorCandidates(d string) priorCands {
	if pc, ok := b.priorMemo[d]; ok {
		return pc
	}
	var pc priorCands
	if nodes, ok := b.byConfig[d]; ok {
		pc.nodes = nodes
		if a, err := plan.ParseAddress(d); err == nil {
			pc.mods = moduleNames(a.Module)
		}
	} else if a, err := plan.ParseAddress(d); err == nil {
		pc.nodes, pc.mods = b.byConfig[a.ConfigPath()], moduleNames(a.Module)
	} else if strings.HasPrefix(d, "module.") {
		if a, err := plan.ParseAddress(d + ".x.y"); err == nil {
			pc.nodes, pc.mods = b.inModule(a.Module), moduleNames(a.Module)
		}
	}
	b.priorMemo[d] = pc
	return pc
}

// priorGroup splits the instances of depends_on entry d by their module
// instance path down to depth, once per entry and depth.
func (b *graphBuilder) priorGroup(d string, depth int, nodes []int32) map[string][]int32 {
	k := priorGroupKey{d, depth}
	if g, ok := b.priorGroups[k]; ok {
		return g
	}
	g := map[string][]int32{}
	for _, j := range nodes {
		if b.g.parsedOK[j] && len(b.g.parsed[j].Module) >= depth {
			p := modulePrefix(b.g.parsed[j].Module[:depth])
			g[p] = append(g[p], j)
		}
	}
	b.priorGroups[k] = g
	return g
}

func moduleNames(steps []plan.ModuleStep) []string {
	names := make([]string, len(steps))
	for k, s := range steps {
		names[k] = s.Name
	}
	return names
}

// modulePrefix renders module instance steps as addresses write them.
func modulePrefix(steps []plan.ModuleStep) string {
	var sb strings.Builder
	for d, s := range steps {
		if d > 0 {
			sb.WriteByte('.')
		}
		writeStep(&sb, s.Name, s.Key)
	}
	return sb.String()
}

// addEdge records that node i depends on node j, up to MaxEdges.
func (b *graphBuilder) addEdge(i, j int32) {
	if len(b.edges) >= edgeLimit {
		b.g.truncated = true
		return
	}
	b.edges = append(b.edges, uint64(i)<<32|uint64(j))
}

// inModule returns the nodes inside module path steps (keys ignored), for
// the module-level depends_on of old state files. Rare, so a scan.
func (b *graphBuilder) inModule(steps []plan.ModuleStep) []int32 {
	var pre strings.Builder
	for _, s := range steps {
		pre.WriteString("module." + s.Name + ".")
	}
	var out []int32
	for path, ids := range b.byConfig {
		if strings.HasPrefix(path, pre.String()) {
			out = append(out, ids...)
		}
	}
	slices.Sort(out)
	return out
}

// finish sorts and deduplicates the edges into the compressed adjacency
// lists, both ways.
func (b *graphBuilder) finish() {
	slices.Sort(b.edges)
	b.edges = slices.Compact(b.edges)
	n := len(b.g.names)
	g := b.g
	g.depOff = make([]int32, n+1)
	g.revOff = make([]int32, n+1)
	g.deps = make([]int32, len(b.edges))
	g.revs = make([]int32, len(b.edges))
	for k, e := range b.edges {
		from, to := int32(e>>32), int32(e&0xffffffff)
		g.depOff[from+1]++
		g.revOff[to+1]++
		g.deps[k] = to
	}
	for i := 0; i < n; i++ {
		g.depOff[i+1] += g.depOff[i]
		g.revOff[i+1] += g.revOff[i]
	}
	fill := slices.Clone(g.revOff[:n])
	for _, e := range b.edges {
		from, to := int32(e>>32), int32(e&0xffffffff)
		g.revs[fill[to]] = from
		fill[to]++
	}
	b.edges = nil
}

func (b *graphBuilder) writeNotes(p *plan.Plan) {
	g := b.g
	if !g.hasConfig {
		if len(p.PriorDependsOn) == 0 {
			g.notes = append(g.notes, "the plan has no configuration and no depends_on in prior_state: "+
				"blast cannot see any dependency, so no blast radius is measured")
		} else {
			g.notes = append(g.notes, "the plan has no configuration: dependencies come only from the depends_on "+
				"recorded in prior_state, which misses resources not applied yet")
		}
	}
	if g.truncated {
		g.notes = append(g.notes, fmt.Sprintf("the dependency graph reached %d edges and stopped growing: blast radii may be incomplete", edgeLimit))
	}
	if b.locals > 0 {
		g.notes = append(g.notes, fmt.Sprintf("%d references to local values: plan JSON does not describe locals, "+
			"so what they read is followed only where prior_state recorded it", b.locals))
	}
}

// Name is the address of node i.
func (g *Graph) Name(i int32) string { return g.names[i] }

// Len is the number of nodes.
func (g *Graph) Len() int { return len(g.names) }
