package check

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/stacks"
)

const crossStack = "../fixtures/cross-stack"

// The cross-stack radius of fixtures/cross-stack (its README), written out
// by hand: the plan replaces stack A's vpc, whose in-stack radius is the db
// (it reads the vpc id). B reads both through terraform_remote_state and
// uses them; C holds the vpc id copied as a literal. B's unrelated (it reads
// only A's dns zone, which the plan leaves alone) and C's standalone are not
// in it.
const wantOtherStacks = `terraform_data.vpc: 4 in other stacks
  b: data.terraform_remote_state.a outputs.db_id->terraform_data.db outputs.vpc_id->terraform_data.vpc
  b: terraform_data.app input.vpc_id->terraform_data.vpc output.vpc_id->terraform_data.vpc
  b: terraform_data.worker input->terraform_data.db output->terraform_data.db
  c: terraform_data.peering input.routes.0.target->terraform_data.vpc input.vpc->terraform_data.vpc output.routes.0.target->terraform_data.vpc output.vpc->terraform_data.vpc
`

func renderOtherStacks(a *scoring.Assessment) string {
	var b strings.Builder
	for _, cr := range a.Changes {
		if cr.OtherStacks == nil {
			continue
		}
		fmt.Fprintf(&b, "%s: %d in other stacks\n", cr.Change.Key(), cr.OtherStacks.Count)
		for _, o := range cr.OtherStacks.Listed {
			fmt.Fprintf(&b, "  %s: %s", o.Stack, o.Address)
			for _, r := range o.Refs {
				fmt.Fprintf(&b, " %s->%s", r.Path, r.To)
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func TestCrossStackRadius(t *testing.T) {
	plan := filepath.Join(crossStack, "plan.json")
	none := filepath.Join(t.TempDir(), "none.yml")
	if err := os.WriteFile(none, []byte("version: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base, err := Run(Options{Plans: []string{plan}, PolicyFile: none})
	if err != nil {
		t.Fatal(err)
	}
	var scores []int
	for _, ctx := range [][]string{
		{filepath.Join(crossStack, "context", "state")},
		{filepath.Join(crossStack, "context", "show")},
		{"b=" + filepath.Join(crossStack, "context", "state", "b.tfstate"), "c=" + filepath.Join(crossStack, "context", "show", "c.json")},
	} {
		res, err := Run(Options{Plans: []string{plan}, PolicyFile: none, Context: ctx})
		if err != nil {
			t.Fatal(err)
		}
		if got := renderOtherStacks(res.Assessment); got != wantOtherStacks {
			t.Errorf("--context %v:\n%s\nwant:\n%s", ctx, got, wantOtherStacks)
		}
		var stacksNamed []string
		for _, f := range res.Assessment.Findings {
			if f.Rule == scoring.RuleCrossStack {
				stacksNamed = append(stacksNamed, strings.SplitN(f.Message, ":", 2)[0])
			}
		}
		if got := strings.Join(stacksNamed, ", "); got != "stack b, stack c" {
			t.Errorf("--context %v: cross-stack findings name %q, want stack b, stack c", ctx, got)
		}
		scores = append(scores, res.Assessment.Score)
		vpc := res.Assessment.Changes[0]
		if vpc.Change.Address != "terraform_data.vpc" || vpc.Points <= base.Assessment.Changes[0].Points {
			t.Errorf("--context %v: the vpc scores %.1f, without context %.1f: other stacks' dependents must add", ctx, vpc.Points, base.Assessment.Changes[0].Points)
		}
	}
	if scores[0] != scores[1] || scores[1] != scores[2] {
		t.Errorf("both state formats must score the same: %v", scores)
	}
	for _, cr := range base.Assessment.Changes {
		if cr.OtherStacks != nil {
			t.Errorf("without context, %s reaches other stacks", cr.Change.Address)
		}
	}
}

// The policy's context entries are relative to the policy file's folder,
// and add to --context.
func TestCrossStackPolicyContext(t *testing.T) {
	dir := t.TempDir()
	abs, _ := filepath.Abs(crossStack)
	pol := filepath.Join(dir, "blast.yml")
	if err := os.Symlink(filepath.Join(abs, "context"), filepath.Join(dir, "states")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pol, []byte("version: 1\ncontext:\n  - b=states/state/b.tfstate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(Options{Plans: []string{filepath.Join(crossStack, "plan.json")}, PolicyFile: pol,
		Context: []string{"c=" + filepath.Join(crossStack, "context", "show", "c.json")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := renderOtherStacks(res.Assessment); got != wantOtherStacks {
		t.Errorf("policy context:\n%s\nwant:\n%s", got, wantOtherStacks)
	}
}

func TestCrossStackBadInput(t *testing.T) {
	dir := t.TempDir()
	notState := filepath.Join(dir, "notes.json")
	os.WriteFile(notState, []byte(`{"hello": "world"}`), 0o644)
	unreadable := filepath.Join(dir, "locked.tfstate")
	os.WriteFile(unreadable, []byte(`{}`), 0o000)
	for _, tc := range []struct {
		spec, want string
		is         error
	}{
		{filepath.Join(crossStack, "plan.json"), "plan.json: this is a plan, not a state", stacks.ErrIsPlan},
		{notState, "notes.json: not a Terraform state", stacks.ErrNotAState},
		{filepath.Join(dir, "missing.tfstate"), "missing.tfstate: no such file or folder", nil},
	} {
		_, err := Run(Options{Plans: []string{filepath.Join(crossStack, "plan.json")}, PolicyFile: filepath.Join(crossStack, "..", "demo-teardown", "blast.yml"), Context: []string{tc.spec}})
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("--context %s: error %v, want one line with %q", tc.spec, err, tc.want)
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("--context %s: %v is not %v", tc.spec, err, tc.is)
		}
	}
	if os.Geteuid() != 0 {
		_, err := Run(Options{Plans: []string{filepath.Join(crossStack, "plan.json")}, Context: []string{unreadable}})
		if err == nil || !strings.Contains(err.Error(), "locked.tfstate: permission denied") {
			t.Errorf("unreadable context: %v", err)
		}
	}
}
