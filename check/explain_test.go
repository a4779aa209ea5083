package check

import (
	"strings"
	"testing"
)

// Explain is blast explain's text: the change, its factors and the plan's
// score, or a hint when the address names no change.
func TestExplain(t *testing.T) {
	plan := "../fixtures/replace/plan.json"
	out, err := Explain(ExplainOptions{Address: "terraform_data.database", Plans: []string{plan}, PolicyFile: "none.yml"})
	if err == nil {
		t.Fatalf("a missing policy file was not an error: %s", out)
	}
	out, err = Explain(ExplainOptions{Address: "terraform_data.database", Plans: []string{plan}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{"terraform_data.database\n  type terraform_data", "\n  risk ", "\nplan score "} {
		if !strings.Contains(s, want) {
			t.Errorf("explanation lacks %q:\n%s", want, s)
		}
	}
	_, err = Explain(ExplainOptions{Address: "terraform_data.nothing", Plans: []string{plan}})
	if err == nil || !strings.Contains(err.Error(), "no change with this address") || Hint(err) == "" {
		t.Errorf("unknown address: %v", err)
	}
}
