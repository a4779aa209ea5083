package analyzer

import (
	"encoding/json"
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

// A step into a set of strings is the element itself: a value, never shown.
func TestRenderPathHidesSetElements(t *testing.T) {
	before := map[string]any{
		"security_groups":   []any{"sg-SECRET-1"},
		"tags":              map[string]any{"Team": "x"},
		"network_interface": []any{map[string]any{"subnet_id": "s"}},
	}
	for _, c := range []struct {
		path []any
		want string
	}{
		{[]any{"security_groups", "sg-SECRET-1"}, "security_groups[*]"},
		{[]any{"tags", "Team"}, "tags.Team"},
		{[]any{"network_interface", json.Number("0"), "subnet_id"}, "network_interface.0.subnet_id"},
		{[]any{"password_wo", "hunter2 with spaces"}, "[*][*]"},
		{[]any{"triggers_replace"}, "[*]"},
	} {
		if got := renderPath(c.path, before, nil); got != c.want {
			t.Errorf("%v: %q, want %q", c.path, got, c.want)
		}
	}
	if got := renderPath([]any{"triggers_replace"}, map[string]any{"triggers_replace": nil}, nil); got != "triggers_replace" {
		t.Errorf("a null attribute is still an attribute: %q", got)
	}
}
