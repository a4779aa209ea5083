package scoring

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
)

// Points of a data-loss finding for disks that die with their VM. The OS or
// boot disk is mostly rebuilt from an image, but whatever was written to it
// since is gone: medium. Data disks in the same lifecycle are data: high,
// and as much as the data-loss factor of a stateful class.
const (
	bootDiskLossPoints = 5.0
	dataDiskLossPoints = dataLossPoints
)

// diskConditions are the plan.Change.DiesWith names (set by the loader from
// the prior state) that matter for each VM type, and how a reviewer reads
// them. Another type with the same attribute, such as a scale set's
// os_disk, is not a VM whose disk this finding is about.
var diskConditions = map[string][]string{
	"aws_instance":                          {"root_volume_deleted_with_vm", "data_disks_deleted_with_vm"},
	"azurerm_linux_virtual_machine":         {"os_disk_deleted_with_vm"},
	"azurerm_virtual_machine":               {"os_disk_deleted_with_vm", "data_disks_deleted_with_vm"},
	"azurerm_windows_virtual_machine":       {"os_disk_deleted_with_vm"},
	"google_compute_instance":               {"boot_disk_deleted_with_vm"},
	"google_compute_instance_from_template": {"boot_disk_deleted_with_vm"},
}

var diskConditionText = map[string]string{
	"os_disk_deleted_with_vm":     "its OS disk (os_disk, deleted with the VM)",
	"boot_disk_deleted_with_vm":   "its boot disk (boot_disk auto_delete)",
	"root_volume_deleted_with_vm": "its root volume (root_block_device delete_on_termination)",
	"data_disks_deleted_with_vm":  "its data disks (deleted on termination)",
}

// diskTypes hold a VM's data apart from it; attachTypes attach them. A disk
// the plan destroys too, attached to a destroyed VM directly or through an
// attachment, shares its lifecycle.
var (
	diskTypes   = map[string]bool{"aws_ebs_volume": true, "azurerm_managed_disk": true, "google_compute_disk": true, "google_compute_region_disk": true}
	attachTypes = map[string]bool{"aws_volume_attachment": true, "azurerm_virtual_machine_data_disk_attachment": true, "google_compute_attached_disk": true}
)

// diskLoss finds VMs destroyed (deleted or replaced, create-before-destroy
// too: the old VM goes with its disk) whose OS or boot disk is deleted with
// them. A VM of a stateful class (by policy) has its data-loss finding
// already. A change the policy ignores keeps its finding, for the reviewer,
// without points.
func (s *scorer) diskLoss(p *plan.Plan, g *graph.Graph, risks []ChangeRisk) []Finding {
	var out []Finding
	for _, r := range risks {
		c := r.Change
		conds := diskConditions[c.Type]
		if conds == nil || !c.Kind.Destructive() || c.Deposed != "" || c.Mode != "managed" || s.classOfChange(c).class.Stateful {
			continue
		}
		var dies []string
		data := false
		for _, name := range conds {
			if slices.Contains(c.DiesWith, name) {
				dies = append(dies, diskConditionText[name])
				data = data || name == "data_disks_deleted_with_vm"
			}
		}
		attached := s.attachedDisksDestroyed(g, c.Address)
		if len(dies) == 0 && len(attached) == 0 {
			continue
		}
		f := Finding{Severity: SeverityMedium, Address: c.Address, Points: bootDiskLossPoints}
		parts := dies
		if len(attached) > 0 {
			parts = append(parts, "its attached disks "+strings.Join(attached, ", ")+", destroyed in this plan too")
		}
		f.Message = fmt.Sprintf("%s (%s) is %s, which deletes %s too: what was written to the disks since the VM was built is lost",
			c.Address, c.Type, destroyVerb(c.Kind), strings.Join(parts, " and "))
		if data || len(attached) > 0 {
			f.Severity, f.Points = SeverityHigh, dataDiskLossPoints
		}
		if r.Ignored != "" {
			f.Points = 0
			f.Message += " (the policy ignores the change: no points)"
		}
		out = append(out, f)
	}
	return out
}

// attachedDisksDestroyed are the disks, destroyed by this plan, that a VM
// references or that an attachment of the VM references.
func (s *scorer) attachedDisksDestroyed(g *graph.Graph, vm string) []string {
	var out []string
	seen := map[string]bool{}
	typeOf := func(addr string) string {
		if i, ok := g.Index(addr); ok {
			if a, ok := g.Address(i); ok {
				return a.Type
			}
		}
		return ""
	}
	check := func(addr string) {
		if diskTypes[typeOf(addr)] && s.destroyed[addr] && !seen[addr] {
			seen[addr] = true
			out = append(out, addr)
		}
	}
	for _, n := range g.DependsOn(vm) {
		check(n)
	}
	for _, n := range g.Dependents(vm) {
		if attachTypes[typeOf(n)] {
			for _, d := range g.DependsOn(n) {
				check(d)
			}
		}
	}
	sort.Strings(out)
	return out
}

func destroyVerb(k plan.Kind) string {
	switch k {
	case plan.KindReplace:
		return "destroyed and recreated"
	case plan.KindReplaceCBD:
		return "replaced (create before destroy)"
	}
	return "deleted"
}
