package scoring

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/scoring/catalog"
	"github.com/blast-dev/blast/scoring/policy"
)

// The cases of issue #13: each failed on main before it (the plan passed)
// and needs sign-off after.

func loadTestdata(t *testing.T, name string) *plan.Plan {
	t.Helper()
	plans, err := planjson.Load(filepath.Join("testdata", "issue13", name), planjson.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return plans[0]
}

// only is p with its changes cut to the one at addr.
func only(t *testing.T, p *plan.Plan, addr string) *plan.Plan {
	t.Helper()
	q := *p
	q.Changes = nil
	for _, c := range p.Changes {
		if c.Address == addr {
			q.Changes = append(q.Changes, c)
		}
	}
	if len(q.Changes) == 0 {
		t.Fatalf("no change %s", addr)
	}
	return &q
}

func TestRunsCommands(t *testing.T) {
	p := loadFixture(t, "provisioners")
	// terraform_data.* marked critical, as in the issue: without the
	// finding a create scored 1.
	pol := mustPolicy(t, "critical: [\"terraform_data.*\"]\n")
	for _, pl := range []policy.Policy{policy.Default(), pol} {
		a := assess(t, pl, p)
		var got []string
		for _, f := range findings(a, RuleRunsCommands) {
			got = append(got, f.Address)
			if f.Severity != SeverityHigh || f.Points != runsCommandsPoints {
				t.Errorf("%s: %+v", f.Address, f)
			}
			if strings.Contains(f.Message, "PROVISIONER-SECRET") || strings.Contains(f.Message, "rm -rf") {
				t.Errorf("%s: the message holds a command: %s", f.Address, f.Message)
			}
		}
		want := []string{"module.host.terraform_data.agent", "terraform_data.bootstrap", "terraform_data.cleanup", "terraform_data.retired[1]"}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("runs-commands at %v, want %v (not the update terraform_data.configured)", got, want)
		}
		if Gate(a, 0) != DecisionSignoffRequired {
			t.Errorf("the plan scores %d and passes", a.Score)
		}
	}
	// Each alone reaches the threshold: the create of bootstrap, as in the
	// issue.
	if a := assess(t, pol, only(t, p, "terraform_data.bootstrap")); a.Score < policy.DefaultThreshold {
		t.Errorf("a create with a local-exec scores %d", a.Score)
	}
	// The policy may ignore it by address, with a reason and an expiry.
	ign := mustPolicy(t, `ignore:
  - address: terraform_data.bootstrap
    rule: runs-commands
    reason: the bootstrap script is reviewed in scripts/
    expires: 2026-12-31
`)
	if a := assess(t, ign, only(t, p, "terraform_data.bootstrap")); a.Score >= policy.DefaultThreshold || len(a.Ignored) != 1 {
		t.Errorf("ignored: score %d, ignored %+v", a.Score, a.Ignored)
	}
	// An update runs no provisioner.
	if a := assess(t, policy.Default(), only(t, p, "terraform_data.configured")); len(a.Findings) != 0 || a.Score >= policy.DefaultThreshold {
		t.Errorf("update: score %d, findings %+v", a.Score, a.Findings)
	}
}

func TestMovedAddressesInPolicy(t *testing.T) {
	p := loadFixture(t, "moved-policy")
	a := assess(t, fixturePolicy(t, "moved-policy"), p)
	for _, cr := range a.Changes {
		if cr.Change.MovedFrom == "" || cr.Change.Kind != plan.KindReplace {
			t.Fatalf("%s: %s moved from %q", cr.Change.Address, cr.Change.Kind, cr.Change.MovedFrom)
		}
		if !cr.Critical || cr.Ignored != "" || cr.Points < policy.DefaultThreshold {
			t.Errorf("%s (was %s): critical %v, ignored %q, %.1f points", cr.Change.Address, cr.Change.MovedFrom, cr.Critical, cr.Ignored, cr.Points)
		}
	}
	if len(a.Ignored) != 0 {
		t.Errorf("ignored %+v", a.Ignored)
	}
	// Ignored when both addresses match.
	both := mustPolicy(t, `ignore:
  - address: terraform_data.*cache
    reason: scratch
`)
	a = assess(t, both, only(t, p, "terraform_data.tmp_cache"))
	if len(a.Ignored) != 1 || a.Changes[0].Points != 0 {
		t.Errorf("both addresses match: ignored %+v, %.1f points", a.Ignored, a.Changes[0].Points)
	}
}

