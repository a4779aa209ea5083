package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/blast-dev/blast/scoring"
)

func init() {
	register("junit", false, func(w io.Writer, r *Report, _ Options) error { return WriteJUnit(w, r) })
}

// JUnit XML as GitLab, Jenkins and most test report readers take it.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

type junitText struct {
	Text string `xml:",cdata"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// WriteJUnit writes the report as JUnit XML: a test suite per plan with a
// test case per destructive change and per finding, and a last suite, the
// gate, with one test case for the sign-off. When sign-off is required every
// destructive change, every finding and the gate fail, so that a CI test
// report lists what needs a senior's eyes; otherwise they pass and say why.
func WriteJUnit(w io.Writer, r *Report) error {
	failing := r.Decision == scoring.DecisionSignoffRequired
	gateMsg := fmt.Sprintf("sign-off required: score %d reaches the threshold %d", r.Score, r.Threshold)

	suites := junitSuites{Name: "blast"}
	for _, p := range r.Plans {
		suites.Suites = append(suites.Suites, junitSuite{
			Name: "blast " + p.Source, Time: "0",
			Properties: []junitProperty{
				{"source", p.Source},
				{"terraform_version", p.TerraformVersion},
				{"format_version", p.FormatVersion},
				{"changes", summaryLine(p.Summary)},
			},
		})
	}
	addCase := func(pl int, c junitCase) {
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
		tc := junitCase{Name: name, Classname: junitClass(c.Module), Time: "0"}
		if failing {
			tc.Failure = &junitFailure{Message: gateMsg + "; " + changeSentence(c), Type: string(c.Kind), Text: xmlSafe(body)}
		} else {
			tc.SystemOut = &junitText{xmlSafe(body)}
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
		tc := junitCase{Name: name, Classname: "blast.findings." + f.Rule, Time: "0"}
		if failing {
			tc.Failure = &junitFailure{Message: gateMsg + "; " + string(f.Severity) + ": " + f.Message, Type: f.Rule, Text: xmlSafe(body)}
		} else {
			tc.SystemOut = &junitText{xmlSafe(body)}
		}
		addCase(f.Plan, tc)
	}

	gate := junitSuite{Name: "blast gate", Time: "0", Properties: []junitProperty{
		{"score", fmt.Sprint(r.Score)},
		{"threshold", fmt.Sprint(r.Threshold)},
		{"decision", string(r.Decision)},
	}}
	gc := junitCase{Name: "sign-off", Classname: "blast.gate", Time: "0"}
	gateBody := junitSignoffBody(r)
	switch {
	case failing:
		gc.Failure = &junitFailure{Message: gateMsg + "; a senior signs off on this exact plan with blast approve", Type: string(scoring.DecisionSignoffRequired), Text: xmlSafe(gateBody)}
		gate.Failures = 1
	default:
		gc.SystemOut = &junitText{xmlSafe(gateBody)}
	}
	gate.Tests = 1
	gate.Cases = []junitCase{gc}
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

// xmlSafe replaces what XML 1.0 cannot hold, even in CDATA, with U+FFFD:
// control characters other than tab and line breaks, and invalid UTF-8.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
