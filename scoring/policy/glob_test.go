package policy

import (
	"strings"
	"testing"
)

func TestAddressGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		match   []string
		nomatch []string
	}{
		{`module.app[0].*`,
			[]string{`module.app[0].aws_instance.web`, `module.app[0].module.db["a"].aws_db_instance.main[1]`},
			[]string{`module.app[1].aws_instance.web`, `module.app[0]`, `module.app0.aws_instance.web`, `module.app.aws_instance.web`, `xmodule.app[0].aws_instance.web`}},
		{`*aws_db_instance*`,
			// '*' is any run of characters: the type prefix matches a
			// longer type too.
			[]string{`aws_db_instance.main`, `module.x["y"].aws_db_instance.main[0]`, `aws_db_instance_automated_backups_replication.r`},
			[]string{`aws_rds_cluster.main`, `aws_db_instanc.x`}},
		{`aws_db_instance.*`,
			[]string{`aws_db_instance.main`, `aws_db_instance.main[0]`},
			[]string{`module.x.aws_db_instance.main`, `aws_db_instance_x.main`}},
		{`aws_s3_bucket.b["logs"]`,
			[]string{`aws_s3_bucket.b["logs"]`},
			[]string{`aws_s3_bucket.b["logs2"]`, `aws_s3_bucket.b`, `aws_s3_bucket.b[logs]`, `aws_s3_bucketXb["logs"]`}},
		{`module.app["eu-west"].*`,
			[]string{`module.app["eu-west"].aws_instance.web`},
			[]string{`module.app["eu-west-1"].aws_instance.web`, `module.app[0].aws_instance.web`}},
		{`module.app[*].aws_instance.web`,
			[]string{`module.app[0].aws_instance.web`, `module.app["a"].aws_instance.web`},
			[]string{`module.app.aws_instance.web`, `module.app[0].aws_instance.web2`}},
		{`aws_x.y["a]b"]`, []string{`aws_x.y["a]b"]`}, []string{`aws_x.y["a"]`}},
		{`aws_x.y["a\"b"]`, []string{`aws_x.y["a\"b"]`}, []string{`aws_x.y["a"]`}},
		{`aws_x.y[0]+(z)|$^`, []string{`aws_x.y[0]+(z)|$^`}, []string{`aws_x.y[0]`, `aws_x.y00]+(z)|$^`}},
		{`*`, []string{``, `aws_instance.web`, `module.a.module.b.x.y["k"]`}, nil},
		{`module.sandbox*`, []string{`module.sandbox`, `module.sandbox.x.y`, `module.sandbox2.x.y`}, nil},
		{`module.sandbox.*`, []string{`module.sandbox.x.y`}, []string{`module.sandbox`, `module.sandbox2.x.y`}},
	} {
		g, err := ParseAddressGlob(tc.pattern)
		if err != nil {
			t.Errorf("%s: %v", tc.pattern, err)
			continue
		}
		for _, a := range tc.match {
			if !g.Match(a) {
				t.Errorf("%s does not match %s", tc.pattern, a)
			}
		}
		for _, a := range tc.nomatch {
			if g.Match(a) {
				t.Errorf("%s matches %s", tc.pattern, a)
			}
		}
	}
	// The zero value matches nothing.
	if (AddressGlob{}).Match("x") {
		t.Error("the zero AddressGlob matches")
	}
}

func TestAddressGlobErrors(t *testing.T) {
	for pattern, want := range map[string]string{
		``:                   "an empty address pattern",
		`  `:                 "an empty address pattern",
		`module.app[0`:       `address pattern "module.app[0" has unbalanced brackets`,
		`module.app]0[`:      `address pattern "module.app]0[" has unbalanced brackets`,
		`module.app[[0]]`:    `address pattern "module.app[[0]]" has unbalanced brackets`,
		`a[0]]`:              `address pattern "a[0]]" has unbalanced brackets`,
		`module.app *`:       `address pattern "module.app *" has white space or a control character`,
		"module.app\t*":      `has white space or a control character`,
		"module.app\x00":     `has white space or a control character`,
		"module.app\x7f":     `has white space or a control character`,
		`aws_x.y["a]`:        `address pattern "aws_x.y[\"a]" has an unclosed quote`,
		`aws_x.y["a\"]`:      `has an unclosed quote`,
		`module.a, module.b`: `has white space`,
	} {
		_, err := ParseAddressGlob(pattern)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", pattern, err, want)
		}
	}
}

func TestPathGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		match   []string
		nomatch []string
	}{
		{`envs/prod/**`,
			[]string{`envs/prod/plan.json`, `envs/prod/eu/west/plan.json`, `./envs/prod/plan.json`, `envs/prod/`},
			[]string{`envs/prod`, `envs/production/plan.json`, `other/envs/prod/plan.json`, `/envs/prod/plan.json`}},
		{`**/plan.json`,
			[]string{`plan.json`, `a/plan.json`, `a/b/c/plan.json`, `/abs/plan.json`},
			[]string{`plan.json.bak`, `a/xplan.json`, `a/plan.json/x`}},
		{`envs/**/plan.json`,
			[]string{`envs/plan.json`, `envs/a/plan.json`, `envs/a/b/plan.json`},
			[]string{`envsplan.json`, `other/envs/a/plan.json`}},
		{`envs/*/plan.json`,
			[]string{`envs/prod/plan.json`, `envs/a b/plan.json`, `envs//plan.json`},
			[]string{`envs/prod/eu/plan.json`, `envs/plan.json`}},
		{`*.json`, []string{`plan.json`, `.json`}, []string{`a/plan.json`, `plan.jsonl`}},
		{`env?/plan.json`, []string{`env1/plan.json`, `envs/plan.json`}, []string{`env/plan.json`, `env12/plan.json`, `env//plan.json`}},
		{`prod.json`, []string{`prod.json`, `./prod.json`}, []string{`xprod.json`, `prodxjson`, `a/prod.json`}},
		{`plan(1)+.json`, []string{`plan(1)+.json`}, []string{`plan11.json`}},
	} {
		g, err := ParsePathGlob(tc.pattern)
		if err != nil {
			t.Errorf("%s: %v", tc.pattern, err)
			continue
		}
		for _, a := range tc.match {
			if !g.Match(a) {
				t.Errorf("%s does not match %s", tc.pattern, a)
			}
		}
		for _, a := range tc.nomatch {
			if g.Match(a) {
				t.Errorf("%s matches %s", tc.pattern, a)
			}
		}
	}
	for _, bad := range []string{``, ` `, `envs/[a-z]/plan.json`, `envs/]`} {
		if _, err := ParsePathGlob(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
