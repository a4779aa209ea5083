package scoring

import (
	"strings"
	"testing"
)

func TestPeople(t *testing.T) {
	p := mustPolicy(t, "people:\n  alice: [Alice@Corp.example, asmith@corp.example]\n  bob: [bob@corp.example]\n")
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
	_, err := ParsePolicy("p.yml", []byte("people:\n  alice: [a@x]\n  bob:\n    - b@x\n    - A@X\n"))
	if err == nil || err.Error() != `p.yml:5: principal "a@x" is listed under both alice and bob: one principal is one person` {
		t.Errorf("got %v", err)
	}
}

func TestTrustKeys(t *testing.T) {
	p := mustPolicy(t, "unmatched: strictest\nallow_overrides: true\nai_assisted:\n  markers: [\"Made by RoboDev\"]\n")
	if p.Unmatched != UnmatchedStrictest || !p.AllowOverrides || len(p.AIAssisted.Markers) != 1 || p.AIAssisted.Markers[0] != "made by robodev" {
		t.Errorf("%+v", p)
	}
	if d := DefaultPolicy(); d.Unmatched != UnmatchedBase || d.AllowOverrides {
		t.Errorf("defaults: %+v", d)
	}
	for text, want := range map[string]string{
		"unmatched: loosest\n":                     `p.yml:1: unmatched must be base or strictest, got "loosest"`,
		"allow_overrides: yes\n":                   `p.yml:1: allow_overrides must be true or false, got a string`,
		"allow_overrides: 1\n":                     `p.yml:1: allow_overrides must be true or false, got 1`,
		"ai_assisted:\n  markers: [\"\\u200b\"]\n": `p.yml:2: an ai_assisted marker must not be empty`,
	} {
		if _, err := ParsePolicy("p.yml", []byte(text)); err == nil || err.Error() != want {
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
	pol := mustPolicy(t, trustEnvPolicy)
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
	strict := mustPolicy(t, trustEnvPolicy+"unmatched: strictest\n")
	got, _ := strict.SelectEnvironment("", []PlanPath{{"-", ""}})
	if got.Threshold != 10 || got.Signoff.Required != 2 || !strings.Contains(got.EnvNotes[0], "strictest") {
		t.Errorf("strictest: %d %d %q", got.Threshold, got.Signoff.Required, got.EnvNotes)
	}
	// allow_overrides lets the flag decide.
	loose := mustPolicy(t, trustEnvPolicy+"allow_overrides: true\n")
	got, _ = loose.SelectEnvironment("dev", []PlanPath{{"p", "envs/prod/plan.json"}})
	if got.Threshold != 90 || got.Env != "dev" {
		t.Errorf("allow_overrides: %d %s", got.Threshold, got.Env)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Claude":                 "claude",
		"Сlaude":                 "claude", // Cyrillic С
		"Cl\u200baude":           "claude", // zero-width space
		"\u202eClaude":           "claude", // bidi override
		"ＣＬＡＵＤＥ":                 "claude", // fullwidth
		"𝐂𝐥𝐚𝐮𝐝𝐞":                 "claude", // mathematical bold
		"Cla\u00adude":           "claude", // soft hyphen
		"🤖\ufe0f Generated with": "🤖 generated with",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAIMarkers(t *testing.T) {
	pol := mustPolicy(t, "ai_assisted:\n  markers: [\"RoboDev\"]\n")
	human := Commit{ID: "1", Message: "fix the database\n\nReviewed-by: Bob <bob@example.com>", AuthorName: "Dev", AuthorEmail: "dev@example.com", CommitterName: "Dev", CommitterEmail: "dev@example.com"}
	if ok, why := DetectAIAssisted([]Commit{human}, pol); ok {
		t.Fatalf("a human commit: %s", why)
	}
	with := func(f func(c *Commit)) Commit { c := human; f(&c); return c }
	cases := map[string]Commit{
		"Co-authored-by trailer":    with(func(c *Commit) { c.Message += "\nCo-authored-by: Claude <noreply@anthropic.com>" }),
		"Co-Authored-By, any case":  with(func(c *Commit) { c.Message += "\nCO-AUTHORED-BY: claude sonnet 4.5 <x@y>" }),
		"Co-developed-by":           with(func(c *Commit) { c.Message += "\nCo-developed-by: Gemini <g@example.com>" }),
		"Claude Code footer":        with(func(c *Commit) { c.Message += "\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)" }),
		"footer with homoglyphs":    with(func(c *Commit) { c.Message += "\n\nGenerаted with Сlaude Сode" }),
		"footer with zero-width":    with(func(c *Commit) { c.Message += "\n\nGenerated\u200b with [Claude\u200d Code]" }),
		"trailer with bidi":         with(func(c *Commit) { c.Message += "\nCo-authored-by: \u202eClaude <a@b>" }),
		"aider subject":             with(func(c *Commit) { c.Message = "aider: fix the database" }),
		"aider author":              with(func(c *Commit) { c.AuthorName = "Dev (aider)" }),
		"aider committer":           with(func(c *Commit) { c.CommitterName = "Dev (aider)" }),
		"Claude's e-mail":           with(func(c *Commit) { c.AuthorEmail = "noreply@anthropic.com" }),
		"Copilot agent":             with(func(c *Commit) { c.AuthorName, c.AuthorEmail = "Copilot", "198982749+Copilot@users.noreply.github.com" }),
		"copilot-swe-agent[bot]":    with(func(c *Commit) { c.AuthorName = "copilot-swe-agent[bot]" }),
		"devin-ai-integration[bot]": with(func(c *Commit) { c.AuthorEmail = "158243242+devin-ai-integration[bot]@users.noreply.github.com" }),
		"a bot committer":           with(func(c *Commit) { c.CommitterName = "renovate[bot]" }),
		"Cursor agent":              with(func(c *Commit) { c.AuthorEmail = "cursoragent@cursor.com" }),
		"homoglyph author":          with(func(c *Commit) { c.AuthorName = "Сlаude" }),
		"policy marker in message":  with(func(c *Commit) { c.Message += "\nmade with robodev" }),
		"policy marker in identity": with(func(c *Commit) { c.AuthorEmail = "robodev@corp.example" }),
		"Copilot footer":            with(func(c *Commit) { c.Message += "\n\nGenerated by GitHub Copilot" }),
		"Claude Code link":          with(func(c *Commit) { c.Message += "\n\nhttps://claude.ai/code" }),
	}
	for name, c := range cases {
		if ok, why := DetectAIAssisted([]Commit{human, c}, pol); !ok || !strings.HasPrefix(why, "commit 1 ") {
			t.Errorf("%s: not detected (%q)", name, why)
		}
	}
	// A person called Claude who is not the assistant's name alone, and a
	// trailer naming a human, are not markers.
	for name, c := range map[string]Commit{
		"Claude Dupont":      with(func(c *Commit) { c.AuthorName = "Claude Dupont" }),
		"human co-author":    with(func(c *Commit) { c.Message += "\nCo-authored-by: Bob <bob@example.com>" }),
		"human co-developer": with(func(c *Commit) { c.Message += "\nCo-developed-by: Alice <alice@example.com>" }),
	} {
		if ok, why := DetectAIAssisted([]Commit{c}, pol); ok {
			t.Errorf("%s: detected: %s", name, why)
		}
	}
}

func TestEveryBuiltInMarkerIsTested(t *testing.T) {
	// Each built-in marker, dressed as it would appear, is detected on
	// its own: the documented list is the tested list.
	for _, m := range AIMarkers {
		c := Commit{ID: "1", Message: "x", AuthorName: "Dev", AuthorEmail: "dev@example.com"}
		switch m.Where {
		case "identity":
			c.AuthorName = strings.ToUpper(m.Text)
		case "identity-suffix":
			c.CommitterName = "someone " + m.Text
		case "message":
			c.Message = "fix\n\n" + m.Text
		case "subject":
			c.Message = m.Text + "fix"
		default:
			t.Fatalf("marker %q: unknown Where %q", m.Text, m.Where)
		}
		if ok, _ := DetectAIAssisted([]Commit{c}, DefaultPolicy()); !ok {
			t.Errorf("marker %s %q: not detected", m.Where, m.Text)
		}
		if Normalize(m.Text) != m.Text {
			t.Errorf("marker %q is not normalised", m.Text)
		}
	}
}
