package picture

import (
	"bytes"
	"fmt"
	"sort"
)

// Role is what a node is to the blast radius; the roles are ranked, the
// most important first, and each has its colour and legend entry.
type Role int

// The roles of a node, most important first.
const (
	Destroyed Role = iota // destroyed by a delete or replace
	Changed               // in a blast radius, changed by the plan
	Unchanged             // in a blast radius, no planned change
	Other                 // outside every blast radius
)

// Node is one resource instance of a picture.
type Node struct {
	Plan    int      // index into Picture.Plans
	Address string   // the full instance address: DOT's node name
	Modules []string // the module instances it is in, outermost first: the clusters
	Label   string   // what the node shows
	Role    Role
}

// Picture is one dependency picture, for either language.
type Picture struct {
	Plans    []string   // plan sources: a cluster each when more than one
	Nodes    []*Node    // drawn in this order; Node.Plan indexes Plans
	Edges    [][2]*Node // dependency, dependent: the damage spreads this way
	Comments []string   // comment lines at the top
	Notes    []string   // visible notes: what the picture lacks
	More     string     // a visible note saying what was left out; "" for none
	Empty    string     // a visible note when there is no node
}

// Convention is the one sentence every picture, mermaid and DOT, is drawn
// by: an arrow goes the way the damage spreads, from a resource to what
// depends on it.
const Convention = "X --> Y: Y depends on X, so destroying X breaks Y"

// The legend's entries, by role; the legend draws one node of each.
var legend = []struct {
	role        Role
	class, text string
}{
	{Destroyed, "destroy", "destroyed by the plan (delete, replace)"},
	{Changed, "changed", "depends on a destroyed resource, changed by the plan"},
	{Unchanged, "unchanged", "depends on a destroyed resource, no planned change"},
}

// cluster is one module instance of the picture and what it holds.
type cluster struct {
	path     string
	nodes    []*Node
	children map[string]*cluster
}

func clusters(nodes []*Node) *cluster {
	root := &cluster{children: map[string]*cluster{}}
	for _, n := range nodes {
		c := root
		for _, path := range n.Modules {
			next, ok := c.children[path]
			if !ok {
				next = &cluster{path: path, children: map[string]*cluster{}}
				c.children[path] = next
			}
			c = next
		}
		c.nodes = append(c.nodes, n)
	}
	return root
}

func (c *cluster) sortedChildren() []*cluster {
	out := make([]*cluster, 0, len(c.children))
	for _, ch := range c.children {
		out = append(out, ch)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// sortedEdges is pic's edges in the order they are written: by where the
// arrow starts, then where it ends, in the order of pic.Nodes.
func (pic *Picture) sortedEdges() [][2]*Node {
	pos := make(map[*Node]int, len(pic.Nodes))
	for i, n := range pic.Nodes {
		pos[n] = i
	}
	edges := append([][2]*Node(nil), pic.Edges...)
	sort.SliceStable(edges, func(i, j int) bool {
		if a, b := pos[edges[i][0]], pos[edges[j][0]]; a != b {
			return a < b
		}
		return pos[edges[i][1]] < pos[edges[j][1]]
	})
	return edges
}

// Mermaid's default limits, which GitHub keeps: a flowchart of 500 edges or
// more, or a text over 50,000 characters, shows an error box instead of the
// picture. Fit stays under both with a margin.
const (
	mermaidMaxEdges    = 400
	mermaidMaxTextSize = 45000
)

// Fit writes pic as a mermaid flowchart of at most maxNodes nodes (destroyed
// first, then the radius, then the rest) and mermaidMaxEdges edges (those
// of the radius first), shrinking further to stay under mermaid's
// maxTextSize, and says what it left out in a comment and a note. A
// negative maxNodes keeps everything.
func Fit(pic *Picture, maxNodes int) []byte {
	ranked := append([]*Node(nil), pic.Nodes...)
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].Role < ranked[j].Role })
	capped := maxNodes >= 0
	if !capped || maxNodes > len(ranked) {
		maxNodes = len(ranked)
	}
	// Shrink the node cap until the text fits mermaid's maxTextSize: long
	// addresses can make 150 nodes too much. Without a cap the caller
	// asked for everything.
	for {
		var buf bytes.Buffer
		WriteMermaid(&buf, pic.keep(ranked[:maxNodes], capped))
		if buf.Len() <= mermaidMaxTextSize || maxNodes <= 1 || !capped {
			return buf.Bytes()
		}
		maxNodes /= 2
	}
}

// keep is pic with only the nodes of keptList, their edges (capped when
// capEdges) and what was left out.
func (pic *Picture) keep(keptList []*Node, capEdges bool) *Picture {
	kept := map[*Node]bool{}
	for _, n := range keptList {
		kept[n] = true
	}
	out := *pic
	out.Nodes, out.Edges = nil, nil
	out.Comments = append([]string(nil), pic.Comments...)
	leftRadius := 0
	for _, n := range pic.Nodes {
		if kept[n] {
			out.Nodes = append(out.Nodes, n)
		} else if n.Role != Other {
			leftRadius++
		}
	}
	for _, e := range pic.Edges {
		if kept[e[0]] && kept[e[1]] {
			out.Edges = append(out.Edges, e)
		}
	}
	leftEdges := 0
	if capEdges && len(out.Edges) > mermaidMaxEdges {
		// Keep the edges of the blast radius first.
		sort.SliceStable(out.Edges, func(i, j int) bool {
			return max(out.Edges[i][0].Role, out.Edges[i][1].Role) < max(out.Edges[j][0].Role, out.Edges[j][1].Role)
		})
		leftEdges = len(out.Edges) - mermaidMaxEdges
		out.Edges = out.Edges[:mermaidMaxEdges]
	}
	total := len(pic.Nodes)
	if left := total - len(keptList); left > 0 {
		out.Comments = append(out.Comments, fmt.Sprintf("left out: %d of %d resources (%d of them destroyed or in a blast radius), capped at %d",
			left, total, leftRadius, len(keptList)))
		out.More = fmt.Sprintf("… and %d more resources", left)
		if leftRadius > 0 {
			out.More += fmt.Sprintf(", %d of them destroyed or in a blast radius", leftRadius)
		}
	}
	if leftEdges > 0 {
		out.Comments = append(out.Comments, fmt.Sprintf("left out: %d edges, capped at %d", leftEdges, mermaidMaxEdges))
		more := fmt.Sprintf("%d more dependencies not drawn", leftEdges)
		if out.More != "" {
			more = out.More + "; " + more
		}
		out.More = more
	}
	return &out
}
