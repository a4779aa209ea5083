package picture

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestMermaidText: a label cannot end its quoted string or reach mermaid's
// syntax.
func TestMermaidText(t *testing.T) {
	if got := mermaidText(`a["b"];<c>#`); got != `a[#34;b#34;]#59;#60;c#62;#35;` {
		t.Errorf("mermaidText = %q", got)
	}
	if got := mermaidComment("%%{init: x}%%\nflowchart"); strings.ContainsAny(got, "{}\n") {
		t.Errorf("mermaidComment = %q", got)
	}
}

func TestDOTQuote(t *testing.T) {
	if got := dotQuote("a\"b\\c\nd\r"); got != `"a\"b\\c\nd"` {
		t.Errorf("dotQuote = %s", got)
	}
}

// chain is a picture of n nodes, each depending on the one before, the
// first destroyed and the rest in its radius.
func chain(n int) *Picture {
	pic := &Picture{Plans: []string{"plan.json"}}
	for i := range n {
		role := Changed
		if i == 0 {
			role = Destroyed
		}
		pic.Nodes = append(pic.Nodes, &Node{Address: fmt.Sprintf("null_resource.n%03d", i), Modules: []string{"module.m"}, Label: fmt.Sprint(i), Role: role})
		if i > 0 {
			pic.Edges = append(pic.Edges, [2]*Node{pic.Nodes[i-1], pic.Nodes[i]})
		}
	}
	return pic
}

// TestFit: a capped picture keeps the destroyed node, draws no more nodes
// than asked, and says what it left out.
func TestFit(t *testing.T) {
	out := string(Fit(chain(10), 4))
	if got := strings.Count(out, "[\""); got != 4+3+1+1+1 { // nodes, legend, its subgraph, the module, the note
		t.Errorf("%d labelled lines in:\n%s", got, out)
	}
	if !strings.Contains(out, "n0[\"0\"]") || !strings.Contains(out, "left out: 6 of 10 resources (6 of them destroyed or in a blast radius), capped at 4") {
		t.Errorf("capped picture:\n%s", out)
	}
	if whole := string(Fit(chain(10), -1)); strings.Contains(whole, "left out") || strings.Count(whole, "\n  n") != 9 { // 9 edges
		t.Errorf("uncapped picture:\n%s", whole)
	}
}

// TestWriteDOTEdges: every edge of the picture is drawn, from the
// dependency to the dependent, in the order of the nodes.
func TestWriteDOTEdges(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDOT(&b, chain(3)); err != nil {
		t.Fatal(err)
	}
	want := "  \"null_resource.n000\" -> \"null_resource.n001\";\n  \"null_resource.n001\" -> \"null_resource.n002\";\n}\n"
	if !strings.HasSuffix(b.String(), want) || !strings.Contains(b.String(), `subgraph "cluster_module.m"`) {
		t.Errorf("DOT:\n%s", b.String())
	}
}
