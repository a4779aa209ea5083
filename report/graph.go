package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
)

// GraphOptions tune the graph renderers.
type GraphOptions struct {
	// Radius limits the graph to the destructive changes and the resources
	// that transitively depend on them.
	Radius bool
	// MaxNodes caps the mermaid picture: 0 means DefaultMermaidMaxNodes, a
	// negative number no cap. The DOT graph is never capped.
	MaxNodes int
}

// DefaultMermaidMaxNodes is the mermaid picture's node cap: beyond it a
// flowchart stops being readable (and GitHub stops rendering it).
const DefaultMermaidMaxNodes = 150

// The role of a node in the picture, most important first.
const (
	graphRoleDestroy   = iota // destroyed by a delete or replace
	graphRoleChanged          // in a blast radius, changed by the plan
	graphRoleUnchanged        // in a blast radius, no planned change
	graphRoleOther            // outside every blast radius
)

var graphLegend = []string{
	"red: destroyed by the plan (delete, replace)",
	"orange: depends on a destroyed resource, changed by the plan",
	"yellow: depends on a destroyed resource, no planned change",
}

type graphNode struct {
	plan   int
	addr   string
	module string // module instance path, "" for the root module
	local  string // address within the module
	kind   string // the planned change, "" when none or no-op
	role   int
	id     string // mermaid node id
}

type graphPlan struct {
	source    string
	hasConfig bool
	notes     []string
	nodes     []*graphNode // sorted by address
	edges     [][2]int     // dependent, dependency: indices into nodes, sorted
	total     int          // nodes of the whole graph
}

func init() {
	register("dot", true, func(w io.Writer, r *Report, opts Options) error { return writeDOT(w, r, opts.Graph) })
	register("mermaid", true, func(w io.Writer, r *Report, opts Options) error { return writeMermaid(w, r, opts.Graph) })
}

// NewGraph is the report of plans that blast graph draws, when nothing was
// judged: only the graph formats render it. graphs[i] is the dependency graph
// of plans[i]; a missing or nil one is built here.
func NewGraph(plans []*plan.Plan, graphs []*graph.Graph) *Report {
	r := &Report{plans: plans}
	for pi, p := range plans {
		var g *graph.Graph
		if pi < len(graphs) {
			g = graphs[pi]
		}
		if g == nil {
			g = graph.Build(p)
		}
		r.graphs = append(r.graphs, g)
		r.radii = append(r.radii, graph.BlastRadius(p, g))
	}
	return r
}

// graphModel is what to draw of each plan, from the report's graphs and radii.
func graphModel(r *Report, opts GraphOptions) []*graphPlan {
	out := make([]*graphPlan, 0, len(r.plans))
	for pi, p := range r.plans {
		g, radii := r.graphs[pi], r.radii[pi]
		role := map[string]int{}
		kind := map[string]string{}
		for _, c := range p.Changes {
			k := string(c.Kind)
			if c.Kind == plan.KindNoOp {
				k = ""
			}
			if c.Deposed != "" {
				k += " (deposed)"
				if kind[c.Address] != "" {
					continue // the current object's change names the node
				}
			}
			kind[c.Address] = k
			if c.Kind.Destructive() {
				role[c.Address] = graphRoleDestroy
			}
		}
		keys := make([]string, 0, len(radii))
		for k := range radii {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, a := range radii[k].Changed {
				if r, ok := role[a]; !ok || r > graphRoleChanged {
					role[a] = graphRoleChanged
				}
			}
			for _, a := range radii[k].Unchanged {
				if r, ok := role[a]; !ok || r > graphRoleUnchanged {
					role[a] = graphRoleUnchanged
				}
			}
		}
		gp := &graphPlan{source: p.Source, hasConfig: g.HasConfig(), notes: g.Notes()}
		all := g.Nodes()
		gp.total = len(all)
		index := map[string]int{}
		for _, a := range all {
			r, ok := role[a]
			if !ok {
				r = graphRoleOther
			}
			if opts.Radius && r == graphRoleOther {
				continue
			}
			module, local := graphSplit(a)
			index[a] = len(gp.nodes)
			gp.nodes = append(gp.nodes, &graphNode{plan: pi, addr: a, module: module, local: local, kind: kind[a], role: r})
		}
		for i, n := range gp.nodes {
			for _, d := range g.DependsOn(n.addr) {
				if j, ok := index[d]; ok {
					gp.edges = append(gp.edges, [2]int{i, j})
				}
			}
		}
		out = append(out, gp)
	}
	return out
}

