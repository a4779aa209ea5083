package scoring

import (
	"fmt"
	"strings"

	"github.com/blast-dev/blast/plan"
)

// leavesManagementPoints is what a forget of a critical or stateful resource
// adds: the default threshold. A forget deletes nothing, yet the object
// leaves every gate: once out of state, it can be imported under a type
// that weighs less (an awscc_ or azapi_ type for the aws_ or azurerm_ one)
// and deleted there, two plans that each pass.
const leavesManagementPoints = 50.0

// protectionRemovedPoints is what an in-place update that removes a
// protection adds, times the weight of what it protects: what a delete of
// it scores. Suspending versioning or cutting the backup retention is the
// first half of a data loss whose second half (the expiry run, the delete
// without a snapshot) no later plan shows.
const protectionRemovedPoints = destroyPoints

// leavesManagement finds the critical or stateful objects a plan forgets
// (a removed block with destroy = false), and notes the stateful ones it
// imports: the two halves of taking an object out of one gate and into a
// laxer one.
func leavesManagement(in *ruleInput) []Finding {
	var out []Finding
	for _, r := range in.risks {
		c := r.Change
		if c.Mode != "managed" || c.Deposed != "" {
			continue
		}
		ci := in.s.classOfChange(c)
		switch {
		case c.Kind == plan.KindForget && (ci.class.Stateful || r.Critical):
			why := "it holds data"
			if !ci.class.Stateful {
				why = "it is critical"
			}
			out = append(out, Finding{Address: c.Address, Points: leavesManagementPoints,
				Message: fmt.Sprintf("%s (%s) leaves Terraform's management and keeps existing, and %s: no later plan gates it, "+
					"and an import under another type can weigh it less", c.Address, c.Type, why)})
		case c.Imported && ci.class.Stateful:
			out = append(out, Finding{Address: c.Address, Severity: SeverityLow,
				Message: fmt.Sprintf("%s (%s) is imported and holds data: check that it is the object meant, "+
					"and whether another configuration forgot it", c.Address, c.Type)})
		}
	}
	return out
}

// protectionRemoved finds in-place updates that remove a protection or
// shorten a retention (plan.Change.Weakened), and weighs each like a delete
// of what it protects: the object's class, critical at 1. A storage_config
// object (bucket versioning, lifecycle rules) protects the data of its
// store, so it weighs as stateful_data.
func protectionRemoved(in *ruleInput) []Finding {
	var out []Finding
	for _, r := range in.risks {
		c := r.Change
		if c.Kind != plan.KindUpdate || len(c.Weakened) == 0 {
			continue
		}
		w, of := r.Weight, r.Class
		if r.Class == "storage_config" {
			ci := in.s.classWeight("stateful_data")
			w, of = max(w, ci), "the data store it configures"
		}
		if r.Critical && w < 1 {
			w, of = 1, "critical"
		}
		out = append(out, Finding{Address: c.Address, Points: round1(protectionRemovedPoints * w),
			Message: fmt.Sprintf("%s (%s) is updated in place and loses a protection (%s): weighed like its delete (%.0f x weight %.2f, %s)",
				c.Address, c.Type, strings.Join(c.Weakened, ", "), protectionRemovedPoints, w, of)})
	}
	return out
}
