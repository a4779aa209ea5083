package planjson

import (
	"slices"
	"strings"
	"testing"

	"github.com/blast-dev/blast/plan"
)

// TestWeakened checks the protection-removed conditions on updates shaped
// as the providers document them, in both decoders, and that no value is
// kept.
func TestWeakened(t *testing.T) {
	cases := []struct {
		name, typ, actions, before, after string
		want                              []string
	}{
		{"rds protection off, final snapshot skipped, retention 0", "aws_db_instance", `"update"`,
			`{"identifier":"orders-secret-id","deletion_protection":true,"skip_final_snapshot":false,"backup_retention_period":7}`,
			`{"identifier":"orders-secret-id","deletion_protection":false,"skip_final_snapshot":true,"backup_retention_period":0}`,
			[]string{"deletion_protection_disabled", "final_snapshot_skipped", "backup_retention_shortened"}},
		{"retention shortened, not to 0", "aws_rds_cluster", `"update"`,
			`{"backup_retention_period":35}`, `{"backup_retention_period":1}`, []string{"backup_retention_shortened"}},
		{"retention lengthened, protection on", "aws_db_instance", `"update"`,
			`{"backup_retention_period":1,"deletion_protection":false}`, `{"backup_retention_period":7,"deletion_protection":true}`, nil},
		{"retention unknown after", "aws_db_instance", `"update"`,
			`{"backup_retention_period":7}`, `{"backup_retention_period":null}`, nil},
		{"s3 force_destroy on", "aws_s3_bucket", `"update"`,
			`{"bucket":"b","force_destroy":false}`, `{"bucket":"b","force_destroy":true}`, []string{"force_destroy_enabled"}},
		{"s3 versioning suspended", "aws_s3_bucket_versioning", `"update"`,
			`{"bucket":"b","versioning_configuration":[{"mfa_delete":"","status":"Enabled"}]}`,
			`{"bucket":"b","versioning_configuration":[{"mfa_delete":"","status":"Suspended"}]}`, []string{"versioning_suspended"}},
		{"s3 versioning enabled", "aws_s3_bucket_versioning", `"update"`,
			`{"versioning_configuration":[{"status":"Suspended"}]}`, `{"versioning_configuration":[{"status":"Enabled"}]}`, nil},
		{"legacy bucket and google bucket versioning off", "google_storage_bucket", `"update"`,
			`{"versioning":[{"enabled":true}]}`, `{"versioning":[{"enabled":false}]}`, []string{"versioning_suspended"}},
		{"expiry cut to one day", "aws_s3_bucket_lifecycle_configuration", `"update"`,
			`{"rule":[{"id":"logs","status":"Enabled","expiration":[{"days":365}]},{"id":"tmp","status":"Enabled","expiration":[{"days":1}]}]}`,
			`{"rule":[{"id":"tmp","status":"Enabled","expiration":[{"days":1}]},{"id":"logs","status":"Enabled","expiration":[{"days":1}]}]}`,
			[]string{"expiration_shortened"}},
		{"expiry reordered, unchanged", "aws_s3_bucket_lifecycle_configuration", `"update"`,
			`{"rule":[{"id":"logs","status":"Enabled","expiration":[{"days":365}]},{"id":"tmp","status":"Enabled","expiration":[{"days":1}]}]}`,
			`{"rule":[{"id":"tmp","status":"Enabled","expiration":[{"days":1}]},{"id":"logs","status":"Enabled","expiration":[{"days":365}]}]}`, nil},
		{"expiry enabled where it was disabled", "aws_s3_bucket_lifecycle_configuration", `"update"`,
			`{"rule":[{"id":"all","status":"Disabled","expiration":[{"days":30}]}]}`,
			`{"rule":[{"id":"all","status":"Enabled","expiration":[{"days":30}]}]}`, []string{"expiration_shortened"}},
		{"noncurrent versions expire sooner", "aws_s3_bucket_lifecycle_configuration", `"update"`,
			`{"rule":[{"id":"v","status":"Enabled","noncurrent_version_expiration":[{"noncurrent_days":90}]}]}`,
			`{"rule":[{"id":"v","status":"Enabled","noncurrent_version_expiration":[{"noncurrent_days":1}]}]}`, []string{"expiration_shortened"}},
		{"legacy bucket lifecycle_rule gains an expiry", "aws_s3_bucket", `"update"`,
			`{"lifecycle_rule":[]}`, `{"lifecycle_rule":[{"id":"x","enabled":true,"expiration":[{"days":1}]}]}`, []string{"expiration_shortened"}},
		{"kms key disabled, deletion window shortened", "aws_kms_key", `"update"`,
			`{"is_enabled":true,"deletion_window_in_days":30}`, `{"is_enabled":false,"deletion_window_in_days":7}`,
			[]string{"key_disabled", "key_deletion_window_shortened"}},
		{"is_enabled of another type", "aws_something", `"update"`,
			`{"is_enabled":true}`, `{"is_enabled":false}`, nil},
		{"google key version disabled", "google_kms_crypto_key_version", `"update"`,
			`{"state":"ENABLED"}`, `{"state":"DISABLED"}`, []string{"key_disabled"}},
		{"an event rule's state is no key", "aws_cloudwatch_event_rule", `"update"`,
			`{"state":"ENABLED"}`, `{"state":"DISABLED"}`, nil},
		{"dynamodb protection and recovery off", "aws_dynamodb_table", `"update"`,
			`{"deletion_protection_enabled":true,"point_in_time_recovery":[{"enabled":true}]}`,
			`{"deletion_protection_enabled":false,"point_in_time_recovery":[{"enabled":false}]}`,
			[]string{"deletion_protection_disabled", "point_in_time_recovery_disabled"}},
		{"cloud sql backups off", "google_sql_database_instance", `"update"`,
			`{"deletion_protection":true,"settings":[{"backup_configuration":[{"enabled":true}]}]}`,
			`{"deletion_protection":true,"settings":[{"backup_configuration":[{"enabled":false}]}]}`, []string{"backups_disabled"}},
		{"key vault", "azurerm_key_vault", `"update"`,
			`{"purge_protection_enabled":true,"soft_delete_retention_days":90}`,
			`{"purge_protection_enabled":false,"soft_delete_retention_days":7}`,
			[]string{"purge_protection_disabled", "soft_delete_retention_shortened"}},
		{"a delete is no weakening", "aws_db_instance", `"delete"`,
			`{"deletion_protection":true}`, `null`, nil},
		{"a replace is no weakening", "aws_db_instance", `"delete","create"`,
			`{"deletion_protection":true}`, `{"deletion_protection":false}`, nil},
		{"odd shapes", "aws_s3_bucket_lifecycle_configuration", `"update"`,
			`{"rule":{"expiration":1},"versioning":[null],"deletion_protection":"true","backup_retention_period":"7"}`,
			`{"rule":[1,null,{"expiration":[{"days":"1"}]}],"versioning":[],"deletion_protection":false,"backup_retention_period":0}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(`{"format_version":"1.2","resource_changes":[{"address":"` + tc.typ + `.a","mode":"managed","type":"` + tc.typ +
				`","name":"a","change":{"actions":[` + tc.actions + `],"before":` + tc.before + `,"after":` + tc.after + `}}]}`)
			agree(t, data)
			for _, parse := range []func(string, []byte) ([]*plan.Plan, error){parseReference, Parse} {
				plans, err := parse("x.json", data)
				if err != nil {
					t.Fatal(err)
				}
				got := plans[0].Changes[0].Weakened
				if !slices.Equal(got, tc.want) {
					t.Errorf("Weakened = %q, want %q", got, tc.want)
				}
				for _, name := range got {
					if strings.Contains(tc.before+tc.after, name) {
						t.Errorf("condition %q repeats the input", name)
					}
				}
			}
		})
	}
}

// TestSubtype checks what the catalog reads of azapi_resource and
// kubernetes_manifest, in both decoders.
func TestSubtype(t *testing.T) {
	cases := []struct {
		name, typ, actions, before, after, want string
	}{
		{"azapi create", "azapi_resource", `"create"`, `null`,
			`{"type":"Microsoft.Sql/servers/databases@2021-11-01","name":"db","body":{"properties":{}}}`, "microsoft.sql/servers/databases"},
		{"azapi delete reads before", "azapi_resource", `"delete"`,
			`{"type":"Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01"}`, `null`, "microsoft.dbforpostgresql/flexibleservers"},
		{"azapi type unknown after", "azapi_resource", `"delete","create"`,
			`{"type":"Microsoft.Storage/storageAccounts@2023-01-01"}`, `{"name":"x"}`, "microsoft.storage/storageaccounts"},
		{"manifest namespace", "kubernetes_manifest", `"delete"`,
			`{"manifest":{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"prod"}},"object":{}}`, `null`, "Namespace"},
		{"manifest pvc", "kubernetes_manifest", `"create"`, `null`,
			`{"manifest":{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data"}}}`, "PersistentVolumeClaim"},
		{"other types have none", "aws_db_instance", `"delete"`, `{"type":"gp2","manifest":{"kind":"Namespace"}}`, `null`, ""},
		{"odd shapes", "azapi_resource", `"delete"`, `{"type":7,"manifest":"x"}`, `null`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(`{"format_version":"1.2","resource_changes":[{"address":"` + tc.typ + `.a","mode":"managed","type":"` + tc.typ +
				`","name":"a","change":{"actions":[` + tc.actions + `],"before":` + tc.before + `,"after":` + tc.after + `}}]}`)
			agree(t, data)
			plans, err := parseReference("x.json", data)
			if err != nil {
				t.Fatal(err)
			}
			if got := plans[0].Changes[0].Subtype; got != tc.want {
				t.Errorf("Subtype = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestProvisioners checks that both decoders keep each provisioner's type
// from the configuration, in modules too, and nothing of its expressions.
func TestProvisioners(t *testing.T) {
	data := []byte(`{"format_version":"1.2","resource_changes":[],"configuration":{"root_module":{
		"resources":[{"address":"terraform_data.a","mode":"managed","type":"terraform_data","name":"a",
			"provisioners":[{"type":"local-exec","expressions":{"command":{"constant_value":"rm -rf /secret-path"}}},{"type":"file"}]}],
		"module_calls":{"m":{"source":"./m","module":{"resources":[{"address":"null_resource.b","mode":"managed","type":"null_resource","name":"b",
			"provisioners":[{"type":"remote-exec","expressions":{"inline":{"references":["var.x"]}}}]}]}}}}}}`)
	agree(t, data)
	plans, err := Parse("x.json", data)
	if err != nil {
		t.Fatal(err)
	}
	root := plans[0].Config.Root
	if got := root.Resources[0].Provisioners; !slices.Equal(got, []plan.Provisioner{{Type: "local-exec"}, {Type: "file"}}) {
		t.Errorf("root provisioners = %v", got)
	}
	if got := root.ModuleCalls["m"].Module.Resources[0].Provisioners; !slices.Equal(got, []plan.Provisioner{{Type: "remote-exec"}}) {
		t.Errorf("module provisioners = %v", got)
	}
	if got := root.ModuleCalls["m"].Module.Resources[0].References; !slices.Equal(got, []string{"var.x"}) {
		t.Errorf("a provisioner's references still feed the graph: got %v", got)
	}
}
