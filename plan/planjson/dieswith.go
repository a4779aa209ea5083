package planjson

import (
	"slices"
)

// diesWithChecks are conditions of a prior object that say what is destroyed
// along with it: disks whose lifecycle is the instance's. Like protections,
// each reads a few top-level attributes of the before value, and only its
// name is kept (plan.Change.DiesWith), never a value. The scoring package
// decides for which types a name matters: os_disk is a block of Azure's VMs
// and of its scale sets alike.
//
// The attributes are those of the providers' documented schemas:
// azurerm_linux_virtual_machine and azurerm_windows_virtual_machine (os_disk,
// always deleted with the VM), azurerm_virtual_machine
// (delete_os_disk_on_termination, delete_data_disks_on_termination with
// storage_data_disk), google_compute_instance (boot_disk.0.auto_delete) and
// aws_instance (root_block_device.0 and ebs_block_device.*
// delete_on_termination).
var diesWithChecks = []struct {
	name  string
	attrs []string
	holds func(obj map[string]any) bool
}{
	{"os_disk_deleted_with_vm", []string{"os_disk"}, func(o map[string]any) bool { return len(objects(o["os_disk"])) > 0 }},
	{"os_disk_deleted_with_vm", []string{"delete_os_disk_on_termination"}, func(o map[string]any) bool { return isTrue(o["delete_os_disk_on_termination"]) }},
	{"boot_disk_deleted_with_vm", []string{"boot_disk"}, func(o map[string]any) bool { return anyTrue(o["boot_disk"], "auto_delete") }},
	{"root_volume_deleted_with_vm", []string{"root_block_device"}, func(o map[string]any) bool {
		return anyTrue(o["root_block_device"], "delete_on_termination")
	}},
	{"data_disks_deleted_with_vm", []string{"ebs_block_device"}, func(o map[string]any) bool {
		return anyTrue(o["ebs_block_device"], "delete_on_termination")
	}},
	{"data_disks_deleted_with_vm", []string{"delete_data_disks_on_termination", "storage_data_disk"}, func(o map[string]any) bool {
		return isTrue(o["delete_data_disks_on_termination"]) && len(objects(o["storage_data_disk"])) > 0
	}},
}

// objects is a nested block's elements: a list (or set) of objects.
func objects(v any) []map[string]any {
	list, _ := v.([]any)
	var out []map[string]any
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// anyTrue reports whether an element of a nested block has attr set to true.
func anyTrue(block any, attr string) bool {
	for _, m := range objects(block) {
		if isTrue(m[attr]) {
			return true
		}
	}
	return false
}

func diesWithOf(obj map[string]any) []string {
	var out []string
	for _, c := range diesWithChecks {
		if c.holds(obj) && !slices.Contains(out, c.name) {
			out = append(out, c.name)
		}
	}
	return out
}

// diesWithCanon is diesWith over the canonical before value of the fast
// decoder: it decodes only the members the checks read.
func diesWithCanon(before []byte) []string {
	vals := decodeMembers(before, func(key []byte) bool {
		for _, c := range diesWithChecks {
			if slices.Contains(c.attrs, string(key)) {
				return true
			}
		}
		return false
	})
	if vals == nil {
		return nil
	}
	return diesWithOf(vals)
}
