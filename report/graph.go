package report

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/internal/mdtext"
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

// WriteDOT writes the dependency graph of the plans in Graphviz DOT, in
// blast's one convention: an edge "X" -> "Y" means Y depends on X, so that
// destroying X breaks Y; nodes are named by their full instance
// address (prefixed with the plan's source when there are several plans)
// and grouped in clusters by module instance. Destructive changes and their
// blast radius are filled in color, and the graph's label is the legend. Only addresses and change kinds are
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
	fmt.Fprintln(bw, "// blast: "+graphDOTConvention+".")
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
	fmt.Fprintln(bw, `  rankdir = "LR";`)
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
	// The legend is the graph's label, under the picture; what the picture
	// lacks goes above it, first.
	legend := []string{"legend: " + graphDOTConvention}
	for _, l := range graphLegend {
		legend = append(legend, graphDOTColor[l.role]+": "+l.text)
	}
	label = append(label, legend...)
	fmt.Fprintf(bw, "  label = %s;\n  labelloc = \"b\";\n  labeljust = \"l\";\n", graphDOTQuote(strings.Join(label, "\n")))
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
		// e is (dependent, dependency); the arrow goes the way the damage
		// spreads, listed by where it starts.
		edges := append([][2]int(nil), gp.edges...)
		sort.Slice(edges, func(i, j int) bool {
			if edges[i][1] != edges[j][1] {
				return edges[i][1] < edges[j][1]
			}
			return edges[i][0] < edges[j][0]
		})
		for _, e := range edges {
			fmt.Fprintf(bw, "  %s -> %s;\n", name(gp.nodes[e[1]]), name(gp.nodes[e[0]]))
		}
	}
	fmt.Fprintln(bw, "}")
	return bw.Flush()
}

// graphDOTConvention is graphConvention in DOT's arrows.
var graphDOTConvention = strings.ReplaceAll(graphConvention, "-->", "->")

// graphDOTColor names the fill of each role for the DOT legend.
var graphDOTColor = map[int]string{graphRoleDestroy: "red", graphRoleChanged: "orange", graphRoleUnchanged: "yellow"}

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
// flowchart in blast's one convention (see graphConvention): X --> Y means Y
// depends on X. Module instances are subgraphs, destructive changes and
// their blast radius are colored by class, and a legend subgraph says so.
// The picture keeps at most opts.MaxNodes nodes (destroyed first, then the
// radius, then the rest) and mermaidMaxEdges edges, shrinks further to stay
// under mermaid's maxTextSize, and says what it left out in a comment and a
// node.
func WriteMermaid(w io.Writer, plans []*plan.Plan, opts GraphOptions) error {
	return writeMermaid(w, NewGraph(plans, nil), opts)
}

// Mermaid's default limits, which GitHub keeps: a flowchart of 500 edges or
// more, or a text over 50,000 characters, shows an error box instead of the
// picture. blast stays under both with a margin.
const (
	mermaidMaxEdges    = 400
	mermaidMaxTextSize = 45000
)

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
	ranked := append([]*graphNode(nil), all...)
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].role < ranked[j].role })
	if maxNodes < 0 || maxNodes > len(ranked) {
		maxNodes = len(ranked)
	}
	// Shrink the node cap until the text fits mermaid's maxTextSize: long
	// addresses can make 150 nodes too much. Without a cap (--max-nodes -1)
	// the caller asked for everything.
	for {
		pic := graphMermaidPicture(model, ranked[:maxNodes], opts, len(all), opts.MaxNodes >= 0)
		var buf bytes.Buffer
		writeMermaidPicture(&buf, pic)
		if buf.Len() <= mermaidMaxTextSize || maxNodes <= 1 || opts.MaxNodes < 0 {
			_, err := w.Write(buf.Bytes())
			return err
		}
		maxNodes /= 2
	}
}

