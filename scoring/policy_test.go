package scoring

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/scoring/catalog"
)

const starterPath = "../cmd/blast/starter.blast.yml"

// uncommentStarter turns the starter file's commented examples into live
// YAML: a "# key:" or "#   - item" line loses its "# ", prose stays.
func uncommentStarter(t testing.TB) (commented, live string) {
	t.Helper()
	data, err := os.ReadFile(starterPath)
	if err != nil {
		t.Fatal(err)
	}
	example := regexp.MustCompile(`^# ( *)([a-z_]+:(\s|$)|- )`)
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		if example.MatchString(l) {
			lines[i] = l[2:]
		}
	}
	return string(data), strings.Join(lines, "\n")
}

func TestStarterPolicyParses(t *testing.T) {
	commented, live := uncommentStarter(t)
	p, err := ParsePolicy("starter.blast.yml", []byte(commented))
	if err != nil {
		t.Fatalf("the starter file as written: %v", err)
	}
	if p.Threshold != DefaultThreshold || len(p.Critical) != 0 || len(p.Ignore) != 0 {
		t.Errorf("the starter file as written changes the defaults: %+v", p)
	}
	p, err = ParsePolicy("starter.blast.yml", []byte(live))
	if err != nil {
		t.Fatalf("the starter file with every example uncommented: %v\n%s", err, live)
	}
	// Every section of the format is in the starter file, with a value
	// that shows.
	checks := []struct {
		what string
		ok   bool
	}{
		{"threshold", p.Threshold == 50},
		{"weights.classes", p.ClassWeights["compute"] == 0.6},
		{"weights.types", p.TypeWeights["aws_lambda_function"] == 0.7},
		{"classes", p.TypeClasses["acme_database"] == "stateful_data"},
		{"critical", len(p.Critical) == 2 && p.Critical[0].Match("module.prod.aws_instance.x")},
		{"ignore", len(p.Ignore) == 2 && p.Ignore[0].Kind == "replace" && p.Ignore[0].Expires.Equal(time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)) && p.Ignore[1].Rule == RuleTrivialReplace},
		{"signoff", p.Signoff.Required == 1 && p.Signoff.TwoAbove == 80 && p.Signoff.AllowedSigners != "" && p.Signoff.Dir != "" && len(p.Signoff.Seniors) == 2},
		{"ai_assisted", p.AIAssisted.Threshold == 30 && len(p.AIAssisted.Trailers) == 1 &&
			p.AIAssisted.Trailers[0].MatchString("Co-authored-by: Claude <noreply@anthropic.com>") && !p.AIAssisted.Trailers[0].MatchString("Co-authored-by: Claudette <c@example.com>")},
		{"environments", len(p.Environments) == 1 && p.Environments[0].Name == "prod" && p.Environments[0].Threshold == 30 &&
			p.Environments[0].Required == 2 && len(p.Environments[0].Paths) == 1 && len(p.Environments[0].Critical) == 1},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("starter file: %s is missing or not what it says: %+v", c.what, p)
		}
	}
	// The ignore rule lines point at the file.
	if p.Ignore[0].Line == 0 || !strings.HasPrefix(strings.Split(live, "\n")[p.Ignore[0].Line-1], "  - address:") {
		t.Errorf("ignore rule line %d", p.Ignore[0].Line)
	}
	// The list of classes in its comment is the catalog's.
	for _, c := range catalog.Classes() {
		if !regexp.MustCompile(`\b` + c.Name + `\b`).MatchString(commented) {
			t.Errorf("the starter file does not list class %s", c.Name)
		}
	}
}

