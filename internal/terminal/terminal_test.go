package terminal

import (
	"bytes"
	"strings"
	"testing"
)

func TestFitOutsideATerminal(t *testing.T) {
	var buf bytes.Buffer
	for _, c := range []struct {
		columns, noColor, forceColor string
		width                        int
		color                        bool
	}{
		{"", "", "", 0, false},
		{"97", "", "", 97, false},
		{" 80 ", "", "1", 80, true},
		{"-3", "", "0", 0, false},
		{"wide", "1", "1", 0, false},
		{"", "", "false", 0, false},
	} {
		t.Setenv("COLUMNS", c.columns)
		t.Setenv("NO_COLOR", c.noColor)
		t.Setenv("FORCE_COLOR", c.forceColor)
		if w, col := Fit(&buf); w != c.width || col != c.color {
			t.Errorf("COLUMNS=%q NO_COLOR=%q FORCE_COLOR=%q: width %d colour %v, want %d %v",
				c.columns, c.noColor, c.forceColor, w, col, c.width, c.color)
		}
	}
	if IsInput(strings.NewReader("y\n")) {
		t.Error("a string reader is a terminal")
	}
}

func TestConfirm(t *testing.T) {
	for answer, want := range map[string]bool{
		"y\n": true, "yes\n": true, " YES \n": true, "y": true,
		"": false, "\n": false, "n\n": false, "yep\n": false,
	} {
		var out bytes.Buffer
		got, err := Confirm(strings.NewReader(answer), &out, "Sign? ")
		if err != nil || got != want {
			t.Errorf("answer %q: %v, %v; want %v", answer, got, err, want)
		}
		if !strings.HasPrefix(out.String(), "Sign? ") {
			t.Errorf("answer %q: question not asked: %q", answer, out.String())
		}
	}
}
