package picture

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/blast-dev/blast/internal/mdtext"
)

var mermaidStyle = map[Role]string{
	Destroyed: "fill:#f8b4b4,stroke:#b91c1c,stroke-width:2px,color:#000",
	Changed:   "fill:#fcd9a8,stroke:#c2410c,color:#000",
	Unchanged: "fill:#fef3c7,stroke:#b45309,color:#000",
}

// WriteMermaid writes pic as a mermaid flowchart, whole: module instances
// are subgraphs, the roles are classes and a legend subgraph says so. Every
// label goes through mermaidText, the one escaper of mermaid text.
func WriteMermaid(w io.Writer, pic *Picture) {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "flowchart LR")
	fmt.Fprintln(bw, "%% blast: "+Convention+".")
	for _, c := range pic.Comments {
		fmt.Fprintln(bw, "%% "+mermaidComment(c))
	}
	id := make(map[*Node]string, len(pic.Nodes))
	for i, n := range pic.Nodes {
		id[n] = fmt.Sprintf("n%d", i)
	}
	fmt.Fprintf(bw, "  subgraph legend[\"%s\"]\n", mermaidText("legend: "+Convention))
	for i, l := range legend {
		fmt.Fprintf(bw, "    legend%d[\"%s\"]\n", i, mermaidText(l.text))
	}
	fmt.Fprintln(bw, "  end")
	sub := 0
	for pi, source := range pic.Plans {
		var nodes []*Node
		for _, n := range pic.Nodes {
			if n.Plan == pi {
				nodes = append(nodes, n)
			}
		}
		indent := "  "
		if len(pic.Plans) > 1 {
			if len(nodes) == 0 {
				continue
			}
			fmt.Fprintf(bw, "  subgraph s%d[\"%s\"]\n", sub, mermaidText(source))
			sub++
			indent = "    "
		}
		writeMermaidCluster(bw, clusters(nodes), indent, &sub, id)
		if len(pic.Plans) > 1 {
			fmt.Fprintln(bw, "  end")
		}
	}
	for i, v := range pic.Notes {
		fmt.Fprintf(bw, "  note%d[\"%s\"]\n", i, mermaidText(v))
	}
	if pic.More != "" {
		fmt.Fprintf(bw, "  more[\"%s\"]\n", mermaidText(pic.More))
	}
	if len(pic.Nodes) == 0 && pic.Empty != "" {
		fmt.Fprintf(bw, "  empty[\"%s\"]\n", mermaidText(pic.Empty))
	}
	for _, e := range pic.sortedEdges() {
		fmt.Fprintf(bw, "  %s --> %s\n", id[e[0]], id[e[1]])
	}
	for i, l := range legend {
		ids := []string{fmt.Sprintf("legend%d", i)}
		for _, n := range pic.Nodes {
			if n.Role == l.role {
				ids = append(ids, id[n])
			}
		}
		fmt.Fprintf(bw, "  classDef %s %s\n  class %s %s\n", l.class, mermaidStyle[l.role], strings.Join(ids, ","), l.class)
	}
	_ = bw.Flush()
}

func writeMermaidCluster(w *bufio.Writer, c *cluster, indent string, sub *int, id map[*Node]string) {
	for _, n := range c.nodes {
		fmt.Fprintf(w, "%s%s[\"%s\"]\n", indent, id[n], mermaidText(n.Label))
	}
	for _, ch := range c.sortedChildren() {
		fmt.Fprintf(w, "%ssubgraph s%d[\"%s\"]\n", indent, *sub, mermaidText(ch.path))
		*sub++
		writeMermaidCluster(w, ch, indent+"  ", sub, id)
		fmt.Fprintf(w, "%send\n", indent)
	}
}

// maxLabel is how many runes of a label mermaid shows before it is
// shortened in the middle.
const maxLabel = 200

// mermaidText escapes a label for a quoted mermaid string with mermaid's own
// entity codes, so that no quote ends it early, no HTML or markdown string
// is read into it and no %%{directive}%% reaches mermaid's configuration:
// one line, shortened in the middle, and every character mermaid could read
// as syntax, markup or a directive written as its entity code.
func mermaidText(s string) string {
	s = mdtext.OneLine(mdtext.ShortenMiddle(s, maxLabel))
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"', '#', '&', ';', '<', '>', '`', '%':
			fmt.Fprintf(&b, "#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mermaidComment keeps a comment on one line and out of mermaid's reach: a
// %%{...}%% anywhere in the text is read as a directive, so no brace gets
// through.
func mermaidComment(s string) string {
	return strings.NewReplacer("{", "(", "}", ")").Replace(mdtext.OneLine(s))
}
