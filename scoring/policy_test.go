package scoring

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/scoring/policy"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func TestIgnoreRules(t *testing.T) {
	p := mkPlan([]plan.Change{
		mk("module.sandbox.aws_db_instance.db", plan.KindReplace),
		mk("module.sandbox.aws_instance.app", plan.KindReplace),
		mk("aws_db_instance.prod", plan.KindReplace),
	})
	p.Changes[0].ForcedBy = []string{"tags"}
	pol := mustPolicy(t, `
ignore:
  - address: "module.sandbox.*"
    kind: replace
    reason: sandboxes are rebuilt every night
  - rule: data-loss
    address: "aws_db_instance.prod"
    reason: restored from the nightly snapshot
`)
	base := assess(t, policy.Default(), p)
	a := assess(t, pol, p)
	if base.Score != 100 {
		t.Fatalf("without the policy: %d", base.Score)
	}
	for _, cr := range a.Changes {
		sandbox := strings.HasPrefix(cr.Change.Address, "module.sandbox.")
		if sandbox != (cr.Ignored != "") || sandbox != (cr.Points == 0) {
			t.Errorf("%s: ignored %q, points %.1f", cr.Change.Address, cr.Ignored, cr.Points)
		}
		if sandbox && (len(cr.Factors) != 1 || cr.Factors[0].Detail != "ignored by test.blast.yml:3: sandboxes are rebuilt every night") {
			t.Errorf("%s: factors %+v", cr.Change.Address, cr.Factors)
		}
	}
	// The prod database still scores; its data-loss finding is silenced.
	if a.Score != 60 {
		t.Errorf("score %d, want 60: the prod database alone", a.Score)
	}
	if hasFinding(a, RuleDataLoss, "aws_db_instance.prod") || !hasFinding(a, RuleDataLoss, "module.sandbox.aws_db_instance.db") {
		t.Errorf("findings %+v", a.Findings)
	}
	want := []Ignored{
		{Address: "aws_db_instance.prod", What: RuleDataLoss, Reason: "restored from the nightly snapshot", Line: 6},
		{Address: "module.sandbox.aws_db_instance.db", What: "replace", Reason: "sandboxes are rebuilt every night", Line: 3},
		{Address: "module.sandbox.aws_instance.app", What: "replace", Reason: "sandboxes are rebuilt every night", Line: 3},
	}
	if fmt.Sprint(a.Ignored) != fmt.Sprint(want) {
		t.Errorf("ignored\n%+v\nwant\n%+v", a.Ignored, want)
	}
	if len(a.Warnings) != 0 {
		t.Errorf("warnings %v", a.Warnings)
	}
	// A rule with only an address covers changes and findings; a kind rule
	// does not cover another kind.
	p2 := mkPlan([]plan.Change{mk("aws_s3_bucket.logs", plan.KindDelete), mk("aws_s3_bucket.data", plan.KindDelete)})
	a = assess(t, mustPolicy(t, "ignore:\n  - address: aws_s3_bucket.logs\n    reason: logs\n  - address: aws_s3_bucket.data\n    kind: replace\n    reason: no\n"), p2)
	if a.Score != 60 || hasFinding(a, RuleDataLoss, "aws_s3_bucket.logs") || !hasFinding(a, RuleDataLoss, "aws_s3_bucket.data") {
		t.Errorf("address-only rule: score %d, findings %+v", a.Score, a.Findings)
	}
}

// The starter file's own example: sandboxes rebuilt every night. Ignoring
// their replaces must also keep them out of the teardown finding, or the
// example does not do what it says.
func TestIgnoredReplacesAreNoTeardown(t *testing.T) {
	var cs []plan.Change
	for i := 0; i < 8; i++ {
		cs = append(cs, mk(fmt.Sprintf("module.sandbox.terraform_data.r%d", i), plan.KindReplace))
	}
	p := mkPlan(cs, "module.prod.aws_instance.a", "module.prod.aws_instance.b")
	pol := standIn(t, "ignore:\n  - address: \"module.sandbox.*\"\n    kind: replace\n    reason: sandboxes are rebuilt every night\n")
	if a := assess(t, standIn(t, ""), p); a.Score < policy.DefaultThreshold {
		t.Fatalf("without the policy the sandbox rebuild scores %d", a.Score)
	}
	a := assess(t, pol, p)
	if a.Score != 0 || len(a.Findings) != 0 {
		t.Errorf("with every sandbox replace ignored: score %d, findings %+v", a.Score, a.Findings)
	}
}

