package picture

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// dotConvention is Convention in DOT's arrows.
var dotConvention = strings.ReplaceAll(Convention, "-->", "->")

// dotColor names the fill of each role for the DOT legend.
var dotColor = map[Role]string{Destroyed: "red", Changed: "orange", Unchanged: "yellow"}

var dotStyle = map[Role]string{
	Destroyed: `, style = "filled,bold", fillcolor = "#f8b4b4", color = "#b91c1c"`,
	Changed:   `, style = filled, fillcolor = "#fcd9a8", color = "#c2410c"`,
	Unchanged: `, style = filled, fillcolor = "#fef3c7", color = "#b45309"`,
}

// WriteDOT writes pic in Graphviz DOT, whole: nodes are named by their
// address (prefixed with the plan's source when there are several plans)
// and grouped in clusters by module instance, the roles are filled in
// colour, and the graph's label holds the notes and the legend. pic.More
// is not drawn: a DOT picture is never capped.
func WriteDOT(w io.Writer, pic *Picture) error {
	bw := bufio.NewWriter(w)
	name := func(n *Node) string {
		if len(pic.Plans) == 1 {
			return dotQuote(n.Address)
		}
		return dotQuote(pic.Plans[n.Plan] + ": " + n.Address)
	}
	fmt.Fprintln(bw, "// blast: "+dotConvention+".")
	for _, c := range pic.Comments {
		fmt.Fprintln(bw, "// "+c)
	}
	fmt.Fprintln(bw, "digraph blast {")
	fmt.Fprintln(bw, `  rankdir = "LR";`)
	fmt.Fprintln(bw, `  fontname = "sans-serif";`)
	fmt.Fprintln(bw, `  node [shape = rect, fontname = "sans-serif"];`)
	// The legend is the graph's label, under the picture; what the picture
	// lacks goes above it, first.
	label := append([]string(nil), pic.Notes...)
	if len(pic.Nodes) == 0 && pic.Empty != "" {
		label = append(label, pic.Empty)
	}
	label = append(label, "legend: "+dotConvention)
	for _, l := range legend {
		label = append(label, dotColor[l.role]+": "+l.text)
	}
	fmt.Fprintf(bw, "  label = %s;\n  labelloc = \"b\";\n  labeljust = \"l\";\n", dotQuote(strings.Join(label, "\n")))
	for pi, source := range pic.Plans {
		var nodes []*Node
		for _, n := range pic.Nodes {
			if n.Plan == pi {
				nodes = append(nodes, n)
			}
		}
		indent, prefix := "  ", ""
		if len(pic.Plans) > 1 {
			prefix = fmt.Sprintf("plan %d: ", pi+1)
			fmt.Fprintf(bw, "  subgraph %s {\n    label = %s;\n", dotQuote(fmt.Sprintf("cluster_plan %d", pi+1)), dotQuote(source))
			indent = "    "
		}
		writeDOTCluster(bw, clusters(nodes), indent, prefix, name)
		if len(pic.Plans) > 1 {
			fmt.Fprintln(bw, "  }")
		}
	}
	for _, e := range pic.sortedEdges() {
		fmt.Fprintf(bw, "  %s -> %s;\n", name(e[0]), name(e[1]))
	}
	fmt.Fprintln(bw, "}")
	return bw.Flush()
}

func writeDOTCluster(w *bufio.Writer, c *cluster, indent, prefix string, name func(*Node) string) {
	for _, n := range c.nodes {
		fmt.Fprintf(w, "%s%s [label = %s%s];\n", indent, name(n), dotQuote(n.Label), dotStyle[n.Role])
	}
	for _, ch := range c.sortedChildren() {
		fmt.Fprintf(w, "%ssubgraph %s {\n", indent, dotQuote("cluster_"+prefix+ch.path))
		fmt.Fprintf(w, "%s  label = %s;\n", indent, dotQuote(ch.path))
		writeDOTCluster(w, ch, indent+"  ", prefix, name)
		fmt.Fprintf(w, "%s}\n", indent)
	}
}

// dotQuote writes s as a DOT quoted string.
func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "")
	return `"` + r.Replace(s) + `"`
}