func TestLeavesManagement(t *testing.T) {
	p := loadFixture(t, "forget")
	forgot := only(t, p, "terraform_data.legacy_queue")
	if forgot.Changes[0].Kind != plan.KindForget {
		t.Fatalf("%s is %s", forgot.Changes[0].Address, forgot.Changes[0].Kind)
	}
	if a := assess(t, policy.Default(), forgot); a.Score != 0 || len(a.Findings) != 0 {
		t.Errorf("a forget of glue: score %d, findings %+v", a.Score, a.Findings)
	}
	for name, pol := range map[string]policy.Policy{
		"critical": mustPolicy(t, "critical: [\"terraform_data.legacy_*\"]\n"),
		"stateful": mustPolicy(t, "classes:\n  terraform_data: stateful_data\n"),
	} {
		a := assess(t, pol, forgot)
		if f := findings(a, RuleLeavesManagement); len(f) != 1 || a.Score < policy.DefaultThreshold {
			t.Errorf("%s forget: score %d, findings %+v", name, a.Score, a.Findings)
		}
	}
	// An import of a stateful type is noted, for no points.
	a := assess(t, fixturePolicy(t, "import"), loadFixture(t, "import"))
	if f := findings(a, RuleLeavesManagement); len(f) != 1 || f[0].Severity != SeverityLow || f[0].Points != 0 || !strings.Contains(f[0].Message, "imported") {
		t.Errorf("import: %+v", a.Findings)
	}
}

func TestProtectionRemoved(t *testing.T) {
	p := loadTestdata(t, "protection-removed.json")
	want := map[string][]string{
		"aws_db_instance.orders":                     {"deletion_protection_disabled", "final_snapshot_skipped", "backup_retention_shortened"},
		"aws_s3_bucket_versioning.logs":              {"versioning_suspended"},
		"aws_s3_bucket_lifecycle_configuration.logs": {"expiration_shortened"},
		"aws_s3_bucket.assets":                       {"force_destroy_enabled"},
		"aws_kms_key.data":                           {"key_disabled"},
	}
	for addr, conds := range want {
		q := only(t, p, addr)
		if got := q.Changes[0].Weakened; !slices.Equal(got, conds) {
			t.Errorf("%s: weakened %v, want %v", addr, got, conds)
		}
		a := assess(t, policy.Default(), q)
		if f := findings(a, RuleProtectionRemoved); len(f) != 1 || a.Score < policy.DefaultThreshold {
			t.Errorf("%s: score %d, findings %+v", addr, a.Score, a.Findings)
		}
	}
	if a := assess(t, policy.Default(), only(t, p, "aws_instance.web")); len(a.Findings) != 0 || a.Score != 1 {
		t.Errorf("a plain update: score %d, findings %+v", a.Score, a.Findings)
	}
}

func TestProviderTypesWeighedAsWhatTheyAre(t *testing.T) {
	p := loadTestdata(t, "provider-types.json")
	for addr, class := range map[string]string{
		"awscc_rds_db_instance.orders": "stateful_data",
		"azapi_resource.orders_db":     "stateful_data",
		"kubernetes_manifest.prod":     "account_scope",
	} {
		a := assess(t, policy.Default(), only(t, p, addr))
		if a.Changes[0].Class != class || a.Score < policy.DefaultThreshold {
			t.Errorf("%s: class %s, score %d; want %s, sign-off", addr, a.Changes[0].Class, a.Score, class)
		}
	}
	for _, tc := range []struct{ typ, sub, class string }{
		{"awscc_s3_bucket", "", "stateful_data"},
		{"awscc_dynamodb_table", "", "stateful_data"},
		{"awscc_kms_key", "", "encryption_key"},
		{"awscc_ec2_vpc", "", "network_core"},
		{"awscc_iam_role", "", "identity"},
		{"awscc_rds_db_parameter_group", "", "storage_config"},
		{"azapi_resource", "microsoft.keyvault/vaults/secrets", "secret"},
		{"azapi_resource", "microsoft.network/dnszones", "dns_zone"},
		{"azapi_resource", "microsoft.network/dnszones/a", "dns_edge"},
		{"azapi_resource", "microsoft.unknown/things", "default"},
		{"kubernetes_manifest", "PersistentVolumeClaim", "stateful_data"},
		{"kubernetes_manifest", "Deployment", "container_workload"},
		{"aws_db_instance", "Namespace", "stateful_data"},
	} {
		if c, _, _ := catalog.ClassifySubtype(tc.typ, tc.sub); c.Name != tc.class {
			t.Errorf("%s %s: class %s, want %s", tc.typ, tc.sub, c.Name, tc.class)
		}
	}
}
