package report

import (
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/report/picture"
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

type graphPlan struct {
	source    string
	hasConfig bool
	notes     []string
	nodes     []*picture.Node // sorted by address
	edges     [][2]int        // dependent, dependency: indices into nodes, sorted
	total     int             // nodes of the whole graph
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
		role := map[string]picture.Role{}
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
				role[c.Address] = picture.Destroyed
			}
		}
		keys := make([]string, 0, len(radii))
		for k := range radii {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, a := range radii[k].Changed {
				if r, ok := role[a]; !ok || r > picture.Changed {
					role[a] = picture.Changed
				}
			}
			for _, a := range radii[k].Unchanged {
				if r, ok := role[a]; !ok || r > picture.Unchanged {
					role[a] = picture.Unchanged
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
				r = picture.Other
			}
			if opts.Radius && r == picture.Other {
				continue
			}
			index[a] = len(gp.nodes)
			gp.nodes = append(gp.nodes, graphNode(pi, a, kind[a], r))
		}
		for i, n := range gp.nodes {
			for _, d := range g.DependsOn(n.Address) {
				if j, ok := index[d]; ok {
					gp.edges = append(gp.edges, [2]int{i, j})
				}
			}
		}
		graphOtherStacks(r, pi, gp, index)
		out = append(out, gp)
	}
	return out
}

// graphOtherStacks adds what the destructive changes of plan pl reach in
// other stacks' state (--context): each stack is a cluster of its own, and
// an edge goes from the plan's resource whose identity a resource there
// holds to that resource. index maps the plan's drawn addresses to nodes.
func graphOtherStacks(r *Report, pl int, gp *graphPlan, index map[string]int) {
	seen := map[string]int{}
	for _, c := range r.Changes {
		if c.Plan != pl || c.BlastRadius == nil || c.BlastRadius.OtherStacks == nil {
			continue
		}
		for _, o := range c.BlastRadius.OtherStacks.Resources {
			key := "stack " + o.Stack + ": " + o.Address
			i, ok := seen[key]
			if !ok {
				i = len(gp.nodes)
				seen[key] = i
				gp.nodes = append(gp.nodes, &picture.Node{Plan: pl, Address: key, Modules: []string{"stack " + o.Stack},
					Label: o.Address, Role: picture.Unchanged})
			}
			for _, ref := range o.Refs {
				if j, ok := index[ref.To]; ok {
					gp.edges = append(gp.edges, [2]int{i, j})
				}
			}
		}
	}
	if len(seen) == 0 {
		return
	}
	// One edge per pair, in a stable order, however many paths hold it.
	sort.Slice(gp.edges, func(a, b int) bool {
		if gp.edges[a][0] != gp.edges[b][0] {
			return gp.edges[a][0] < gp.edges[b][0]
		}
		return gp.edges[a][1] < gp.edges[b][1]
	})
	gp.edges = slices.Compact(gp.edges)
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

// graphNode is the picture's node of the instance addr of plan pl: it
// shows its address within its module and the planned change kind, if any.
func graphNode(pl int, addr, kind string, role picture.Role) *picture.Node {
	module, local := graphSplit(addr)
	label := local
	if kind != "" {
		label += " (" + kind + ")"
	}
	return &picture.Node{Plan: pl, Address: addr, Modules: graphModuleChain(module), Label: label, Role: role}
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
	return picture.WriteDOT(w, graphPicture(graphModel(r, opts), opts, true))
}

// WriteMermaid writes the dependency graph of the plans as a mermaid
// flowchart in blast's one convention (see picture.Convention): X --> Y means Y
// depends on X. Module instances are subgraphs, destructive changes and
// their blast radius are colored by class, and a legend subgraph says so.
// The picture keeps at most opts.MaxNodes nodes (destroyed first, then the
// radius, then the rest) and 400 edges, shrinks further to stay
// under mermaid's maxTextSize, and says what it left out in a comment and a
// node.
func WriteMermaid(w io.Writer, plans []*plan.Plan, opts GraphOptions) error {
	return writeMermaid(w, NewGraph(plans, nil), opts)
}

func writeMermaid(w io.Writer, r *Report, opts GraphOptions) error {
	maxNodes := opts.MaxNodes
	if maxNodes == 0 {
		maxNodes = DefaultMermaidMaxNodes
	}
	_, err := w.Write(picture.Fit(graphPicture(graphModel(r, opts), opts, false), maxNodes))
	return err
}

// graphPicture is what blast graph draws of model, whole; with counts, a
// comment per plan says how much of it is in a blast radius.
func graphPicture(model []*graphPlan, opts GraphOptions, counts bool) *picture.Picture {
	pic := &picture.Picture{Empty: "no resources"}
	if opts.Radius {
		pic.Empty = "no destructive changes"
	}
	for _, gp := range model {
		pic.Plans = append(pic.Plans, gp.source)
		pic.Nodes = append(pic.Nodes, gp.nodes...)
		pic.Comments = append(pic.Comments, graphNotes(gp)...)
		if !gp.hasConfig {
			pic.Notes = append(pic.Notes, gp.source+": no configuration in the plan, dependencies from prior_state only")
		}
		if counts && opts.Radius {
			pic.Comments = append(pic.Comments, fmt.Sprintf("%s: %d of %d resources are destroyed or in a blast radius", gp.source, len(gp.nodes), gp.total))
		}
	}
	for _, gp := range model {
		for _, e := range gp.edges {
			pic.Edges = append(pic.Edges, [2]*picture.Node{gp.nodes[e[1]], gp.nodes[e[0]]})
		}
	}
	return pic
}
