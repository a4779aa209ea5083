package check

import "testing"

func TestSignoffFileName(t *testing.T) {
	for in, want := range map[string]string{
		"ab+/CD09xyzQRS": "ab__CD09xyzQRS",
		"a/b":            "a_b_________",
	} {
		if got := safeName(in); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := changesLine([]byte("blast-signoff v1\nchanges 3\n")); got != "3 change(s)" {
		t.Errorf("changesLine = %q", got)
	}
	if got := changesLine([]byte("blast-signoff v1\n")); got != "no changes" {
		t.Errorf("changesLine = %q", got)
	}
}