// graphSplit splits an instance address into its module instance path and
// the address within that module.
func graphSplit(addr string) (module, local string) {
	a, err := plan.ParseAddress(addr)
	if err != nil || len(a.Module) == 0 {
		return "", addr
	}
	module = a.ModulePath()
	return module, addr[len(module)+1:]
}

// graphModuleChain lists the module instance paths from the outermost to
// module itself: module.a[1].module.b -> module.a[1], module.a[1].module.b.
func graphModuleChain(module string) []string {
	if module == "" {
		return nil
	}
	a, err := plan.ParseAddress(module + ".x.y")
	if err != nil {
		return []string{module}
	}
	chain := make([]string, len(a.Module))
	for i := range a.Module {
		chain[i] = plan.Address{Module: a.Module[:i+1]}.ModulePath()
	}
	return chain
}

// graphCluster is one module instance of the picture and what it holds.
type graphCluster struct {
	path     string
	nodes    []*graphNode
	children map[string]*graphCluster
}

func graphClusters(nodes []*graphNode) *graphCluster {
	root := &graphCluster{children: map[string]*graphCluster{}}
	for _, n := range nodes {
		c := root
		for _, path := range graphModuleChain(n.module) {
			next, ok := c.children[path]
			if !ok {
				next = &graphCluster{path: path, children: map[string]*graphCluster{}}
				c.children[path] = next
			}
			c = next
		}
		c.nodes = append(c.nodes, n)
	}
	return root
}

func (c *graphCluster) sortedChildren() []*graphCluster {
	out := make([]*graphCluster, 0, len(c.children))
	for _, ch := range c.children {
		out = append(out, ch)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// graphLabel is what a node shows: its address within its module, and the
// planned change.
func graphLabel(n *graphNode) string {
	if n.kind == "" {
		return n.local
	}
	return n.local + " (" + n.kind + ")"
}

func graphNotes(gp *graphPlan) []string {
	var out []string
	for _, n := range gp.notes {
		out = append(out, gp.source+": "+n)
	}
	return out
}

// WriteDOT writes the dependency graph of the plans in Graphviz DOT. An edge
// "A" -> "B" means A depends on B; nodes are named by their full instance
// address (prefixed with the plan's source when there are several plans)
// and grouped in clusters by module instance. Destructive changes and their
// blast radius are filled in color. Only addresses and change kinds are
// written, never a value.
func WriteDOT(w io.Writer, plans []*plan.Plan, opts GraphOptions) error {
	return writeDOT(w, NewGraph(plans, nil), opts)
}

func writeDOT(w io.Writer, r *Report, opts GraphOptions) error {
	model := graphModel(r, opts)
	bw := bufio.NewWriter(w)
	name := func(n *graphNode) string {
		if len(model) == 1 {
			return graphDOTQuote(n.addr)
		}
		return graphDOTQuote(model[n.plan].source + ": " + n.addr)
	}
	fmt.Fprintln(bw, `// blast dependency graph: "A" -> "B" means A depends on B.`)
	for _, l := range graphLegend {
		fmt.Fprintln(bw, "// "+l)
	}
	var label []string
	for _, gp := range model {
		for _, n := range graphNotes(gp) {
			fmt.Fprintln(bw, "// "+n)
		}
		if !gp.hasConfig {
			label = append(label, gp.source+": no configuration in the plan, dependencies from prior_state only")
		}
		if opts.Radius {
			fmt.Fprintf(bw, "// %s: %d of %d resources are destroyed or in a blast radius\n", gp.source, len(gp.nodes), gp.total)
		}
	}
	fmt.Fprintln(bw, "digraph blast {")
	fmt.Fprintln(bw, `  rankdir = "RL";`)
	fmt.Fprintln(bw, `  fontname = "sans-serif";`)
	fmt.Fprintln(bw, `  node [shape = rect, fontname = "sans-serif"];`)
	empty := true
	for _, gp := range model {
		empty = empty && len(gp.nodes) == 0
	}
	if empty {
		if opts.Radius {
			label = append(label, "no destructive changes")
		} else {
			label = append(label, "no resources")
		}
	}
	if len(label) > 0 {
		fmt.Fprintf(bw, "  label = %s;\n  labelloc = \"t\";\n", graphDOTQuote(strings.Join(label, "\n")))
	}
	for pi, gp := range model {
		indent, prefix := "  ", ""
		if len(model) > 1 {
			prefix = fmt.Sprintf("plan %d: ", pi+1)
			fmt.Fprintf(bw, "  subgraph %s {\n    label = %s;\n", graphDOTQuote(fmt.Sprintf("cluster_plan %d", pi+1)), graphDOTQuote(gp.source))
			indent = "    "
		}
		graphWriteDOTCluster(bw, graphClusters(gp.nodes), indent, prefix, name)
		if len(model) > 1 {
			fmt.Fprintln(bw, "  }")
		}
	}
	for _, gp := range model {
		for _, e := range gp.edges {
			fmt.Fprintf(bw, "  %s -> %s;\n", name(gp.nodes[e[0]]), name(gp.nodes[e[1]]))
		}
	}
	fmt.Fprintln(bw, "}")
	return bw.Flush()
}

var graphDOTStyle = map[int]string{
	graphRoleDestroy:   `, style = "filled,bold", fillcolor = "#f8b4b4", color = "#b91c1c"`,
	graphRoleChanged:   `, style = filled, fillcolor = "#fcd9a8", color = "#c2410c"`,
	graphRoleUnchanged: `, style = filled, fillcolor = "#fef3c7", color = "#b45309"`,
}

func graphWriteDOTCluster(w *bufio.Writer, c *graphCluster, indent, prefix string, name func(*graphNode) string) {
	for _, n := range c.nodes {
		fmt.Fprintf(w, "%s%s [label = %s%s];\n", indent, name(n), graphDOTQuote(graphLabel(n)), graphDOTStyle[n.role])
	}
	for _, ch := range c.sortedChildren() {
		fmt.Fprintf(w, "%ssubgraph %s {\n", indent, graphDOTQuote("cluster_"+prefix+ch.path))
		fmt.Fprintf(w, "%s  label = %s;\n", indent, graphDOTQuote(ch.path))
		graphWriteDOTCluster(w, ch, indent+"  ", prefix, name)
		fmt.Fprintf(w, "%s}\n", indent)
	}
}

// graphDOTQuote writes s as a DOT quoted string.
func graphDOTQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "")
	return `"` + r.Replace(s) + `"`
}

