package plan

import "testing"

// FuzzParseAddress: an address either fails to parse or renders back as
// itself, its module path included, and never panics.
func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{
		"aws_instance.web", `module.a[0].module.b["k.x"].data.t.n[3]`, "module.", `a.b["\""]`, "a.b[01]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAddress(s)
		if err != nil {
			return
		}
		if got := a.String(); got != s {
			t.Fatalf("%q parses but renders as %q", s, got)
		}
		// IsModulePath is ModulePath() == p: for the path itself and for
		// every prefix of the address, the path's own among them.
		mp := a.ModulePath()
		for i := 0; i <= len(s); i++ {
			if got, want := a.IsModulePath(s[:i]), s[:i] == mp; got != want {
				t.Fatalf("%q: IsModulePath(%q) = %v, want %v", s, s[:i], got, want)
			}
		}
		ParentModule(a.ModulePath())
		_ = a.ConfigPath()
	})
}
