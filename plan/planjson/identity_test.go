package planjson

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/stacks"
)

// TestIdentityDigests checks, on a plan real Terraform made, that both
// decoders digest each change's before id as a context state's value is
// digested, and nothing else of the object.
func TestIdentityDigests(t *testing.T) {
	path := filepath.Join("..", "..", "fixtures", "cross-stack", "plan.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		ResourceChanges []struct {
			Address string
			Change  struct{ Before map[string]any }
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	want := map[string][16]byte{}
	for _, rc := range raw.ResourceChanges {
		d, ok := stacks.ValueDigest(rc.Change.Before["id"].(string))
		if !ok {
			t.Fatalf("%s: before.id is no candidate", rc.Address)
		}
		want[rc.Address] = d
	}
	text, _, err := checkText(path, data)
	if err != nil {
		t.Fatal(err)
	}
	fast, ok := parseFast(path, text)
	if !ok {
		t.Fatal("the fast decoder gave up")
	}
	ref, err := parseReference(path, data)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		p    *plan.Plan
	}{{"fast", fast[0]}, {"reference", ref[0]}} {
		name, p := tc.name, tc.p
		if len(p.Changes) != len(want) {
			t.Fatalf("%s: %d changes, want %d", name, len(p.Changes), len(want))
		}
		for _, c := range p.Changes {
			if len(c.Identity) != 1 || c.Identity[0] != want[c.Address] {
				t.Errorf("%s: %s: identity %x, want the digest of before.id only", name, c.Address, c.Identity)
			}
		}
	}
}