// policyErrors are bad policies and the error each must give: the file, the
// right line, and what was expected.
var policyErrors = []struct {
	name, text, want string
}{
	{"unknown key", "version: 1\nthreshold: 50\ncolour: red\n",
		`p.yml:3: unknown key "colour" in the policy (known: version, threshold, weights,`},
	{"unknown key with a block value", "signoff:\n  required: 1\nweightz:\n  classes:\n    compute: 0.5\n",
		`p.yml:3: unknown key "weightz" in the policy`},
	{"unknown nested key", "weights:\n  classes:\n    compute: 0.5\n  type:\n    aws_instance: 1\n",
		`p.yml:4: unknown key "type" in weights (known: classes, types)`},
	{"unknown key in an environment", "environments:\n  prod:\n    paths: [a]\n    treshold: 3\n",
		`p.yml:4: unknown key "treshold" in environment prod (known: paths, threshold, critical, signoff, ai_assisted, production)`},
	{"threshold a quoted string", "version: 1\nthreshold: \"high\"\n",
		`p.yml:2: expected a whole number from 1 to 100, got a string`},
	{"threshold a word", "threshold: high\n",
		`p.yml:1: expected a whole number from 1 to 100, got a string`},
	{"threshold a fraction", "\n\nthreshold: 50.5\n",
		`p.yml:3: expected a whole number from 1 to 100, got 50.5`},
	{"threshold 0", "threshold: 0\n", `p.yml:1: expected a whole number from 1 to 100, got 0`},
	{"threshold 101", "# comment\nthreshold: 101\n", `p.yml:2: expected a whole number from 1 to 100, got 101`},
	{"threshold a list", "threshold:\n  - 50\n", `p.yml:2: expected a whole number from 1 to 100, got a list`},
	{"version 2", "version: 2\n", `p.yml:1: expected version 1, the only version of the policy format, got 2`},
	{"weight above 1", "weights:\n  classes:\n    compute: 1.5\n", `p.yml:3: expected a weight from 0 to 1, got 1.5`},
	{"weight a string", "weights:\n  types:\n    aws_instance: heavy\n", `p.yml:3: expected a weight from 0 to 1, got a string`},
	{"weight negative", "weights:\n  types:\n    aws_instance: -0.1\n", `p.yml:3: expected a weight from 0 to 1, got -0.1`},
	{"weight NaN", "weights:\n  types:\n    aws_instance: .nan\n", `p.yml:3: expected a weight from 0 to 1, got .nan`},
	{"unbalanced bracket", "critical:\n  - \"module.ok.*\"\n  - \"module.app[0\"\n",
		`p.yml:3: address pattern "module.app[0" has unbalanced brackets`},
	{"closing bracket first", "critical: [\"a]b[\"]\n", `p.yml:1: address pattern "a]b[" has unbalanced brackets`},
	{"white space in a glob", "critical:\n  - \"module.ok.*\"\n  - \"module.app *\"\n",
		`p.yml:3: address pattern "module.app *" has white space or a control character`},
	{"empty glob", "critical:\n  - \"\"\n", `p.yml:2: an empty address pattern`},
	{"unclosed quote in a glob", "critical:\n  - 'aws_x.y[\"a]'\n", `p.yml:2: address pattern "aws_x.y[\"a]" has an unclosed quote`},
	{"bad glob in an ignore rule", "ignore:\n  - address: \"a b\"\n    reason: x\n", `p.yml:2: address pattern "a b" has white space`},
	{"bad path glob", "environments:\n  prod:\n    paths:\n      - envs/prod/**\n      - \"envs/[x]\"\n",
		`p.yml:5: path pattern "envs/[x]": character classes are not supported`},
	{"unknown class of a weight", "weights:\n  classes:\n    databases: 0.5\n",
		`p.yml:3: unknown class "databases" (known: access_config, account_scope,`},
	{"unknown class of a type", "classes:\n  acme_db: databse\n", `p.yml:2: unknown class "databse" (known: access_config,`},
	{"ignore rule without reason", "ignore:\n  - rule: data-loss\n    reason: ok\n  - address: a.b\n    kind: delete\n",
		`p.yml:4: an ignore rule needs a reason`},
	{"ignore rule with a blank reason", "ignore:\n  - address: a.b\n    reason: \"  \"\n", `p.yml:2: an ignore rule needs a reason`},
	{"ignore rule with rule and kind", "ignore:\n  - address: a.b\n    kind: delete\n    rule: data-loss\n    reason: x\n",
		`p.yml:2: an ignore rule names a rule (for findings) or a kind (for changes), not both`},
	{"ignore rule with nothing to match", "ignore:\n  - reason: x\n", `p.yml:2: an ignore rule needs an address, a rule or a kind`},
	{"unknown rule", "ignore:\n  - rule: data_loss\n    reason: x\n", `p.yml:2: unknown rule "data_loss" (known: capacity-gap, `},
	{"unknown kind", "ignore:\n  - kind: destroy\n    reason: x\n", `p.yml:2: unknown kind "destroy" (known: create,`},
	{"bad date", "ignore:\n  - kind: delete\n    reason: x\n    expires: 2027-13-01\n",
		`p.yml:4: expires must be a date like 2027-01-31, got "2027-13-01"`},
	{"date in words", "ignore:\n  - kind: delete\n    reason: x\n    expires: next week\n",
		`p.yml:4: expires must be a date like 2027-01-31, got "next week"`},
	{"bad regex in trailers", "ai_assisted:\n  trailers:\n    - ok\n    - fine\n    - \"(unclosed\"\n",
		`p.yml:5: trailer pattern "(unclosed" is not a regular expression: missing closing )`},
	{"seniors not a list", "signoff:\n  seniors: alice\n", `p.yml:2: signoff.seniors must be a list, not a string`},
	{"required 0", "signoff:\n  required: 0\n", `p.yml:2: expected a whole number from 1 to 10, got 0`},
	{"a null key", "weights:\n  types:\n    ~: 0.5\n", `p.yml:3: a key in weights.types must be a name`},
	{"an empty value at the end", "weights:\n types:\n  ?", `p.yml:3: a key in weights.types must be a name`},
	{"a list as a key", "? [a, b]\n: 1\n", `p.yml:1: a key in the policy must be a name`},
	{"duplicate key", "threshold: 50\ncritical: []\nthreshold: 60\n", `p.yml:3: key "threshold" appears twice in the policy`},
	{"duplicate nested key", "weights:\n  classes:\n    compute: 0.5\n    compute: 0.6\n", `p.yml:4: key "compute" appears twice in weights.classes`},
	{"invalid YAML", "threshold: 50\ncritical: [1, 2\n", `p.yml:2: not valid YAML: did not find expected ',' or ']'`},
	{"unclosed flow list on line 1", "threshold: [1, 2\n", `p.yml:1: not valid YAML: did not find expected ',' or ']'`},
	{"unclosed flow list, blank lines after", "a: 1\nb: 2\nc: [1, 2\n\n\nd: 3\n", `p.yml:3: not valid YAML: did not find expected ',' or ']'`},
	{"unclosed flow mapping", "threshold: 50\nweights: {classes: {}\n", `p.yml:2: not valid YAML: did not find expected ',' or '}'`},
	{"bad indentation of a list", "critical:\n  - a.b\n - c.d\n", `p.yml:3: not valid YAML: did not find expected key`},
	{"bad indentation of a key", "threshold: 50\nsignoff:\n  required: 1\n   two_above: 80\n", `p.yml:4: not valid YAML: mapping values are not allowed in this context`},
	{"unterminated quote", "threshold: 50\ncritical: [\"a.b]\nx: 3\n", `p.yml:2: not valid YAML: found unexpected end of stream`},
	{"unterminated quote on line 1", "critical: 'a.b\n", `p.yml:1: not valid YAML: found unexpected end of stream`},
	{"a control character", "threshold: 50\ncritical: [a]\n\x01\n", `p.yml:3: not valid YAML: control characters are not allowed`},
	{"invalid UTF-8", "threshold: 50\n\n# \xff\n", `p.yml:3: not valid YAML: invalid leading UTF-8 octet`},
	{"unknown anchor", "threshold: 50\ncritical: *nope\n", `p.yml:2: not valid YAML: unknown anchor 'nope' referenced`},
	{"duplicate directive", "%YAML 1.1\n%YAML 1.1\n---\na: 1\n", `p.yml:2: not valid YAML: found duplicate %YAML directive`},
	{"two documents", "threshold: 50\n---\nthreshold: 60\n", `p.yml:2: a second YAML document starts here: a policy file holds one`},
	{"a tab", "threshold: 50\n\tcritical: []\n", `p.yml:2: not valid YAML: found a tab character that violates indentation`},
	{"not a mapping", "- a\n- b\n", `p.yml:1: the policy must be a mapping, not a list`},
	{"a bare string", "just a string\n", `p.yml:1: the policy must be a mapping, not a string`},
	{"ignore not a list", "ignore: {}\n", `p.yml:1: ignore must be a list, not a mapping`},
	{"an alias", "threshold: &x 1\ncritical: *x\n", `p.yml:2: critical must be a list, not an alias`},
}

