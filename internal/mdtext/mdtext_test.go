package mdtext

import (
	"fmt"
	"testing"
)

func TestCode(t *testing.T) {
	for _, tc := range []struct {
		in      string
		inTable bool
		want    string
	}{
		{"a.b", false, "`a.b`"},
		{"a`b", false, "``a`b``"},
		{"`a", false, "`` `a ``"},
		{"a|b", true, "`a\\|b`"},
		{"a|b", false, "`a|b`"},
		{"a\nb", false, "`a b`"},
		{"", false, "` `"},
	} {
		if got := Code(tc.in, tc.inTable); got != tc.want {
			t.Errorf("Code(%q, %v) = %q, want %q", tc.in, tc.inTable, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	if got := Text("<b>*x*</b> @me a@b"); got != "\\<b\\>\\*x\\*\\</b\\> @\u2060me a@b" {
		t.Errorf("Text = %q", got)
	}
}

func TestIndentedBlock(t *testing.T) {
	got := IndentedBlock("a ```` b\nc\x1b", "hcl", "  ")
	if want := "\n  `````hcl\n  a ```` b\n  c\n  `````\n"; got != want {
		t.Errorf("IndentedBlock = %q, want %q", got, want)
	}
}

func TestShorten(t *testing.T) {
	if got := Shorten("日本語のキー", 4); got != "日本語…" {
		t.Errorf("Shorten = %q", got)
	}
	if got := ShortenMiddle("module.a.aws_instance.web[0]", 11); got != "modul…eb[0]" {
		t.Errorf("ShortenMiddle = %q", got)
	}
	if got := ShortenMiddle("short", 11); got != "short" {
		t.Errorf("ShortenMiddle = %q", got)
	}
}

// TestFit: what is written never passes the budget, and the line about
// what was left out counts the items that did not fit.
func TestFit(t *testing.T) {
	more := func(left int) string { return fmt.Sprintf("+%d\n", left) }
	items := []string{"aaaa\n", "bbbb\n", "cccc\n"}
	for _, tc := range []struct {
		budget int
		want   string
		left   int
	}{
		{100, "h\naaaa\nbbbb\ncccc\n", 0},
		{14, "h\naaaa\n+2\n", 2},
		{3, "", 3},
	} {
		got, left := FitLeft(tc.budget, "h\n", items, more)
		if got != tc.want || left != tc.left {
			t.Errorf("FitLeft(%d) = %q, %d; want %q, %d", tc.budget, got, left, tc.want, tc.left)
		}
		if len(got) > tc.budget {
			t.Errorf("FitLeft(%d) wrote %d bytes", tc.budget, len(got))
		}
	}
}
