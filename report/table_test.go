package report

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/blast-dev/blast/internal/termtext"
)

// sgr matches the colour sequences the table writes itself.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestTableFitsWidth renders every golden case at terminal widths: no line
// may be wider than the terminal, coloured or not.
func TestTableFitsWidth(t *testing.T) {
	for name, r := range goldenCases(t) {
		for _, width := range []int{minTableWidth, 80, 100, 200} {
			for _, color := range []bool{false, true} {
				var buf bytes.Buffer
				if err := WriteTable(&buf, r, TableOptions{Width: width, Color: color}); err != nil {
					t.Fatal(err)
				}
				for i, line := range strings.Split(buf.String(), "\n") {
					if w := termtext.Width(sgr.ReplaceAllString(line, "")); w > width {
						t.Errorf("%s at %d columns (colour %v): line %d is %d wide:\n%s", name, width, color, i+1, w, line)
					}
				}
			}
		}
	}
}

// TestTableGoldenWidths pins the table as a terminal of 100 columns shows
// it, and coloured: testdata/table/<case>.w100.txt and .color.txt.
func TestTableGoldenWidths(t *testing.T) {
	cases := goldenCases(t)
	for _, name := range []string{"demo-teardown", "two-plans", "hostile-addresses"} {
		for suffix, opts := range map[string]TableOptions{
			".w100.txt":  {Width: 100},
			".color.txt": {Width: 100, Color: true},
		} {
			var buf bytes.Buffer
			if err := WriteTable(&buf, cases[name], opts); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", "table", name+suffix), buf.Bytes())
		}
	}
}

// TestTableNoEscapeFromPlan: whatever a plan holds, the only escape
// sequences in the table are its own colours, and none without colour.
func TestTableNoEscapeFromPlan(t *testing.T) {
	r := hostileReport()
	r.Changes[0].Address = "aws_s3_bucket.b[\"\x1b]0;pwned\x07\u009b31m\u202eevil\"]"
	r.Findings[0].Message = "\x1b[2J cleared"
	r.Plans[0].Warnings = []string{"\x1b[31mred"}
	for _, color := range []bool{false, true} {
		var buf bytes.Buffer
		if err := WriteTable(&buf, r, TableOptions{Width: 100, Color: color}); err != nil {
			t.Fatal(err)
		}
		out := sgr.ReplaceAllString(buf.String(), "")
		if !color && out != buf.String() {
			t.Errorf("colour off, yet a colour sequence was written")
		}
		for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e"} {
			if strings.Contains(out, bad) {
				t.Errorf("colour %v: the table passes %q from the plan through", color, bad)
			}
		}
	}
}

func TestTableCriticalByPolicy(t *testing.T) {
	r := fixtureReport(t, "demo-teardown") // its policy names the database critical
	var buf bytes.Buffer
	if err := WriteTable(&buf, r, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.Contains(line, "terraform_data.database ") && !strings.Contains(line, "critical (policy)") {
			t.Errorf("the database, critical by the policy, shows as: %s", line)
		}
	}
}

// TestTableGroupsFindings: many findings of one rule are one entry with a
// count, a few messages and the rest by address.
func TestTableGroupsFindings(t *testing.T) {
	r := hostileReport()
	r.Findings = nil
	for i := range 40 {
		addr := "module.db[" + strings.Repeat("x", i%3) + "].aws_db_instance.d" + string(rune('a'+i%26))
		r.Findings = append(r.Findings, Finding{Rule: "data-loss", Severity: "critical", Address: addr, Message: addr + " holds data"})
	}
	r.Findings = append(r.Findings, Finding{Rule: "moved-candidate", Severity: "medium", Address: "aws_instance.b", Message: "a rename?", Fix: "moved {\n  from = aws_instance.a\n  to   = aws_instance.b\n}"})
	var buf bytes.Buffer
	if err := WriteTable(&buf, r, TableOptions{Width: 100}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	findings := out[strings.Index(out, "findings:"):]
	findings = findings[:strings.Index(findings, "\n\n")+1]
	if n := strings.Count(findings, "\n"); n > 12 {
		t.Errorf("41 findings of 2 rules take %d lines:\n%s", n, findings)
	}
	for _, want := range []string{"CRITICAL data-loss (40):", "and 37 more: ", "MEDIUM   moved-candidate: a rename?", "  to   = aws_instance.b"} {
		if !strings.Contains(findings, want) {
			t.Errorf("findings lack %q:\n%s", want, findings)
		}
	}
	if strings.Index(findings, "data-loss") > strings.Index(findings, "moved-candidate") {
		t.Errorf("findings not ranked by severity:\n%s", findings)
	}
}
