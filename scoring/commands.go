package scoring

import (
	"fmt"
	"slices"
	"strings"

	"github.com/blast-dev/blast/plan"
)

// runsCommandsPoints is what a resource whose provisioners apply runs adds:
// the default threshold. A provisioner runs any command on the machine that
// applies (local-exec) or on the object (remote-exec, file), and what it
// does is nowhere in the plan: `rm -rf` at create scores like a create, so
// a person has to read it.
const runsCommandsPoints = 50.0

// runsCommands finds the resource instances whose provisioners this plan
// runs. A create-time provisioner runs when the object is created (creates,
// and the create half of replaces), a destroy-time one when it is destroyed
// (deletes, and the destroy half of replaces); an update or an import runs
// neither. The plan JSON does not record `when`, so each provisioner of a
// resource counts at create and at destroy alike: blast cannot tell which
// of the two it is, and a gate that guesses can be fooled. A resource whose
// configuration is gone has no provisioners in the plan, and Terraform
// runs none for it either.
//
// No command is read: the finding names the provisioners' types only, since
// a command line may hold a secret.
func runsCommands(in *ruleInput) []Finding {
	if in.p.Config == nil {
		return nil
	}
	var out []Finding
	seen := map[string]bool{}
	for _, r := range in.risks {
		c := r.Change
		if c.Mode != "managed" || seen[c.Address] {
			continue
		}
		creates, destroys := slices.Contains(c.Actions, "create"), slices.Contains(c.Actions, "delete")
		if !creates && !destroys {
			continue
		}
		provs := configResourceOf(in.p.Config, c)
		if len(provs) == 0 {
			continue
		}
		seen[c.Address] = true
		var when string
		switch {
		case creates && destroys:
			when = "when the old object is destroyed and the new one created"
		case creates:
			when = "when it is created"
		default:
			when = "when it is destroyed"
		}
		them := "them"
		if len(provs) == 1 {
			them = "it"
		}
		out = append(out, Finding{Address: c.Address, Points: runsCommandsPoints,
			Message: fmt.Sprintf("%s (%s) has %s: apply runs %s %s, and what runs is not in the plan "+
				"(nor which provisioners are destroy-time)", c.Address, c.Type, provisionerList(provs), them, when)})
	}
	return out
}

// provisionerList names provisioners by type: "2 provisioners (file, local-exec)".
func provisionerList(provs []plan.Provisioner) string {
	var types []string
	for _, p := range provs {
		t := p.Type
		if t == "" {
			t = "unnamed"
		}
		if !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	slices.Sort(types)
	noun := "provisioners"
	if len(provs) == 1 {
		noun = "provisioner"
	}
	return fmt.Sprintf("%d %s (%s)", len(provs), noun, strings.Join(types, ", "))
}

// configResourceOf returns the provisioners of the resource block that a
// change's instance comes from: its module path with the instance keys
// dropped, then its type and name within that module.
func configResourceOf(cfg *plan.Config, c *plan.Change) []plan.Provisioner {
	a := c.Addr
	if a.Type == "" {
		var err error
		if a, err = plan.ParseAddress(c.Address); err != nil {
			return nil
		}
	}
	m := cfg.Root
	for _, step := range a.Module {
		if m == nil {
			return nil
		}
		call := m.ModuleCalls[step.Name]
		if call == nil {
			return nil
		}
		m = call.Module
	}
	if m == nil {
		return nil
	}
	want := a.Resource()
	for _, r := range m.Resources {
		if r.Address == want && r.Mode == "managed" {
			return r.Provisioners
		}
	}
	return nil
}