func TestExpiredIgnoreRule(t *testing.T) {
	p := mkPlan([]plan.Change{mk("aws_s3_bucket.logs", plan.KindDelete)})
	pol := mustPolicy(t, "threshold: 50\nignore:\n  - address: aws_s3_bucket.logs\n    kind: delete\n    reason: moving the logs\n    expires: 2026-05-31\n")
	// On the day it expires, it still applies.
	a := Assess([]*plan.Plan{p}, nil, pol, Options{Now: time.Date(2026, 5, 31, 23, 0, 0, 0, time.UTC)})
	if a.Score != 0 || len(a.Warnings) != 0 || len(a.Ignored) != 1 {
		t.Errorf("on its last day: score %d, warnings %v, ignored %v", a.Score, a.Warnings, a.Ignored)
	}
	// After it, it does not, and a warning says so.
	a = Assess([]*plan.Plan{p}, nil, pol, Options{Now: now})
	if a.Score != 60 || len(a.Ignored) != 0 {
		t.Errorf("expired: score %d, ignored %v", a.Score, a.Ignored)
	}
	want := "test.blast.yml:3: ignore rule expired on 2026-05-31 and no longer applies (moving the logs)"
	if len(a.Warnings) != 1 || a.Warnings[0] != want {
		t.Errorf("warnings %q, want %q", a.Warnings, want)
	}
}

func TestPolicyWeightsChangeTheScore(t *testing.T) {
	risk := func(pol policy.Policy, c plan.Change) ChangeRisk {
		t.Helper()
		a := assess(t, pol, mkPlan([]plan.Change{c}))
		return a.Changes[0]
	}
	vm := mk("aws_instance.web", plan.KindDelete)
	if r := risk(policy.Default(), vm); r.Points != 25 || r.Weight != 0.5 {
		t.Fatalf("default: %+v", r)
	}
	if r := risk(mustPolicy(t, "weights:\n  classes:\n    compute: 0.8\n"), vm); r.Points != 40 || r.Factors[0].Detail != "deleted: 50 x weight 0.80 (compute, policy class weight)" {
		t.Errorf("class weight: %+v", r)
	}
	// A type weight beats its class weight.
	if r := risk(mustPolicy(t, "weights:\n  classes:\n    compute: 0.8\n  types:\n    aws_instance: 0.2\n"), vm); r.Points != 10 || !strings.Contains(r.Factors[0].Detail, "policy type weight") {
		t.Errorf("type weight: %+v", r)
	}
	// Weight 0: the delete counts as an update would, never less (an
	// ignore rule is how to make it count nothing).
	if r := risk(mustPolicy(t, "weights:\n  types:\n    aws_instance: 0\n"), vm); r.Points != updatePoints ||
		r.Factors[0].Detail != "deleted: 50 x weight 0.00 (compute, policy type weight), at least 1 as an update would be" {
		t.Errorf("weight 0: %+v", r)
	}
	// A weight of 0.9 or more makes a type critical.
	if r := risk(mustPolicy(t, "weights:\n  types:\n    aws_instance: 0.95\n"), vm); !r.Critical || r.Points != 50 {
		t.Errorf("weight 0.95: %+v", r)
	}
	// classes moves an unknown type into a class, with what comes with it:
	// its weight, and data loss for a stateful class.
	db := mk("acme_database.main", plan.KindDelete)
	if r := risk(policy.Default(), db); r.Class != "default" || r.Points != 15 {
		t.Errorf("unknown type: %+v", r)
	}
	pol := mustPolicy(t, "classes:\n  acme_database: stateful_data\n")
	if r := risk(pol, db); r.Class != "stateful_data" || r.Points != 60 || !strings.Contains(r.Factors[0].Detail, "policy class") {
		t.Errorf("acme_database as stateful_data: %+v", r)
	}
	if a := assess(t, pol, mkPlan([]plan.Change{db})); !hasFinding(a, RuleDataLoss, "acme_database.main") {
		t.Errorf("no data-loss finding for a type the policy calls stateful")
	}
	// A class weight applies to a type the policy put in that class.
	if r := risk(mustPolicy(t, "classes:\n  acme_database: compute\nweights:\n  classes:\n    compute: 0.1\n"), db); r.Points != 5 {
		t.Errorf("classes + class weight: %+v", r)
	}
	// Dependents are weighed by the policy too.
	p := mkPlan([]plan.Change{mk("terraform_data.hub", plan.KindDelete)}, "aws_instance.a")
	dependsOn(p, "aws_instance.a", "terraform_data.hub")
	for _, tc := range []struct {
		policy string
		radius float64
	}{{"", 1.5}, {"weights:\n  types:\n    aws_instance: 1\n", 3}, {"critical: [aws_instance.a]\n", 3}} {
		a := assess(t, mustPolicy(t, tc.policy+"\n"), p)
		got := 0.0
		for _, f := range a.Changes[0].Factors {
			if f.Name == "blast-radius" {
				got = f.Points
			}
		}
		if got != tc.radius {
			t.Errorf("policy %q: blast-radius %.1f, want %.1f", tc.policy, got, tc.radius)
		}
	}
}

