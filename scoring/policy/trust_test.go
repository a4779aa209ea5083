package policy

import (
	"strings"
	"testing"
)

func TestPeople(t *testing.T) {
	p := mustParse(t, "people:\n  alice: [Alice@Corp.example, asmith@corp.example]\n  bob: [bob@corp.example]\n")
	for id, want := range map[string]string{
		"alice@corp.example":  "alice",
		"ASMITH@corp.example": "alice",
		"bob@corp.example":    "bob",
		"carol@corp.example":  "carol@corp.example",
	} {
		if got := p.Person(id); got != want {
			t.Errorf("Person(%s) = %s, want %s", id, got, want)
		}
	}
	// A principal under two people is an error with its line.
	_, err := Parse("p.yml", []byte("people:\n  alice: [a@x]\n  bob:\n    - b@x\n    - A@X\n"), testRules)
	if err == nil || err.Error() != `p.yml:5: principal "a@x" is listed under both alice and bob: one principal is one person` {
		t.Errorf("got %v", err)
	}
}

func TestTrustKeys(t *testing.T) {
	p := mustParse(t, "unmatched: strictest\nallow_overrides: true\nai_assisted:\n  markers: [\"Made by RoboDev\"]\n")
	if p.Unmatched != UnmatchedStrictest || !p.AllowOverrides || len(p.AIAssisted.Markers) != 1 || p.AIAssisted.Markers[0] != "made by robodev" {
		t.Errorf("%+v", p)
	}
	if d := Default(); d.Unmatched != UnmatchedBase || d.AllowOverrides {
		t.Errorf("defaults: %+v", d)
	}
	for text, want := range map[string]string{
		"unmatched: loosest\n":                     `p.yml:1: unmatched must be base or strictest, got "loosest"`,
		"allow_overrides: yes\n":                   `p.yml:1: allow_overrides must be true or false, got a string`,
		"allow_overrides: 1\n":                     `p.yml:1: allow_overrides must be true or false, got 1`,
		"ai_assisted:\n  markers: [\"\\u200b\"]\n": `p.yml:2: an ai_assisted marker must not be empty`,
	} {
		if _, err := Parse("p.yml", []byte(text), testRules); err == nil || err.Error() != want {
			t.Errorf("%q: got %v, want %s", text, err, want)
		}
	}
}

const trustEnvPolicy = `threshold: 50
environments:
  dev:
    paths: ["envs/dev/**"]
    threshold: 90
  prod:
    paths: ["envs/prod/**"]
    threshold: 10
    signoff: {required: 2}
`

func TestSelectEnvironment(t *testing.T) {
	pol := mustParse(t, trustEnvPolicy)
	cases := []struct {
		name      string
		env       string
		plans     []PlanPath
		threshold int
		required  int
		note      string
	}{
		{"prod by path", "", []PlanPath{{"p", "envs/prod/plan.json"}}, 10, 2, ""},
		{"stdin: base, said", "", []PlanPath{{"standard input", ""}}, 50, 1, "no environment of the policy matches standard input: the base policy applies"},
		{"stdin: --environment chooses", "dev", []PlanPath{{"-", ""}}, 90, 1, "environment dev chosen by --environment"},
		{"a flag cannot loosen prod", "dev", []PlanPath{{"p", "envs/prod/plan.json"}}, 10, 2, "--environment dev adds to environment prod"},
		{"a flag can tighten dev", "prod", []PlanPath{{"p", "envs/dev/plan.json"}}, 10, 2, "adds to environment dev"},
	}
	for _, c := range cases {
		got, err := pol.SelectEnvironment(c.env, c.plans)
		if err != nil {
			t.Fatal(err)
		}
		if got.Threshold != c.threshold || got.Signoff.Required != c.required || !strings.Contains(strings.Join(got.EnvNotes, "\n"), c.note) {
			t.Errorf("%s: threshold %d required %d notes %q", c.name, got.Threshold, got.Signoff.Required, got.EnvNotes)
		}
	}
	// unmatched: strictest applies the strictest of every environment.
	strict := mustParse(t, trustEnvPolicy+"unmatched: strictest\n")
	got, _ := strict.SelectEnvironment("", []PlanPath{{"-", ""}})
	if got.Threshold != 10 || got.Signoff.Required != 2 || !strings.Contains(got.EnvNotes[0], "strictest") {
		t.Errorf("strictest: %d %d %q", got.Threshold, got.Signoff.Required, got.EnvNotes)
	}
	// allow_overrides lets the flag decide.
	loose := mustParse(t, trustEnvPolicy+"allow_overrides: true\n")
	got, _ = loose.SelectEnvironment("dev", []PlanPath{{"p", "envs/prod/plan.json"}})
	if got.Threshold != 90 || got.Env != "dev" {
		t.Errorf("allow_overrides: %d %s", got.Threshold, got.Env)
	}
}
