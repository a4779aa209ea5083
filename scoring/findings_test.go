package scoring

import (
	"fmt"
	"strings"
	"testing"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/scoring/policy"
)

func findings(a *Assessment, rule string) []Finding {
	var out []Finding
	for _, f := range a.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

func TestDataLossFinding(t *testing.T) {
	for _, k := range []plan.Kind{plan.KindDelete, plan.KindReplace, plan.KindReplaceCBD} {
		db := mk("aws_db_instance.main", k)
		bucket := mk("aws_s3_bucket.logs", k)
		bucket.Unprotected = []string{"force_destroy"}
		db2 := mk("aws_db_instance.legacy", k)
		db2.Unprotected = []string{"deletion_protection", "skip_final_snapshot"}
		vm := mk("aws_instance.web", k)
		deposed := mk("aws_db_instance.main", plan.KindDelete)
		deposed.Deposed = "abcd1234"
		a := assess(t, policy.Default(), mkPlan([]plan.Change{db, bucket, db2, vm, deposed, mk("aws_db_instance.kept", plan.KindUpdate)}))
		got := map[string]Finding{}
		for _, f := range findings(a, RuleDataLoss) {
			if _, dup := got[f.Address]; dup {
				t.Errorf("%s: two data-loss findings for %s (the deposed object is the same address)", k, f.Address)
			}
			got[f.Address] = f
		}
		if len(got) != 3 {
			t.Errorf("%s: data-loss findings for %d addresses, want the db, the bucket and the legacy db: %+v", k, len(got), a.Findings)
		}
		if f := got["aws_db_instance.main"]; f.Severity != SeverityHigh || !strings.Contains(f.Message, "aws_db_instance.main (aws_db_instance)") || f.Points != 0 {
			t.Errorf("%s: protected db: %+v", k, f)
		}
		if f := got["aws_s3_bucket.logs"]; f.Severity != SeverityCritical || !strings.Contains(f.Message, "no protection (force_destroy)") {
			t.Errorf("%s: unprotected bucket: %+v", k, f)
		}
		if f := got["aws_db_instance.legacy"]; f.Severity != SeverityCritical || !strings.Contains(f.Message, "deletion_protection, skip_final_snapshot") {
			t.Errorf("%s: unprotected db: %+v", k, f)
		}
		// The most severe come first.
		if a.Findings[0].Severity != SeverityCritical {
			t.Errorf("%s: first finding %+v", k, a.Findings[0])
		}
		// The change itself carries the points: data-loss and unprotected factors.
		for _, cr := range a.Changes {
			names := map[string]float64{}
			for _, f := range cr.Factors {
				names[f.Name] = f.Points
			}
			switch {
			case cr.Change.Type == "aws_instance":
				if _, ok := names["data-loss"]; ok {
					t.Errorf("%s: an instance has a data-loss factor", k)
				}
			case cr.Change.Key() == "aws_s3_bucket.logs":
				if names["data-loss"] != dataLossPoints || names["unprotected"] != unprotectedPoints {
					t.Errorf("%s: bucket factors %+v", k, cr.Factors)
				}
			}
		}
	}
}

func TestEnvironmentTeardownFinding(t *testing.T) {
	a := assess(t, fixturePolicy(t, "demo-teardown"), loadFixture(t, "demo-teardown"))
	want := map[string]string{
		"":           "17 of 21 managed resources (81%) of the whole configuration are destroyed or replaced",
		"module.env": "17 of 18 managed resources (94%) of module.env are destroyed or replaced",
	}
	got := findings(a, RuleEnvironmentTeardown)
	if len(got) != len(want) {
		t.Fatalf("teardown findings %+v", got)
	}
	for _, f := range got {
		if f.Message != want[f.Address] || f.Severity != SeverityCritical || f.Points != teardownPoints {
			t.Errorf("finding %+v, want message %q", f, want[f.Address])
		}
	}
	// Nested modules: the inner instance and every module around it; 6 of
	// 14 is not most of the whole configuration.
	var cs []plan.Change
	for i := 0; i < 6; i++ {
		cs = append(cs, mk(fmt.Sprintf(`module.app["eu"].module.db.aws_db_instance.r%d`, i), plan.KindDelete))
	}
	for i := 0; i < 8; i++ {
		cs = append(cs, mk(fmt.Sprintf(`module.app["us"].module.db.aws_db_instance.r%d`, i), plan.KindNoOp))
	}
	a = assess(t, policy.Default(), mkPlan(cs))
	var addrs []string
	for _, f := range findings(a, RuleEnvironmentTeardown) {
		addrs = append(addrs, f.Address)
	}
	if strings.Join(addrs, " ") != `module.app["eu"] module.app["eu"].module.db` {
		t.Errorf("teardown findings for %q, want module.app[\"eu\"] and its db, not module.app[\"us\"]", addrs)
	}
	// A whole configuration of fewer than five resources is not an
	// environment.
	a = assess(t, policy.Default(), mkPlan([]plan.Change{mk("terraform_data.a", plan.KindDelete), mk("terraform_data.b", plan.KindDelete)}))
	if len(findings(a, RuleEnvironmentTeardown)) != 0 {
		t.Errorf("2 resources: %+v", a.Findings)
	}
}

func TestMovedCandidateFinding(t *testing.T) {
	a := assess(t, policy.Default(), loadFixture(t, "for-each-key"))
	got := findings(a, RuleMovedCandidate)
	if len(got) != 1 {
		t.Fatalf("moved-candidate findings %+v", a.Findings)
	}
	f := got[0]
	wantFix := "moved {\n" +
		"  from = terraform_data.database_replica[\"us-east\"]\n" +
		"  to   = terraform_data.database_replica[\"us-east-1\"]\n" +
		"}"
	if f.Fix != wantFix {
		t.Errorf("fix:\n%s\nwant:\n%s", f.Fix, wantFix)
	}
	if f.Address != `terraform_data.database_replica["us-east"]` || f.Severity != SeverityMedium ||
		!strings.Contains(f.Message, `terraform_data.database_replica["us-east-1"] created`) {
		t.Errorf("finding %+v", f)
	}
	// Different known values: no suggestion. Same values, other type: none.
	del := mk("aws_instance.a", plan.KindDelete)
	del.Attrs = map[string]string{"ami": "1", "instance_type": "2", "name": "old"}
	other := mk("aws_instance.b", plan.KindCreate)
	other.Attrs = map[string]string{"ami": "9", "instance_type": "8", "name": "new"}
	otherType := mk("aws_ebs_volume.c", plan.KindCreate)
	otherType.Attrs = map[string]string{"ami": "1", "instance_type": "2"}
	a = assess(t, policy.Default(), mkPlan([]plan.Change{del, other, otherType}))
	if len(findings(a, RuleMovedCandidate)) != 0 {
		t.Errorf("unrelated delete and creates: %+v", a.Findings)
	}
	// Only the name differs: a rename.
	renamed := mk("aws_instance.b", plan.KindCreate)
	renamed.Attrs = map[string]string{"ami": "1", "instance_type": "2", "name": "new"}
	a = assess(t, policy.Default(), mkPlan([]plan.Change{del, renamed}))
	if got := findings(a, RuleMovedCandidate); len(got) != 1 || got[0].Fix != "moved {\n  from = aws_instance.a\n  to   = aws_instance.b\n}" {
		t.Errorf("renamed: %+v", got)
	}
}

func TestTrivialReplaceFinding(t *testing.T) {
	for _, tc := range []struct {
		forcedBy []string
		kind     plan.Kind
		fires    bool
	}{
		{[]string{"tags"}, plan.KindReplace, true},
		{[]string{"name"}, plan.KindReplace, true},
		{[]string{"name", "tags"}, plan.KindReplaceCBD, true},
		{[]string{`tags["Team"]`}, plan.KindReplace, true},
		{[]string{"tags.Team"}, plan.KindReplace, true},
		{[]string{"ami"}, plan.KindReplace, false},
		{[]string{"ami", "tags"}, plan.KindReplace, false},
		{[]string{"name_servers"}, plan.KindReplace, false},
		{nil, plan.KindReplace, false},
		{[]string{"tags"}, plan.KindUpdate, false},
	} {
		c := mk("aws_instance.web", tc.kind)
		c.ForcedBy = tc.forcedBy
		a := assess(t, policy.Default(), mkPlan([]plan.Change{c}))
		got := findings(a, RuleTrivialReplace)
		if (len(got) == 1) != tc.fires || len(got) > 1 {
			t.Errorf("%s forced by %v: findings %+v, want it to fire: %v", tc.kind, tc.forcedBy, got, tc.fires)
			continue
		}
		if tc.fires && !strings.Contains(got[0].Message, "only because "+strings.Join(tc.forcedBy, ", ")+" changed") {
			t.Errorf("message %q does not name %v", got[0].Message, tc.forcedBy)
		}
	}
}

func TestDriftRevertFinding(t *testing.T) {
	drift := func(addr string, k plan.Kind) plan.Change { return mk(addr, k) }
	p := mkPlan([]plan.Change{
		mk("aws_security_group.web", plan.KindUpdate),
		mk("aws_instance.app", plan.KindReplace),
		mk("aws_instance.quiet", plan.KindUpdate),
		mk("aws_instance.same", plan.KindNoOp),
	})
	p.Drift = []plan.Change{
		drift("aws_security_group.web", plan.KindUpdate),
		drift("aws_instance.app", plan.KindUpdate),
		drift("aws_instance.quiet", plan.KindNoOp),
		drift("aws_instance.same", plan.KindUpdate),
	}
	a := assess(t, policy.Default(), p)
	got := map[string]Finding{}
	for _, f := range findings(a, RuleDriftRevert) {
		got[f.Address] = f
	}
	if len(got) != 2 {
		t.Fatalf("drift-revert findings %+v, want the security group and the app", a.Findings)
	}
	if f := got["aws_security_group.web"]; f.Severity != SeverityLow || !strings.Contains(f.Message, "this plan updates it") {
		t.Errorf("update: %+v", f)
	}
	if f := got["aws_instance.app"]; f.Severity != SeverityMedium || !strings.Contains(f.Message, "this plan replaces it") {
		t.Errorf("replace: %+v", f)
	}
}

func TestFindingsOnFixtures(t *testing.T) {
	// Only the fixtures that show a finding have one.
	want := map[string][]string{
		"demo-teardown": {RuleEnvironmentTeardown, RuleEnvironmentTeardown},
		"for-each-key":  {RuleMovedCandidate},
		"import":        {RuleLeavesManagement},
		"provisioners":  {RuleRunsCommands, RuleRunsCommands, RuleRunsCommands, RuleRunsCommands},
	}
	for _, name := range fixtureNames(t) {
		a := assess(t, fixturePolicy(t, name), loadFixture(t, name))
		var rules []string
		for _, f := range a.Findings {
			rules = append(rules, f.Rule)
		}
		if strings.Join(rules, " ") != strings.Join(want[name], " ") {
			t.Errorf("fixture %s: findings %v, want %v", name, rules, want[name])
		}
	}
}

// Glue is no environment: replacing a configuration of null_resource and
// random_id triggers (the tfreveal corpus plan) is no teardown, and neither is
// the demo's terraform_data until a policy says it stands for infrastructure.
func TestGlueIsNoTeardown(t *testing.T) {
	var cs []plan.Change
	for i := 0; i < 6; i++ {
		cs = append(cs, mk(fmt.Sprintf("null_resource.trigger%d", i), plan.KindReplace))
		cs = append(cs, mk(fmt.Sprintf("random_id.suffix%d", i), plan.KindReplace))
	}
	if a := assess(t, policy.Default(), mkPlan(cs)); len(findings(a, RuleEnvironmentTeardown)) != 0 || a.Score >= policy.DefaultThreshold {
		t.Errorf("glue replaced: score %d, findings %+v", a.Score, a.Findings)
	}
	if a := assess(t, policy.Default(), loadFixture(t, "demo-teardown")); len(findings(a, RuleEnvironmentTeardown)) != 0 {
		t.Errorf("demo-teardown under the defaults: %+v", a.Findings)
	}
	// Marked critical, glue counts.
	pol := mustPolicy(t, "critical: [\"null_resource.*\"]\n")
	if a := assess(t, pol, mkPlan(cs)); len(findings(a, RuleEnvironmentTeardown)) == 0 {
		t.Errorf("critical null_resources replaced: no teardown")
	}
}

// Renaming a for_each of hundreds takes the indexed path, and still pairs
// every old key with its new one.
func TestMovedCandidatesAtScale(t *testing.T) {
	var cs []plan.Change
	const n = 600 // 600 x 600 pairs: more than maxPairs
	for i := 0; i < n; i++ {
		attrs := map[string]string{"ami": "same", "instance_type": "same", "user_data": fmt.Sprintf("u%d", i), "subnet": fmt.Sprintf("s%d", i%40)}
		d := mk(fmt.Sprintf(`aws_instance.web["old%d"]`, i), plan.KindDelete)
		d.Attrs = attrs
		c := mk(fmt.Sprintf(`aws_instance.web["new%d"]`, i), plan.KindCreate)
		c.Attrs = attrs
		cs = append(cs, d, c)
	}
	got := findings(assess(t, policy.Default(), mkPlan(cs)), RuleMovedCandidate)
	if len(got) != n {
		t.Fatalf("%d moved candidates, want %d", len(got), n)
	}
	for _, f := range got {
		old := strings.TrimSuffix(strings.TrimPrefix(f.Address, `aws_instance.web["old`), `"]`)
		if !strings.Contains(f.Fix, `to   = aws_instance.web["new`+old+`"]`) {
			t.Errorf("%s paired wrongly: %s", f.Address, f.Fix)
		}
	}
}
