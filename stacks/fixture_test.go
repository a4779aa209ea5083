package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The cross-stack radius of fixtures/cross-stack, written out by hand (and in
// its README). The plan replaces stack A's vpc (owner 0); A's db reads the
// vpc id, so it is in the vpc's in-stack radius (owner 1). B reads both
// through terraform_remote_state, C holds the vpc id copied as a literal.
// B's unrelated reads only A's dns zone and C's standalone nothing of A:
// neither is linked.
const wantCrossStack = `b data.terraform_remote_state.a outputs.db_id=db outputs.vpc_id=vpc
b terraform_data.app input.vpc_id=vpc output.vpc_id=vpc
b terraform_data.worker input=db output=db
c terraform_data.peering input.routes.0.target=vpc input.vpc=vpc output.routes.0.target=vpc output.vpc=vpc
`

var owners = []string{"vpc", "db", "dns"}

// planIdentities reads, as the check pipeline will, the before id of the
// destroyed vpc and of the db in its radius from the plan, and, with dns,
// also the id of the zone the plan leaves alone.
func planIdentities(t *testing.T, dir string, dns bool) Query {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var plan struct {
		ResourceChanges []struct {
			Address string
			Change  struct {
				Actions []string
				Before  map[string]any
			}
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(data, &plan); err != nil {
		t.Fatal(err)
	}
	q := Query{}
	for _, rc := range plan.ResourceChanges {
		want := map[string]string{"terraform_data.vpc": "delete,create", "terraform_data.db": "update", "terraform_data.dns": "no-op"}[rc.Address]
		if got := strings.Join(rc.Change.Actions, ","); got != want {
			t.Fatalf("%s: actions %s, the fixture expects %s", rc.Address, got, want)
		}
		owner := map[string]int{"terraform_data.vpc": 0, "terraform_data.db": 1, "terraform_data.dns": 2}[rc.Address]
		if owner == 2 && !dns {
			continue
		}
		id, _ := rc.Change.Before["id"].(string)
		if !q.Add(id, owner) {
			t.Fatalf("%s: before.id is not a candidate", rc.Address)
		}
	}
	return q
}

// render writes links one resource a line: stack, address, path=owner ...
func render(found []StackLinks, same bool) string {
	var b strings.Builder
	for _, sl := range found {
		links := sl.Links
		if same {
			links = sl.Same
		}
		for _, l := range links {
			fmt.Fprintf(&b, "%s %s", sl.Stack, l.Address)
			for _, r := range l.Refs {
				fmt.Fprintf(&b, " %s=%s", r.Path, owners[r.Owner])
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func checkCrossStack(t *testing.T, dir string) {
	q := planIdentities(t, dir, false)
	for _, tc := range []struct {
		name  string
		specs []string
	}{
		{"raw-state-folder", []string{filepath.Join(dir, "context", "state")}},
		{"show-json-folder", []string{filepath.Join(dir, "context", "show")}},
		{"named-raw-b-show-c", []string{"b=" + filepath.Join(dir, "context", "state", "b.tfstate"), "c=" + filepath.Join(dir, "context", "show", "c.json")}},
		{"named-show-b-raw-c", []string{"b=" + filepath.Join(dir, "context", "show", "b.json"), "c=" + filepath.Join(dir, "context", "state", "c.tfstate")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			specs := tc.specs
			stacks, err := Load(specs, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(stacks) != 2 || stacks[0].Name != "b" || stacks[1].Name != "c" {
				t.Fatalf("stacks %v, want b and c", stackNames(stacks))
			}
			found := Match(stacks, q, MatchOptions{})
			if got := render(found, false); got != wantCrossStack {
				t.Errorf("links:\n%s\nwant:\n%s", got, wantCrossStack)
			}
			if got := render(found, true); got != "" {
				t.Errorf("same objects in other stacks:\n%s", got)
			}
			// The exclusions hold because of the query, not a blind spot:
			// ask for the dns zone too and B's unrelated is found.
			withDNS := render(Match(stacks, planIdentities(t, dir, true), MatchOptions{}), false)
			if !strings.Contains(withDNS, "b terraform_data.unrelated input.zone_id=dns output.zone_id=dns\n") {
				t.Errorf("with the dns zone queried, B's unrelated is not linked:\n%s", withDNS)
			}
		})
	}
	// Stack A's own state given as context: its objects are the same ones,
	// not dependents.
	stacks, err := Load([]string{filepath.Join(dir, "self", "a.tfstate")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := Match(stacks, q, MatchOptions{})
	want := "a terraform_data.db id=db input.vpc_id=vpc output.vpc_id=vpc\na terraform_data.vpc id=vpc\n"
	if got := render(found, true); got != want {
		t.Errorf("stack A's own state: same objects\n%s\nwant\n%s", got, want)
	}
	if got := render(found, false); got != "" {
		t.Errorf("stack A's own state: links\n%s", got)
	}
}

func stackNames(stacks []*Stack) []string {
	var out []string
	for _, s := range stacks {
		out = append(out, s.Name)
	}
	return out
}

// TestCrossStackFixture checks the committed states made by real Terraform
// (fixtures/cross-stack/generate.sh).
func TestCrossStackFixture(t *testing.T) {
	checkCrossStack(t, filepath.Join("..", "fixtures", "cross-stack"))
}

// TestCrossStackLiveTerraform makes the fixture again with the Terraform on
// PATH, in a copy of fixtures/, so that new ids and the Terraform of today
// give the same radius.
func TestCrossStackLiveTerraform(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not running terraform")
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH: the live cross-stack test needs Terraform 1.11 (the committed fixture is still checked)")
	}
	tmp := t.TempDir()
	fixtures := filepath.Join(tmp, "fixtures")
	if err := os.CopyFS(fixtures, os.DirFS(filepath.Join("..", "fixtures"))); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", filepath.Join(fixtures, "generate.sh"), "cross-stack")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generate.sh: %v\n%s", err, out)
	}
	checkCrossStack(t, filepath.Join(fixtures, "cross-stack"))
}
