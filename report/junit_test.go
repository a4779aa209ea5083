package report

import (
	"encoding/xml"
	"strings"
	"testing"
)

// What a JUnit reader (GitLab, Jenkins) takes from the file.
type junitRead struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, r *Report) junitRead {
	t.Helper()
	raw, err := Render(r, "junit", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got junitRead
	dec := xml.NewDecoder(strings.NewReader(string(raw)))
	dec.Strict = true
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("not XML a reader takes: %v\n%s", err, raw)
	}
	return got
}

func TestJUnit(t *testing.T) {
	for _, tc := range []struct {
		name    string
		r       *Report
		failing bool
	}{
		{"demo-teardown", fixtureReport(t, "demo-teardown"), true},
		{"approved", withSignoff(fixtureReport(t, "demo-teardown"), 1), false},
		{"for-each-key", fixtureReport(t, "for-each-key"), false},
		{"create", fixtureReport(t, "create"), false},
		{"two-plans", goldenCases(t)["two-plans"], false},
		{"hostile", hostileReport(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := parseJUnit(t, tc.r)
			if len(got.Suites) != len(tc.r.Plans)+1 {
				t.Fatalf("%d suites, want one per plan (%d) and the gate", len(got.Suites), len(tc.r.Plans))
			}
			want := tc.r.Summary.Destructive() + len(tc.r.Findings) + 1
			if got.Tests != want {
				t.Errorf("%d tests, want %d: destructive changes, findings and the gate", got.Tests, want)
			}
			failures, cases := 0, 0
			for i, s := range got.Suites {
				n := 0
				for _, c := range s.Cases {
					cases++
					if c.Failure != nil {
						n++
						if !strings.HasPrefix(c.Failure.Message, "sign-off required: score ") {
							t.Errorf("failure message %q", c.Failure.Message)
						}
					} else if c.SystemOut == "" {
						t.Errorf("%s: a passing case says nothing", c.Name)
					}
				}
				if s.Failures != n || s.Tests != len(s.Cases) {
					t.Errorf("suite %d counts %d tests %d failures, holds %d cases %d failures", i, s.Tests, s.Failures, len(s.Cases), n)
				}
				failures += n
			}
			if cases != want || got.Failures != failures {
				t.Errorf("%d cases, %d failures; the root says %d tests, %d failures", cases, failures, got.Tests, got.Failures)
			}
			if tc.failing && failures != want {
				t.Errorf("sign-off required: %d of %d cases fail, want all", failures, want)
			}
			if !tc.failing && failures != 0 {
				t.Errorf("%s: %d failures, want none", tc.r.Decision, failures)
			}
			gate := got.Suites[len(got.Suites)-1]
			if gate.Name != "blast gate" || len(gate.Cases) != 1 || gate.Cases[0].Name != "sign-off" {
				t.Errorf("gate suite: %+v", gate)
			}
		})
	}
}

// TestJUnitHostile checks that addresses come back from the XML exactly,
// whatever they hold, and that control characters become U+FFFD instead of
// making the file unreadable.
func TestJUnitHostile(t *testing.T) {
	r := hostileReport()
	got := parseJUnit(t, r)
	names := map[string]bool{}
	for _, c := range got.Suites[0].Cases {
		names[c.Name] = true
	}
	for _, c := range r.Changes {
		want := strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
				return '\uFFFD'
			}
			return r
		}, string(c.Kind)+" "+c.Address)
		// Line breaks survive in attributes: encoding/xml writes them as
		// character references, which XML does not normalise to spaces.
		if !names[want] {
			t.Errorf("no test case named %q", want)
		}
	}
}
