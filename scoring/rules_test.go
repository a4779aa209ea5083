package scoring

import (
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/blast-dev/blast/scoring/policy"
)

var updateDocs = flag.Bool("update", false, "rewrite the rule table of docs/json-report.md from the registry")

// Every rule says what it is, so that SARIF, the docs and a reviewer can.
func TestRulesAreDescribed(t *testing.T) {
	id := regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)
	seen := map[string]bool{}
	for _, r := range Rules() {
		if !id.MatchString(r.ID) {
			t.Errorf("rule id %q is not kebab-case", r.ID)
		}
		if seen[r.ID] {
			t.Errorf("rule %q registered twice", r.ID)
		}
		seen[r.ID] = true
		switch r.Severity {
		case SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow, SeverityInfo:
		default:
			t.Errorf("rule %q: unknown severity %q", r.ID, r.Severity)
		}
		if strings.TrimSpace(r.Title) == "" || strings.HasSuffix(r.Title, ".") || strings.Contains(r.Title, "\n") {
			t.Errorf("rule %q: title %q: want one line without a trailing period", r.ID, r.Title)
		}
		if strings.TrimSpace(r.Help) == "" || !strings.HasSuffix(r.Help, ".") {
			t.Errorf("rule %q: help %q: want full sentences", r.ID, r.Help)
		}
		if r.find == nil {
			t.Errorf("rule %q has no function", r.ID)
		}
		if got, ok := RuleByID(r.ID); !ok || got.ID != r.ID {
			t.Errorf("RuleByID(%q) = %v, %v", r.ID, got.ID, ok)
		}
	}
}

// A policy may ignore every registered rule, and no other.
func TestPolicyKnowsTheRegisteredRules(t *testing.T) {
	for _, r := range Rules() {
		if _, err := policy.Parse("p.yml", []byte("ignore:\n  - rule: "+r.ID+"\n    reason: r\n"), RuleIDs()); err != nil {
			t.Errorf("rule %s: %v", r.ID, err)
		}
	}
	_, err := policy.Parse("p.yml", []byte("ignore:\n  - rule: no-such-rule\n    reason: r\n"), RuleIDs())
	if err == nil || !strings.Contains(err.Error(), "known: "+strings.Join(RuleIDs(), ", ")) {
		t.Errorf("unknown rule: %v", err)
	}
}

const (
	rulesDoc      = "../docs/json-report.md"
	rulesDocBegin = "<!-- rules: generated from scoring's registry by go test ./scoring -run TestRulesDoc -update -->\n"
	rulesDocEnd   = "<!-- end of rules -->\n"
)

// rulesTable is the docs' table of finding rules, in the registry's order.
func rulesTable() string {
	var b strings.Builder
	b.WriteString("| rule | severity | what it means |\n|---|---|---|\n")
	for _, r := range Rules() {
		b.WriteString("| `" + r.ID + "` | `" + string(r.Severity) + "` | " + r.Title + ". " + strings.ReplaceAll(r.Help, "|", `\|`) + " |\n")
	}
	return b.String()
}

// docs/json-report.md lists exactly the registered rules.
func TestRulesDoc(t *testing.T) {
	data, err := os.ReadFile(rulesDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i, j := strings.Index(doc, rulesDocBegin), strings.Index(doc, rulesDocEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: no rule table between %q and %q", rulesDoc, rulesDocBegin, rulesDocEnd)
	}
	head, got, tail := doc[:i+len(rulesDocBegin)], doc[i+len(rulesDocBegin):j], doc[j:]
	want := rulesTable()
	if got == want {
		return
	}
	if *updateDocs {
		if err := os.WriteFile(rulesDoc, []byte(head+want+tail), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s lists other rules than the registry: go test ./scoring -run TestRulesDoc -update rewrites the table\ngot:\n%swant:\n%s", rulesDoc, got, want)
}