// graphMermaidPicture is what blast graph draws of model: the kept nodes,
// their edges (capped when capEdges) and what was left out.
func graphMermaidPicture(model []*graphPlan, keptList []*graphNode, opts GraphOptions, total int, capEdges bool) *mermaidPicture {
	kept := map[*graphNode]bool{}
	for _, n := range keptList {
		kept[n] = true
	}
	leftRadius := 0
	pic := &mermaidPicture{}
	for _, gp := range model {
		pic.plans = append(pic.plans, gp.source)
		for _, n := range gp.nodes {
			if kept[n] {
				pic.nodes = append(pic.nodes, n)
			} else if n.role != graphRoleOther {
				leftRadius++
			}
		}
		pic.comments = append(pic.comments, graphNotes(gp)...)
		if !gp.hasConfig {
			pic.notes = append(pic.notes, gp.source+": no configuration in the plan, dependencies from prior_state only")
		}
	}
	for _, gp := range model {
		for _, e := range gp.edges {
			dependent, dependency := gp.nodes[e[0]], gp.nodes[e[1]]
			if kept[dependent] && kept[dependency] {
				pic.edges = append(pic.edges, [2]*graphNode{dependency, dependent})
			}
		}
	}
	leftEdges := 0
	if capEdges && len(pic.edges) > mermaidMaxEdges {
		// Keep the edges of the blast radius first.
		sort.SliceStable(pic.edges, func(i, j int) bool {
			return max(pic.edges[i][0].role, pic.edges[i][1].role) < max(pic.edges[j][0].role, pic.edges[j][1].role)
		})
		leftEdges = len(pic.edges) - mermaidMaxEdges
		pic.edges = pic.edges[:mermaidMaxEdges]
	}
	left := total - len(keptList)
	if left > 0 {
		pic.comments = append(pic.comments, fmt.Sprintf("left out: %d of %d resources (%d of them destroyed or in a blast radius), capped at %d",
			left, total, leftRadius, len(keptList)))
		pic.more = fmt.Sprintf("… and %d more resources", left)
		if leftRadius > 0 {
			pic.more += fmt.Sprintf(", %d of them destroyed or in a blast radius", leftRadius)
		}
	}
	if leftEdges > 0 {
		pic.comments = append(pic.comments, fmt.Sprintf("left out: %d edges, capped at %d", leftEdges, mermaidMaxEdges))
		pic.more = mdJoin("; ", pic.more, fmt.Sprintf("%d more dependencies not drawn", leftEdges))
	}
	if total == 0 {
		pic.empty = "no resources"
		if opts.Radius {
			pic.empty = "no destructive changes"
		}
	}
	return pic
}

// mermaidPicture is one mermaid flowchart as blast draws it, for blast
// graph and for the markdown report alike.
type mermaidPicture struct {
	plans    []string        // plan sources: a subgraph each when more than one
	nodes    []*graphNode    // drawn in this order; node.plan indexes plans
	edges    [][2]*graphNode // dependency, dependent: the damage spreads this way
	comments []string        // %% lines
	notes    []string        // visible notes
	more     string          // a visible node saying what was left out; "" for none
	empty    string          // a visible node when there is no node
}

// graphConvention is the one sentence both pictures, mermaid and DOT, and
// the markdown report's, are drawn by: an arrow goes the way the damage
// spreads, from a resource to what depends on it.
const graphConvention = "X --> Y: Y depends on X, so destroying X breaks Y"

// The legend's entries, by role; the legend draws one node of each.
var graphLegend = []struct {
	role        int
	class, text string
}{
	{graphRoleDestroy, "destroy", "destroyed by the plan (delete, replace)"},
	{graphRoleChanged, "changed", "depends on a destroyed resource, changed by the plan"},
	{graphRoleUnchanged, "unchanged", "depends on a destroyed resource, no planned change"},
}

