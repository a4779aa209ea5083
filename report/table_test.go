package report

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
					if w := textWidth(sgr.ReplaceAllString(line, "")); w > width {
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

func TestShortenAddress(t *testing.T) {
	for _, c := range []struct {
		addr string
		w    int
		want string
	}{
		{"aws_instance.web", 30, "aws_instance.web"},
		{"module.env.terraform_data.subnet_private[\"a\"]", 40, "module.env…form_data.subnet_private[\"a\"]"},
		{"module.team[\"a\"].module.shard[0].module.env.aws_db_instance.db", 50, "module.team[\"a\"]…shard[0]…aws_db_instance.db"},
		{"module.team[\"a\"].module.shard[0].module.env.aws_db_instance.db", 34, "module.team[\"a\"]…shard[0]…tance.db"},
		{"module.m[\"a.b\"].aws_s3_bucket.logs[\"x.y\"]", 34, "module.m[\"a.b\"]…bucket.logs[\"x.y\"]"},
		{"aws_s3_bucket.logs[\"日本語のキーはとても長い\"]", 24, "aws_s3_…ーはとても長い\"]"},
	} {
		got := shortenAddress(c.addr, c.w)
		if got != c.want {
			t.Errorf("shortenAddress(%q, %d) = %q, want %q", c.addr, c.w, got, c.want)
		}
		if w := textWidth(got); w > c.w {
			t.Errorf("shortenAddress(%q, %d) is %d wide", c.addr, c.w, w)
		}
		if !strings.ContainsRune(got, '…') && got != c.addr {
			t.Errorf("shortenAddress(%q) cut without a mark: %q", c.addr, got)
		}
	}
}

// FuzzShortenAddress: any address, any width: never wider than asked (from
// the width of the mark up), never a broken rune.
func FuzzShortenAddress(f *testing.F) {
	f.Add("module.a[\"x\"].module.b.aws_instance.c[0]", 20)
	f.Add("aws_s3_bucket.b[\"日本語\u0301\"]", 7)
	f.Fuzz(func(t *testing.T, addr string, w int) {
		if w < 1 || w > 500 {
			return
		}
		addr = termSafe(addr)
		got := shortenAddress(addr, w)
		if textWidth(got) > w {
			t.Errorf("shortenAddress(%q, %d) = %q, %d wide", addr, w, got, textWidth(got))
		}
		if !strings.ContainsRune(addr, '\ufffd') && strings.ContainsRune(got, '\ufffd') {
			t.Errorf("shortenAddress(%q, %d) split a rune: %q", addr, w, got)
		}
	})
}

func TestWrapText(t *testing.T) {
	for _, c := range []struct {
		s    string
		w    int
		want []string
	}{
		{"replace_because_cannot_update; forced by triggers_replace", 30, []string{"replace_because_cannot_update;", "forced by triggers_replace"}},
		{"replace_because_cannot_update", 20, []string{"replace_because_", "cannot_update"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"日本語日本語", 5, []string{"日本", "語日", "本語"}},
		{"short", 0, []string{"short"}},
	} {
		got := wrapText(c.s, c.w, c.w)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrapText(%q, %d) = %q, want %q", c.s, c.w, got, c.want)
		}
	}
}
