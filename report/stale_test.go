package report

import (
	"strings"
	"testing"
)

// With Stale set, the human formats leave out the sign-offs of other plans
// (the producer's note counts them in one line); JSON keeps every record.
func TestStaleSignoffsNotListed(t *testing.T) {
	r := withSignoff(fixtureReport(t, "demo-teardown"), 0) // bob.sig is wrong-plan, mallory.sig not-a-senior
	r.Signoff.Stale = 1
	r.Signoff.Notes = append(r.Signoff.Notes, "1 stale sign-off(s), made for other plans (wrong-plan), not listed")
	for _, format := range []string{"table", "markdown", "junit"} {
		out, err := Render(r, format, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s := string(out)
		if strings.Contains(s, "bob.sig") {
			t.Errorf("%s lists the stale bob.sig", format)
		}
		if !strings.Contains(s, "mallory.sig") || !strings.Contains(s, "1 stale sign-off(s)") {
			t.Errorf("%s lacks the other record or the stale line", format)
		}
	}
	out, err := Render(r, "json", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := string(out); !strings.Contains(s, "bob.sig") || !strings.Contains(s, `"stale": 1`) {
		t.Errorf("json must keep every record and the count")
	}
	// Without Stale every record is listed, as before.
	r.Signoff.Stale = 0
	if out, _ := Render(r, "table", Options{}); !strings.Contains(string(out), "bob.sig") {
		t.Errorf("table without Stale leaves out bob.sig")
	}
}
