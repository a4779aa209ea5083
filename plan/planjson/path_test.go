package planjson

import (
	"encoding/json"
	"testing"
)

// A step into a set of strings is the element itself: a value, never shown.
func TestRenderPathHidesSetElements(t *testing.T) {
	// Canonical JSON, as the converter holds values: what json.Marshal
	// writes.
	before, _ := json.Marshal(map[string]any{
		"security_groups":   []any{"sg-SECRET-1"},
		"tags":              map[string]any{"Team": "x"},
		"network_interface": []any{map[string]any{"subnet_id": "s"}},
	})
	for _, c := range []struct {
		path []any
		want string
	}{
		{[]any{"security_groups", "sg-SECRET-1"}, "security_groups[*]"},
		{[]any{"tags", "Team"}, "tags.Team"},
		{[]any{"network_interface", json.Number("0"), "subnet_id"}, "network_interface.0.subnet_id"},
		{[]any{"password_wo", "hunter2 with spaces"}, "[*][*]"},
		{[]any{"triggers_replace"}, "[*]"},
	} {
		if got := renderPath(c.path, before, []byte("null")); got != c.want {
			t.Errorf("%v: %q, want %q", c.path, got, c.want)
		}
	}
	if got := renderPath([]any{"triggers_replace"}, []byte(`{"triggers_replace":null}`), []byte("null")); got != "triggers_replace" {
		t.Errorf("a null attribute is still an attribute: %q", got)
	}
}
