package planjson

import (
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/blast-dev/blast/plan"
)

// provisionersOf keeps the type of each provisioner block of a resource and
// drops its expressions: a local-exec command or a file's content may hold
// a secret, and what blast judges is that a command runs, not which. Both
// decoders read the configuration into terraform-json's types (planConfig),
// so both fill this from the same values.
func provisionersOf(prs []*tfjson.ConfigProvisioner) []plan.Provisioner {
	var out []plan.Provisioner
	for _, pr := range prs {
		if pr == nil {
			continue
		}
		out = append(out, plan.Provisioner{Type: pr.Type})
	}
	return out
}