const envPolicy = `
threshold: 60
critical: ["aws_db_instance.*"]
signoff:
  required: 1
environments:
  staging:
    paths: ["envs/*/staging.json"]
    threshold: 80
  prod:
    paths: ["envs/prod/**", "prod.json"]
    threshold: 30
    critical: ["module.core.*"]
    signoff:
      required: 2
      two_above: 70
    ai_assisted:
      threshold: 20
`

func TestEnvironments(t *testing.T) {
	pol := mustPolicy(t, envPolicy)
	prod, err := pol.ForEnvironment("prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	if prod.Env != "prod" || prod.Threshold != 30 || prod.Signoff.Required != 2 || prod.Signoff.TwoAbove != 70 || prod.AIAssisted.Threshold != 20 {
		t.Errorf("prod: %+v", prod)
	}
	if len(prod.Critical) != 2 || !prod.Critical[1].Match("module.core.aws_instance.x") || !prod.Critical[0].Match("aws_db_instance.x") {
		t.Errorf("prod critical: %+v", prod.Critical)
	}
	// The base policy is untouched.
	if pol.Threshold != 60 || len(pol.Critical) != 1 || pol.Env != "" {
		t.Errorf("base policy changed: %+v", pol)
	}
	// The environment's critical patterns make a change critical.
	p := mkPlan([]plan.Change{mk("module.core.terraform_data.x", plan.KindDelete)})
	if a := assess(t, prod, p); a.Score < 50 || !a.Changes[0].Critical || a.Threshold != 30 {
		t.Errorf("prod: score %d, threshold %d, %+v", a.Score, a.Threshold, a.Changes[0])
	}
	if a := assess(t, pol, p); a.Score >= 50 {
		t.Errorf("without prod: score %d", a.Score)
	}
	// Chosen by path.
	for path, env := range map[string]string{
		"envs/prod/plan.json":          "prod",
		"envs/prod/eu/west/plan.json":  "prod",
		"./envs/prod/plan.json":        "prod",
		"prod.json":                    "prod",
		"envs/eu/staging.json":         "staging",
		"envs/eu/west/staging.json":    "",
		"envs/production/plan.json":    "",
		"other/envs/prod/plan.json":    "",
		"envs/prod":                    "",
		"/abs/envs/prod/plan.json":     "",
		"envs/staging/prod/plan.json/": "",
	} {
		got, err := pol.ForEnvironment("", []string{"unrelated.json", path})
		if err != nil {
			t.Fatal(err)
		}
		if got.Env != env {
			t.Errorf("plan path %s: environment %q, want %q", path, got.Env, env)
		}
	}
	// An unknown --env is an error naming the known ones.
	if _, err := pol.ForEnvironment("production", nil); err == nil || err.Error() != "--environment production: the policy has no such environment (it has: prod, staging)" {
		t.Errorf("unknown env: %v", err)
	}
	if _, err := policy.Default().ForEnvironment("prod", nil); err == nil || err.Error() != "--environment prod: the policy defines no environments" {
		t.Errorf("no environments: %v", err)
	}
	// The environment is named in the assessment's notes.
	if a := assess(t, prod, p); len(a.Notes) != 1 || a.Notes[0] != "environment prod of test.blast.yml applies" {
		t.Errorf("notes %q", a.Notes)
	}
}

