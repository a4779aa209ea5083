package policy

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/blast-dev/blast/scoring/catalog"
)

const starterPath = "../../cmd/blast/starter.blast.yml"

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
	p, err := Parse("starter.blast.yml", []byte(commented), testRules)
	if err != nil {
		t.Fatalf("the starter file as written: %v", err)
	}
	if p.Threshold != DefaultThreshold || len(p.Critical) != 0 || len(p.Ignore) != 0 {
		t.Errorf("the starter file as written changes the defaults: %+v", p)
	}
	p, err = Parse("starter.blast.yml", []byte(live), testRules)
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
		{"ignore", len(p.Ignore) == 2 && p.Ignore[0].Kind == "replace" && p.Ignore[0].Expires.Equal(time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)) && p.Ignore[1].Rule == "trivial-replace"},
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

// testRules stand in for the finding rules' ids (scoring.RuleIDs(), which
// package scoring checks the policy with).
var testRules = []string{"capacity-gap", "data-loss", "drift-revert", "trivial-replace"}

func mustParse(t testing.TB, text string) Policy {
	t.Helper()
	p, err := Parse("test.blast.yml", []byte(text), testRules)
	if err != nil {
		t.Fatal(err)
	}
	return p
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

func TestParseErrors(t *testing.T) {
	for _, tc := range policyErrors {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("p.yml", []byte(tc.text), testRules)
			if err == nil {
				t.Fatalf("no error for:\n%s", tc.text)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error\n  %s\nwant it to start\n  %s", err, tc.want)
			}
			var pe *Error
			if !asError(err, &pe) || pe.File != "p.yml" || pe.Line == 0 {
				t.Errorf("error %#v is not a Error with a line", err)
			}
		})
	}
}

func asError(err error, pe **Error) bool {
	p, ok := err.(*Error)
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
		if _, err := Parse("p.yml", []byte(text), testRules); err != nil {
			t.Errorf("%q: %v", text, err)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.yml")
	if _, err := Load(missing, testRules); err == nil || err.Error() != missing+": no such file" {
		t.Errorf("missing file: %v", err)
	}
	big := filepath.Join(dir, "big.yml")
	if err := os.WriteFile(big, []byte("# "+strings.Repeat("x", maxPolicyBytes)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big, testRules); err == nil || !strings.HasPrefix(err.Error(), big+": larger than 1 MiB") {
		t.Errorf("big file: %v", err)
	}
	good := filepath.Join(dir, ".blast.yml")
	if err := os.WriteFile(good, []byte("threshold: 40\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := Load(good, testRules); err != nil || p.Threshold != 40 || p.Source != good {
		t.Errorf("good file: %+v, %v", p, err)
	}
}
