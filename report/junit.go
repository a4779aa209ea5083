package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/blast-dev/blast/internal/junit"
	"github.com/blast-dev/blast/scoring"
)

func init() {
	register("junit", false, func(w io.Writer, r *Report, _ Options) error { return WriteJUnit(w, r) })
}

// WriteJUnit writes the report as JUnit XML: a test suite per plan with a
// test case per destructive change and per finding, and a last suite, the
// gate, with one test case for the sign-off. When sign-off is required every
// destructive change, every finding and the gate fail, so that a CI test
// report lists what needs a senior's eyes; otherwise they pass and say why.
func WriteJUnit(w io.Writer, r *Report) error {
	failing := r.Decision == scoring.DecisionSignoffRequired
	gateMsg := fmt.Sprintf("sign-off required: score %d reaches the threshold %d", r.Score, r.Threshold)

	suites := junit.Suites{Name: "blast"}
	for _, p := range r.Plans {
		suites.Suites = append(suites.Suites, junit.Suite{
			Name: "blast " + p.Source, Time: "0",
			Properties: []junit.Property{
				{Name: "source", Value: p.Source},
				{Name: "terraform_version", Value: p.TerraformVersion},
				{Name: "format_version", Value: p.FormatVersion},
				{Name: "changes", Value: summaryLine(p.Summary)},
			},
		})
	}
	addCase := func(pl int, c junit.Case) {
		if pl < 0 || pl >= len(suites.Suites) {
			return
		}
		s := &suites.Suites[pl]
		s.Tests++
		if c.Failure != nil {
			s.Failures++
		}
		s.Cases = append(s.Cases, c)
	}

	for _, c := range r.Changes {
		if !c.Kind.Destructive() {
			continue
		}
		name := string(c.Kind) + " " + c.Address
		if c.Deposed != "" {
			name += " (deposed " + c.Deposed + ")"
		}
		body := junitChangeBody(c)
		tc := junit.Case{Name: name, Classname: junitClass(c.Module), Time: "0"}
		if failing {
			tc.Failure = &junit.Failure{Message: gateMsg + "; " + changeSentence(c), Type: string(c.Kind), Text: junit.XMLSafe(body)}
		} else {
			tc.SystemOut = &junit.Text{Text: junit.XMLSafe(body)}
		}
		addCase(c.Plan, tc)
	}
	for _, f := range r.Findings {
		name := f.Rule
		if f.Address != "" {
			name += " " + f.Address
		}
		body := fmt.Sprintf("%s (%s, %.1f points)\n", f.Message, f.Severity, f.Points)
		if f.Fix != "" {
			body += "suggested fix:\n" + strings.TrimRight(f.Fix, "\n") + "\n"
		}
		tc := junit.Case{Name: name, Classname: "blast.findings." + f.Rule, Time: "0"}
		if failing {
			tc.Failure = &junit.Failure{Message: gateMsg + "; " + string(f.Severity) + ": " + f.Message, Type: f.Rule, Text: junit.XMLSafe(body)}
		} else {
			tc.SystemOut = &junit.Text{Text: junit.XMLSafe(body)}
		}
		addCase(f.Plan, tc)
	}

	gate := junit.Suite{Name: "blast gate", Time: "0", Properties: []junit.Property{
		{Name: "score", Value: fmt.Sprint(r.Score)},
		{Name: "threshold", Value: fmt.Sprint(r.Threshold)},
		{Name: "decision", Value: string(r.Decision)},
	}}
	gc := junit.Case{Name: "sign-off", Classname: "blast.gate", Time: "0"}
	gateBody := junitSignoffBody(r)
	switch {
	case failing:
		gc.Failure = &junit.Failure{Message: gateMsg + "; a senior signs off on this exact plan with blast approve", Type: string(scoring.DecisionSignoffRequired), Text: junit.XMLSafe(gateBody)}
		gate.Failures = 1
	default:
		gc.SystemOut = &junit.Text{Text: junit.XMLSafe(gateBody)}
	}
	gate.Tests = 1
	gate.Cases = []junit.Case{gc}
	suites.Suites = append(suites.Suites, gate)

	for _, s := range suites.Suites {
		suites.Tests += s.Tests
		suites.Failures += s.Failures
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(suites); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitClass(module string) string {
	if module == "" {
		return "blast.root"
	}
	return "blast." + module
}

func junitChangeBody(c Change) string {
	var b strings.Builder
	b.WriteString(changeSentence(c) + "\n")
	for _, f := range c.Factors {
		fmt.Fprintf(&b, "  %s %.1f: %s\n", f.Name, f.Points, f.Detail)
	}
	if c.BlastRadius != nil {
		for _, a := range c.BlastRadius.Changed {
			b.WriteString("  dependent, changed: " + a + "\n")
		}
		for _, a := range c.BlastRadius.Unchanged {
			b.WriteString("  dependent, unchanged: " + a + "\n")
		}
		for _, a := range c.BlastRadius.otherLabels() {
			b.WriteString("  dependent, other stack: " + a + "\n")
		}
	}
	return b.String()
}

func junitSignoffBody(r *Report) string {
	var b strings.Builder
	switch r.Decision {
	case scoring.DecisionPass:
		fmt.Fprintf(&b, "pass: score %d is below the threshold %d\n", r.Score, r.Threshold)
	case scoring.DecisionApproved:
		fmt.Fprintf(&b, "approved: score %d reaches the threshold %d and the plan is signed off\n", r.Score, r.Threshold)
	default:
		fmt.Fprintf(&b, "sign-off required: score %d reaches the threshold %d\n", r.Score, r.Threshold)
		b.WriteString("a senior runs: blast approve PLAN --key ~/.ssh/id_ed25519 --out .blast/signoffs/\n")
	}
	if s := r.Signoff; s != nil {
		if s.Required > 0 || len(s.Records) > 0 {
			fmt.Fprintf(&b, "valid sign-offs: %d of %d required\n", s.Valid, s.Required)
		}
		if s.Digest != "" {
			b.WriteString("plan digest: " + s.Digest + "\n")
		}
		for _, n := range s.Notes {
			b.WriteString("note: " + n + "\n")
		}
		for _, rec := range s.Listed() {
			state := "rejected"
			if rec.Valid {
				state = "valid"
			}
			fmt.Fprintf(&b, "%s: %s by %s (%s): %s", rec.File, state, rec.Principal, rec.Fingerprint, rec.Reason)
			if rec.Detail != "" {
				b.WriteString(": " + rec.Detail)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}
