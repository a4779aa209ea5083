package policy

import (
	"math"
	"strings"
	"testing"

	"github.com/blast-dev/blast/scoring/catalog"
)

// FuzzParsePolicy: any bytes give a policy or one error that starts with the
// file name, never a panic; a line, when given, is in the file; what parses
// is in range.
func FuzzParsePolicy(f *testing.F) {
	commented, live := uncommentStarter(f)
	f.Add([]byte(commented))
	f.Add([]byte(live))
	f.Add([]byte(trustEnvPolicy))
	for _, tc := range policyErrors {
		f.Add([]byte(tc.text))
	}
	for _, s := range []string{
		"", "~", "{}", "[]", "threshold: 1\n", "a: &a [*a]\n", "\ufeffthreshold: 50\n",
		"ignore:\n  - address: \"module.sandbox.*\"\n    kind: replace\n    reason: r\n    expires: 2027-06-30\n",
		"weights:\n  classes:\n    compute: 1e-3\n  types:\n    x: 0x1\n",
		"environments:\n  a:\n    paths: ['**']\n    signoff: {required: 10, two_above: 100}\n    ai_assisted: {threshold: 1}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("p.yml", data, testRules)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "p.yml:") {
				t.Fatalf("error does not start with the file name: %q", msg)
			}
			pe, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T %q is not a Error", err, msg)
			}
			if lines := lineAt(data, len(data)); pe.Line < 0 || pe.Line > lines {
				t.Fatalf("error on line %d of a %d-line file: %q", pe.Line, lines, msg)
			}
			if strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("error spans lines: %q", msg)
			}
			if _, err2 := Parse("p.yml", data, testRules); err2 == nil || err2.Error() != msg {
				t.Fatalf("a second parse gives %v, the first %q", err2, msg)
			}
			return
		}
		if p.Threshold < 1 || p.Threshold > 100 || p.Signoff.Required < 1 || p.Signoff.TwoAbove < 0 || p.Signoff.TwoAbove > 100 {
			t.Fatalf("out of range: %+v", p)
		}
		for _, ws := range []map[string]float64{p.ClassWeights, p.TypeWeights} {
			for k, w := range ws {
				if math.IsNaN(w) || w < 0 || w > 1 {
					t.Fatalf("weight %s = %v", k, w)
				}
			}
		}
		for name := range p.ClassWeights {
			if _, ok := catalog.ClassByName(name); !ok {
				t.Fatalf("unknown class %q accepted", name)
			}
		}
		for typ, name := range p.TypeClasses {
			if _, ok := catalog.ClassByName(name); !ok {
				t.Fatalf("type %s put in unknown class %q", typ, name)
			}
		}
		for _, r := range p.Ignore {
			if r.Reason == "" || (r.Rule != "" && r.Kind != "") || (r.Address == nil && r.Rule == "" && r.Kind == "") || r.Line < 1 {
				t.Fatalf("bad ignore rule accepted: %+v", r)
			}
		}
		for _, e := range p.Environments {
			if _, err := p.ForEnvironment(e.Name, nil); err != nil {
				t.Fatalf("environment %q: %v", e.Name, err)
			}
		}
	})
}

// FuzzAddressGlob: a pattern parses or is refused, never a panic; a pattern
// without '*' matches exactly itself; filling each '*' with any text gives
// an address the pattern matches.
func FuzzAddressGlob(f *testing.F) {
	for _, s := range [][2]string{
		{`module.app[0].*`, `module.app[0].aws_instance.web`},
		{`*aws_db_instance*`, `aws_db_instance.main`},
		{`aws_s3_bucket.b["logs"]`, `aws_s3_bucket.b["logs"]`},
		{`aws_x.y["a]b"]`, `x`},
		{`aws_x.y["a\"b"]`, `.*`},
		{`module.app[*].x.y`, `[`},
		{`a[0]]`, `"`},
		{`***`, ``},
		{`(a|b)+$`, `a`},
		{"\xff*", "\xff"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, addr string) {
		g, err := ParseAddressGlob(pattern)
		if err != nil {
			if !strings.Contains(err.Error(), "pattern") {
				t.Fatalf("error %q does not say what is wrong", err)
			}
			return
		}
		got := g.Match(addr)
		if !strings.Contains(pattern, "*") && got != (addr == pattern) {
			t.Fatalf("%q without '*' matches %q: %v", pattern, addr, got)
		}
		if filled := strings.ReplaceAll(pattern, "*", addr); !g.Match(filled) {
			t.Fatalf("%q does not match %q, itself with '*' filled by %q", pattern, filled, addr)
		}
		if g.Match(addr+"\n") && !strings.Contains(pattern, "*") {
			t.Fatalf("%q matches %q with a line break added", pattern, addr)
		}
	})
}

// FuzzPathGlob: a path pattern parses or is refused, never a panic; a
// pattern of plain characters matches exactly itself.
func FuzzPathGlob(f *testing.F) {
	for _, s := range [][2]string{
		{`envs/prod/**`, `envs/prod/plan.json`},
		{`**/plan.json`, `plan.json`},
		{`env?/*.json`, `env1/a.json`},
		{`a[b`, `a[b`},
		{`***/?`, `x/y`},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, path string) {
		g, err := ParsePathGlob(pattern)
		if err != nil {
			return
		}
		got := g.Match(path)
		if !strings.ContainsAny(pattern, "*?") && !strings.HasPrefix(path, "./") && !strings.HasPrefix(pattern, "./") && got != (path == pattern) {
			t.Fatalf("%q matches %q: %v", pattern, path, got)
		}
	})
}