var graphMermaidStyle = map[int]string{
	graphRoleDestroy:   "fill:#f8b4b4,stroke:#b91c1c,stroke-width:2px,color:#000",
	graphRoleChanged:   "fill:#fcd9a8,stroke:#c2410c,color:#000",
	graphRoleUnchanged: "fill:#fef3c7,stroke:#b45309,color:#000",
}

// writeMermaidPicture writes pic as a mermaid flowchart. Every label goes
// through mermaidText, the one escaper of mermaid text.
func writeMermaidPicture(w io.Writer, pic *mermaidPicture) {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "flowchart LR")
	fmt.Fprintln(bw, "%% blast: "+graphConvention+".")
	for _, c := range pic.comments {
		fmt.Fprintln(bw, "%% "+graphMermaidComment(c))
	}
	for i, n := range pic.nodes {
		n.id = fmt.Sprintf("n%d", i)
	}
	fmt.Fprintf(bw, "  subgraph legend[\"%s\"]\n", mermaidText("legend: "+graphConvention))
	for i, l := range graphLegend {
		fmt.Fprintf(bw, "    legend%d[\"%s\"]\n", i, mermaidText(l.text))
	}
	fmt.Fprintln(bw, "  end")
	sub := 0
	for pi, source := range pic.plans {
		var nodes []*graphNode
		for _, n := range pic.nodes {
			if n.plan == pi {
				nodes = append(nodes, n)
			}
		}
		indent := "  "
		if len(pic.plans) > 1 {
			if len(nodes) == 0 {
				continue
			}
			fmt.Fprintf(bw, "  subgraph s%d[\"%s\"]\n", sub, mermaidText(source))
			sub++
			indent = "    "
		}
		graphWriteMermaidCluster(bw, graphClusters(nodes), indent, &sub)
		if len(pic.plans) > 1 {
			fmt.Fprintln(bw, "  end")
		}
	}
	for i, v := range pic.notes {
		fmt.Fprintf(bw, "  note%d[\"%s\"]\n", i, mermaidText(v))
	}
	if pic.more != "" {
		fmt.Fprintf(bw, "  more[\"%s\"]\n", mermaidText(pic.more))
	}
	if len(pic.nodes) == 0 && pic.empty != "" {
		fmt.Fprintf(bw, "  empty[\"%s\"]\n", mermaidText(pic.empty))
	}
	edges := append([][2]*graphNode(nil), pic.edges...)
	sort.SliceStable(edges, func(i, j int) bool {
		if edges[i][0].id != edges[j][0].id {
			return graphIDLess(edges[i][0].id, edges[j][0].id)
		}
		return graphIDLess(edges[i][1].id, edges[j][1].id)
	})
	for _, e := range edges {
		fmt.Fprintf(bw, "  %s --> %s\n", e[0].id, e[1].id)
	}
	for i, l := range graphLegend {
		ids := []string{fmt.Sprintf("legend%d", i)}
		for _, n := range pic.nodes {
			if n.role == l.role {
				ids = append(ids, n.id)
			}
		}
		fmt.Fprintf(bw, "  classDef %s %s\n  class %s %s\n", l.class, graphMermaidStyle[l.role], strings.Join(ids, ","), l.class)
	}
	_ = bw.Flush()
}

func graphWriteMermaidCluster(w *bufio.Writer, c *graphCluster, indent string, sub *int) {
	for _, n := range c.nodes {
		fmt.Fprintf(w, "%s%s[\"%s\"]\n", indent, n.id, mermaidText(graphLabel(n)))
	}
	for _, ch := range c.sortedChildren() {
		fmt.Fprintf(w, "%ssubgraph s%d[\"%s\"]\n", indent, *sub, mermaidText(ch.path))
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

// graphMermaidComment keeps a comment on one line and out of mermaid's
// reach: a %%{...}%% anywhere in the text is read as a directive, so no
// brace gets through.
func graphMermaidComment(s string) string {
	return strings.NewReplacer("{", "(", "}", ")").Replace(mdtext.OneLine(s))
}