// WriteMermaid writes the dependency graph of the plans as a mermaid
// flowchart: A --> B means A depends on B. Module instances are subgraphs,
// destructive changes and their blast radius are colored by class. The
// picture keeps at most opts.MaxNodes nodes (destroyed first, then the
// radius, then the rest) and four edges per node, and says what it left out
// in a comment and a node.
func WriteMermaid(w io.Writer, plans []*plan.Plan, opts GraphOptions) error {
	return writeMermaid(w, NewGraph(plans, nil), opts)
}

func writeMermaid(w io.Writer, r *Report, opts GraphOptions) error {
	model := graphModel(r, opts)
	maxNodes := opts.MaxNodes
	if maxNodes == 0 {
		maxNodes = DefaultMermaidMaxNodes
	}
	var all []*graphNode
	for _, gp := range model {
		all = append(all, gp.nodes...)
	}
	kept := map[*graphNode]bool{}
	ranked := append([]*graphNode(nil), all...)
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].role < ranked[j].role })
	if maxNodes < 0 || maxNodes > len(ranked) {
		maxNodes = len(ranked)
	}
	for _, n := range ranked[:maxNodes] {
		kept[n] = true
	}
	leftRadius := 0
	for _, n := range ranked[maxNodes:] {
		if n.role != graphRoleOther {
			leftRadius++
		}
	}
	id := 0
	for _, n := range all {
		if kept[n] {
			n.id = fmt.Sprintf("n%d", id)
			id++
		}
	}
	type edge struct{ from, to *graphNode }
	var edges []edge
	for _, gp := range model {
		for _, e := range gp.edges {
			from, to := gp.nodes[e[0]], gp.nodes[e[1]]
			if kept[from] && kept[to] {
				edges = append(edges, edge{from, to})
			}
		}
	}
	maxEdges := 4 * maxNodes
	leftEdges := 0
	if len(edges) > maxEdges {
		// Keep the edges of the blast radius first.
		sort.SliceStable(edges, func(i, j int) bool {
			return max(edges[i].from.role, edges[i].to.role) < max(edges[j].from.role, edges[j].to.role)
		})
		leftEdges = len(edges) - maxEdges
		edges = edges[:maxEdges]
		sort.SliceStable(edges, func(i, j int) bool {
			if edges[i].from.id != edges[j].from.id {
				return graphIDLess(edges[i].from.id, edges[j].from.id)
			}
			return graphIDLess(edges[i].to.id, edges[j].to.id)
		})
	}

	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "flowchart LR")
	fmt.Fprintln(bw, "%% blast dependency graph: A --> B means A depends on B.")
	for _, l := range graphLegend {
		fmt.Fprintln(bw, "%% "+l)
	}
	var visible []string
	for _, gp := range model {
		for _, n := range graphNotes(gp) {
			fmt.Fprintln(bw, "%% "+graphMermaidComment(n))
		}
		if !gp.hasConfig {
			visible = append(visible, gp.source+": no configuration in the plan, dependencies from prior_state only")
		}
	}
	left := len(all) - maxNodes
	if left > 0 {
		fmt.Fprintf(bw, "%%%% left out: %d of %d resources (%d of them destroyed or in a blast radius), capped at %d\n",
			left, len(all), leftRadius, maxNodes)
	}
	if leftEdges > 0 {
		fmt.Fprintf(bw, "%%%% left out: %d edges, capped at %d\n", leftEdges, maxEdges)
	}
	sub := 0
	for _, gp := range model {
		var nodes []*graphNode
		for _, n := range gp.nodes {
			if kept[n] {
				nodes = append(nodes, n)
			}
		}
		indent := "  "
		if len(model) > 1 {
			fmt.Fprintf(bw, "  subgraph s%d[\"%s\"]\n", sub, graphMermaidText(gp.source))
			sub++
			indent = "    "
		}
		graphWriteMermaidCluster(bw, graphClusters(nodes), indent, &sub)
		if len(model) > 1 {
			fmt.Fprintln(bw, "  end")
		}
	}
	for i, v := range visible {
		fmt.Fprintf(bw, "  note%d[\"%s\"]\n", i, graphMermaidText(v))
	}
	switch {
	case left > 0:
		more := fmt.Sprintf("… and %d more resources", left)
		if leftRadius > 0 {
			more += fmt.Sprintf(", %d of them destroyed or in a blast radius", leftRadius)
		}
		fmt.Fprintf(bw, "  more[\"%s\"]\n", graphMermaidText(more))
	case len(all) == 0 && opts.Radius:
		fmt.Fprintln(bw, "  empty[\"no destructive changes\"]")
	case len(all) == 0:
		fmt.Fprintln(bw, "  empty[\"no resources\"]")
	}
	for _, e := range edges {
		fmt.Fprintf(bw, "  %s --> %s\n", e.from.id, e.to.id)
	}
	classes := []struct {
		role        int
		name, style string
	}{
		{graphRoleDestroy, "destroy", "fill:#f8b4b4,stroke:#b91c1c,stroke-width:2px,color:#000"},
		{graphRoleChanged, "changed", "fill:#fcd9a8,stroke:#c2410c,color:#000"},
		{graphRoleUnchanged, "unchanged", "fill:#fef3c7,stroke:#b45309,color:#000"},
	}
	for _, c := range classes {
		var ids []string
		for _, n := range all {
			if kept[n] && n.role == c.role {
				ids = append(ids, n.id)
			}
		}
		if len(ids) > 0 {
			fmt.Fprintf(bw, "  classDef %s %s\n  class %s %s\n", c.name, c.style, strings.Join(ids, ","), c.name)
		}
	}
	return bw.Flush()
}

func graphWriteMermaidCluster(w *bufio.Writer, c *graphCluster, indent string, sub *int) {
	for _, n := range c.nodes {
		fmt.Fprintf(w, "%s%s[\"%s\"]\n", indent, n.id, graphMermaidText(graphLabel(n)))
	}
	for _, ch := range c.sortedChildren() {
		fmt.Fprintf(w, "%ssubgraph s%d[\"%s\"]\n", indent, *sub, graphMermaidText(ch.path))
		*sub++
		graphWriteMermaidCluster(w, ch, indent+"  ", sub)
		fmt.Fprintf(w, "%send\n", indent)
	}
}

// graphIDLess orders mermaid ids n2 < n10.
func graphIDLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// graphMermaidText escapes text for a quoted mermaid label with mermaid's
// entity codes, so that keys like ["a"] survive.
func graphMermaidText(s string) string { return mermaidEscape(s) }

// graphMermaidComment keeps a comment on one line.
func graphMermaidComment(s string) string {
	return mdOneLine(s)
}