func TestGateRequired(t *testing.T) {
	for _, tc := range []struct {
		policy string
		score  int
		want   int
	}{
		{"", 49, 0},
		{"", 50, 1},
		{"", 100, 1},
		{"signoff:\n  required: 2\n", 49, 0},
		{"signoff:\n  required: 2\n", 50, 2},
		{"signoff:\n  two_above: 80\n", 79, 1},
		{"signoff:\n  two_above: 80\n", 80, 2},
		{"signoff:\n  required: 3\n  two_above: 80\n", 90, 3},
		{"threshold: 90\nsignoff:\n  two_above: 80\n", 85, 0},
	} {
		a := &Assessment{Policy: mustPolicy(t, tc.policy+"\n"), Score: tc.score}
		a.Threshold = a.Policy.Threshold
		if got := a.Required(); got != tc.want {
			t.Errorf("policy %q, score %d: %d sign-offs required, want %d", tc.policy, tc.score, got, tc.want)
		}
		for n := 0; n <= 3; n++ {
			d := Gate(a, n)
			want := DecisionSignoffRequired
			switch {
			case tc.want == 0:
				want = DecisionPass
			case n >= tc.want:
				want = DecisionApproved
			}
			if d != want {
				t.Errorf("policy %q, score %d, %d sign-offs: %s, want %s", tc.policy, tc.score, n, d, want)
			}
		}
	}
}

func TestAIAssistedThreshold(t *testing.T) {
	// 25 points: another instance serves, so there is no capacity gap.
	p := mkPlan([]plan.Change{mk("aws_instance.web", plan.KindReplace)}, "aws_instance.other")
	pol := mustPolicy(t, "ai_assisted:\n  threshold: 20\n")
	a := Assess([]*plan.Plan{p}, nil, pol, Options{Now: now})
	if a.Threshold != 50 || a.Required() != 0 || len(a.Notes) != 0 {
		t.Errorf("not AI-assisted: threshold %d, notes %q", a.Threshold, a.Notes)
	}
	a = Assess([]*plan.Plan{p}, nil, pol, Options{Now: now, AIAssisted: true, AIReason: "--ai-assisted"})
	if a.Threshold != 20 || a.Required() != 1 || Gate(a, 0) != DecisionSignoffRequired {
		t.Errorf("AI-assisted: threshold %d, required %d", a.Threshold, a.Required())
	}
	if len(a.Notes) != 1 || a.Notes[0] != "AI-assisted change (--ai-assisted): the stricter ai_assisted threshold 20 applies" {
		t.Errorf("notes %q", a.Notes)
	}
	// Without an ai_assisted threshold, or with a laxer one, the normal
	// threshold stands, and the note says so.
	for _, text := range []string{"", "ai_assisted:\n  threshold: 70\n"} {
		a = Assess([]*plan.Plan{p}, nil, mustPolicy(t, text), Options{Now: now, AIAssisted: true, AIReason: "a trailer"})
		if a.Threshold != 50 || len(a.Notes) != 1 || !strings.Contains(a.Notes[0], "AI-assisted change (a trailer)") {
			t.Errorf("policy %q: threshold %d, notes %q", text, a.Threshold, a.Notes)
		}
	}
	// An environment's ai_assisted threshold applies in that environment.
	prod, err := mustPolicy(t, envPolicy).ForEnvironment("prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	if a = Assess([]*plan.Plan{p}, nil, prod, Options{Now: now, AIAssisted: true, AIReason: "x"}); a.Threshold != 20 {
		t.Errorf("prod AI-assisted threshold %d", a.Threshold)
	}
}

// Plans judged together get one score, so the strictest environment among
// theirs applies: a dev plan beside a prod plan must not loosen prod's gate.
func TestEnvironmentsOfSeveralPlansTakeTheStrictest(t *testing.T) {
	pol := mustPolicy(t, `threshold: 50
environments:
  dev:
    paths: ["envs/dev/**"]
    threshold: 90
  prod:
    paths: ["envs/prod/**"]
    threshold: 40
    signoff:
      required: 2
`)
	for _, c := range []struct {
		paths     []string
		threshold int
		required  int
		env       string
	}{
		{[]string{"envs/dev/plan.json"}, 90, 1, "dev"},
		{[]string{"envs/prod/plan.json"}, 40, 2, "prod"},
		{[]string{"envs/prod/plan.json", "envs/dev/plan.json"}, 40, 2, "dev+prod"},
		{[]string{"envs/dev/plan.json", "other/plan.json"}, 50, 1, "dev"},
		{[]string{"-"}, 50, 1, ""},
	} {
		got, err := pol.ForEnvironment("", c.paths)
		if err != nil {
			t.Fatal(err)
		}
		if got.Threshold != c.threshold || got.Signoff.Required != c.required || got.Env != c.env {
			t.Errorf("%v: threshold %d, required %d, env %q; want %d, %d, %q", c.paths, got.Threshold, got.Signoff.Required, got.Env, c.threshold, c.required, c.env)
		}
	}
}