func TestPolicyErrors(t *testing.T) {
	for _, tc := range policyErrors {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePolicy("p.yml", []byte(tc.text))
			if err == nil {
				t.Fatalf("no error for:\n%s", tc.text)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error\n  %s\nwant it to start\n  %s", err, tc.want)
			}
			var pe *PolicyError
			if !asPolicyError(err, &pe) || pe.File != "p.yml" || pe.Line == 0 {
				t.Errorf("error %#v is not a PolicyError with a line", err)
			}
		})
	}
}

func asPolicyError(err error, pe **PolicyError) bool {
	p, ok := err.(*PolicyError)
	*pe = p
	return ok
}

func TestPolicyValid(t *testing.T) {
	for _, text := range []string{
		"",
		"# only a comment\n",
		"~\n",
		"version: 1\n",
		"threshold: 1\n",
		"threshold: 100\n",
		"weights:\n  classes:\n    compute: 0\n    ephemeral: 1\n  types:\n    aws_instance: 0.25\n",
		"critical: []\n",
		"critical:\n  - \"module.app[0].*\"\n  - '*aws_db_instance*'\n  - 'aws_s3_bucket.b[\"x\"]'\n",
		"ignore:\n  - address: \"module.sandbox.*\"\n    reason: sandbox\n",
		"ignore:\n  - kind: forget\n    reason: x\n    expires: \"2027-01-31\"\n",
		"ai_assisted:\n  trailers: []\n",
		"environments:\n  prod:\n    paths: [\"envs/prod/**\"]\n  staging: {threshold: 70}\n",
	} {
		if _, err := ParsePolicy("p.yml", []byte(text)); err != nil {
			t.Errorf("%q: %v", text, err)
		}
	}
}

func TestLoadPolicyErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.yml")
	if _, err := LoadPolicy(missing); err == nil || err.Error() != missing+": no such file" {
		t.Errorf("missing file: %v", err)
	}
	big := filepath.Join(dir, "big.yml")
	if err := os.WriteFile(big, []byte("# "+strings.Repeat("x", maxPolicyBytes)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPolicy(big); err == nil || !strings.HasPrefix(err.Error(), big+": larger than 1 MiB") {
		t.Errorf("big file: %v", err)
	}
	good := filepath.Join(dir, ".blast.yml")
	if err := os.WriteFile(good, []byte("threshold: 40\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := LoadPolicy(good); err != nil || p.Threshold != 40 || p.Source != good {
		t.Errorf("good file: %+v, %v", p, err)
	}
}

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
	base := assess(t, DefaultPolicy(), p)
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
	if a := assess(t, standIn(t, ""), p); a.Score < DefaultThreshold {
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
	risk := func(pol Policy, c plan.Change) ChangeRisk {
		t.Helper()
		a := assess(t, pol, mkPlan([]plan.Change{c}))
		return a.Changes[0]
	}
	vm := mk("aws_instance.web", plan.KindDelete)
	if r := risk(DefaultPolicy(), vm); r.Points != 25 || r.Weight != 0.5 {
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
	if r := risk(DefaultPolicy(), db); r.Class != "default" || r.Points != 15 {
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
	if _, err := DefaultPolicy().ForEnvironment("prod", nil); err == nil || err.Error() != "--environment prod: the policy defines no environments" {
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
