package planjson

import (
	"slices"
	"strings"
	"testing"
)

// TestDiesWith checks the disk conditions on before values shaped as the
// providers document them, in both decoders, and that no value is kept.
func TestDiesWith(t *testing.T) {
	cases := []struct {
		name, typ, actions, before string
		want                       []string
	}{
		{"azure os_disk", "azurerm_linux_virtual_machine", `"delete","create"`,
			`{"name":"vm-secret-name","os_disk":[{"caching":"ReadWrite","name":"osdisk-1","storage_account_type":"Standard_LRS"}]}`,
			[]string{"os_disk_deleted_with_vm"}},
		{"azure legacy vm", "azurerm_virtual_machine", `"delete"`,
			`{"delete_os_disk_on_termination":true,"delete_data_disks_on_termination":true,"storage_data_disk":[{"name":"data-1","lun":0}],"storage_os_disk":[{"name":"os"}]}`,
			[]string{"os_disk_deleted_with_vm", "data_disks_deleted_with_vm"}},
		{"azure legacy vm keeps its disks", "azurerm_virtual_machine", `"delete"`,
			`{"delete_os_disk_on_termination":false,"delete_data_disks_on_termination":true,"storage_data_disk":[]}`, nil},
		{"google boot disk auto_delete", "google_compute_instance", `"delete","create"`,
			`{"boot_disk":[{"auto_delete":true,"device_name":"persistent-disk-0"}],"attached_disk":[]}`,
			[]string{"boot_disk_deleted_with_vm"}},
		{"google boot disk kept", "google_compute_instance", `"delete","create"`,
			`{"boot_disk":[{"auto_delete":false}]}`, nil},
		{"aws root and data volumes", "aws_instance", `"create","delete"`,
			`{"root_block_device":[{"delete_on_termination":true,"volume_size":8}],"ebs_block_device":[{"delete_on_termination":false},{"delete_on_termination":true}]}`,
			[]string{"root_volume_deleted_with_vm", "data_disks_deleted_with_vm"}},
		{"aws volumes kept", "aws_instance", `"delete"`,
			`{"root_block_device":[{"delete_on_termination":false}],"ebs_block_device":[{"delete_on_termination":"true"}]}`, nil},
		{"not destroyed", "aws_instance", `"update"`,
			`{"root_block_device":[{"delete_on_termination":true}]}`, nil},
		{"odd shapes", "aws_instance", `"delete"`,
			`{"root_block_device":{"delete_on_termination":true},"os_disk":[],"boot_disk":[null,1,"x"]}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(`{"format_version":"1.2","resource_changes":[{"address":"` + tc.typ + `.a","mode":"managed","type":"` + tc.typ +
				`","name":"a","change":{"actions":[` + tc.actions + `],"before":` + tc.before + `,"after":null}}]}`)
			agree(t, data)
			plans, err := parseReference("x.json", data)
			if err != nil {
				t.Fatal(err)
			}
			got := plans[0].Changes[0].DiesWith
			if !slices.Equal(got, tc.want) {
				t.Errorf("DiesWith = %q, want %q", got, tc.want)
			}
			for _, name := range got {
				if strings.Contains(tc.before, name) {
					t.Errorf("condition %q repeats the input", name)
				}
			}
		})
	}
}
