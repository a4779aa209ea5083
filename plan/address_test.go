package plan

import (
	"testing"
)

func TestParseAddress(t *testing.T) {
	cases := []struct {
		in, module, resource, key, config string
	}{
		{"aws_instance.web", "", "aws_instance.web", "", "aws_instance.web"},
		{"aws_instance.web[0]", "", "aws_instance.web", "0", "aws_instance.web"},
		{`module.app[2].module.db["a.b]"].aws_db_instance.main["x"]`, `module.app[2].module.db["a.b]"]`, "aws_db_instance.main", `"x"`, "module.app.module.db.aws_db_instance.main"},
		{"module.net.data.aws_ami.ubuntu", "module.net", "data.aws_ami.ubuntu", "", "module.net.data.aws_ami.ubuntu"},
	}
	for _, c := range cases {
		a, err := ParseAddress(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if a.ModulePath() != c.module || a.Resource() != c.resource || a.Key != c.key || a.ConfigPath() != c.config {
			t.Errorf("%s: got module %q resource %q key %q config %q", c.in, a.ModulePath(), a.Resource(), a.Key, a.ConfigPath())
		}
		if a.String() != c.in {
			t.Errorf("%s: renders back as %s", c.in, a.String())
		}
	}
	for _, bad := range []string{"", "module.", "module.x", "aws_instance", "aws_instance.web[", `a.b["x]`, "a.b[x]", "a.b.c", "1a.b"} {
		if _, err := ParseAddress(bad); err == nil {
			t.Errorf("%q: parsed, want an error", bad)
		}
	}
}

func TestParentModule(t *testing.T) {
	for in, want := range map[string]string{
		"module.a":                    "",
		`module.a[0].module.b["k.x"]`: "module.a[0]",
		"":                            "",
	} {
		if got := ParentModule(in); got != want {
			t.Errorf("ParentModule(%q) = %q, want %q", in, got, want)
		}
	}
}

// IsModulePath is ModulePath() == s, without rendering.
func TestIsModulePath(t *testing.T) {
	for _, in := range []string{
		"aws_instance.web",
		`module.app[2].module.db["a.b]"].aws_db_instance.main["x"]`,
		"module.net.data.aws_ami.ubuntu",
		`module.env["a"].module.app.terraform_data.server[0]`,
	} {
		a, err := ParseAddress(in)
		if err != nil {
			t.Fatal(err)
		}
		path := a.ModulePath()
		candidates := []string{path, "", "module", "module.", path + ".", "." + path, path + "x", path + `["a"]`,
			"module.app", "module.app[2]", `module.app[2].module.db["a.b]"`, `module.app[2].module.db`, "module.net[0]",
			`module.env["b"].module.app`, `module.env["a"].module.ap`, `module.env["a"]module.app`}
		for i := range path {
			candidates = append(candidates, path[:i])
		}
		for _, s := range candidates {
			if got, want := a.IsModulePath(s), s == path; got != want {
				t.Errorf("%s: IsModulePath(%q) = %v, want %v", in, s, got, want)
			}
		}
	}
}
