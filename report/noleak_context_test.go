package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/scoring/policy"
	"github.com/blast-dev/blast/stacks"
)

// The no-leak test for context states (--context): every string value of
// the other stacks' state in fixtures/cross-stack, raw and
// `terraform show -json` alike, is replaced by a marker, and the plan's
// copies of the same values by the same marker, so that the links still hold
// (the test fails unless it finds them). No output may hold a marker.

// ctxPlanter maps each value to its marker, the same one wherever it is.
type ctxPlanter struct{ markers map[string]string }

func (p *ctxPlanter) marker(v string) string {
	m, ok := p.markers[v]
	if !ok {
		m = fmt.Sprintf("LEAK-CTX-%d-MARKER", len(p.markers)+1)
		p.markers[v] = m
	}
	return m
}

// value plants in every string leaf; a raw state's dynamic value,
// {"value": ..., "type": ...}, keeps its cty type.
func (p *ctxPlanter) value(v any) any {
	switch x := v.(type) {
	case string:
		return p.marker(x)
	case []any:
		for i, e := range x {
			x[i] = p.value(e)
		}
	case map[string]any:
		_, hasType := x["type"]
		_, hasValue := x["value"]
		for k, e := range x {
			if hasType && hasValue && len(x) == 2 && k == "type" {
				continue
			}
			x[k] = p.value(e)
		}
	}
	return v
}

func (p *ctxPlanter) outputs(v any) {
	for _, o := range asMap(v) {
		if m := asMap(o); m != nil {
			m["value"] = p.value(m["value"])
		}
	}
}

func (p *ctxPlanter) showModule(v any) {
	m := asMap(v)
	for _, r := range asList(m["resources"]) {
		if res := asMap(r); res != nil {
			res["values"] = p.value(res["values"])
		}
	}
	for _, c := range asList(m["child_modules"]) {
		p.showModule(c)
	}
}

// state plants in a raw state or in terraform show -json of one.
func (p *ctxPlanter) state(t *testing.T, data []byte) []byte {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if vals := asMap(doc["values"]); vals != nil {
		p.outputs(vals["outputs"])
		p.showModule(vals["root_module"])
	} else {
		p.outputs(doc["outputs"])
		for _, r := range asList(doc["resources"]) {
			for _, inst := range asList(asMap(r)["instances"]) {
				if in := asMap(inst); in != nil {
					in["attributes"] = p.value(in["attributes"])
				}
			}
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNoValueLeaksContext(t *testing.T) {
	src := filepath.Join("..", "fixtures", "cross-stack")
	dir := t.TempDir()
	p := &ctxPlanter{markers: map[string]string{}}
	for _, f := range []string{"context/state/b.tfstate", "context/state/c.tfstate", "context/show/b.json", "context/show/c.json"} {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, p.state(t, data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The plan's copies of the identities: the same markers, longest value
	// first so that no value is replaced inside another.
	planText, err := os.ReadFile(filepath.Join(src, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var values []string
	for v := range p.markers {
		if stacks.Candidate(v) {
			values = append(values, v)
		}
	}
	sort.Slice(values, func(i, j int) bool { return len(values[i]) > len(values[j]) })
	text := string(planText)
	for _, v := range values {
		q, _ := json.Marshal(v)
		text = strings.ReplaceAll(text, string(q), `"`+p.markers[v]+`"`)
	}
	planPath := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(planPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	plans, err := planjson.Load(planPath, planjson.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"state", "show"} {
		t.Run(format, func(t *testing.T) {
			ctx, err := stacks.Load([]string{filepath.Join(dir, "context", format)}, stacks.Options{})
			if err != nil {
				t.Fatal(err)
			}
			a := scoring.Assess(plans, nil, policy.Default(), scoring.Options{Context: ctx})
			found := 0
			for _, f := range a.Findings {
				if f.Rule == scoring.RuleCrossStack {
					found++
				}
			}
			if found != 2 {
				t.Fatalf("%d cross-stack findings with planted values, want 2: the test would prove nothing", found)
			}
			r := withSignoff(New(a, scoring.Gate(a, 0)), 0)
			for _, f := range Formats() {
				out, err := Render(r, f, Options{Table: TableOptions{All: true}})
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				noMarker(t, f, string(out))
			}
		})
	}
	t.Logf("%d values planted", len(p.markers))
}
