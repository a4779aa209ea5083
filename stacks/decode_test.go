package stacks

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// paths lists a stack's candidate values as "address path", sorted, for
// comparing what two decodings saw.
func paths(st *Stack) []string {
	var out []string
	for _, lf := range slices.Concat(st.leaves...) {
		out = append(out, st.Resources[lf.res].Address+" "+st.paths[lf.path])
	}
	sort.Strings(out)
	return out
}

func decode(t *testing.T, doc string) *Stack {
	t.Helper()
	st, err := Decode("s", "s.tfstate", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

const rawState = `{
  "version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "x",
  "outputs": {"ignored": {"value": "an-output-of-this-stack", "type": "string"}},
  "resources": [
    {"module": "module.net[0]", "mode": "managed", "type": "aws_subnet", "name": "private",
     "instances": [
       {"index_key": "a", "attributes": {"id": "subnet-0123456789", "vpc_id": "vpc-0abcdef12345",
         "tags": {"Name": "private-subnet-a", "kubernetes.io/role": "shared-internal"},
         "ingress": [{"security_groups": ["sg-000000001", "sg-000000002"], "port": 443, "on": true}],
         "short": "abc", "escaped": "vpc-\u0030abcdef12345"}},
       {"index_key": "b", "deposed": "00000001", "attributes": {"id": "subnet-9876543210"}}
     ]},
    {"mode": "data", "type": "terraform_remote_state", "name": "net",
     "instances": [{"attributes": {"backend": "local",
       "outputs": {"value": {"vpc_id": "vpc-0abcdef12345", "list": ["arn:aws:iam::1:role/x"]},
                   "type": ["object", {"vpc_id": "string", "list": ["tuple", ["string"]]}]},
       "config": {"value": {"path": "../net/terraform.tfstate"}, "type": ["object", {"path": "string"}]}}}]},
    {"mode": "managed", "type": "aws_instance", "name": "web", "instances": [
       {"index_key": 0, "attributes_flat": {"id": "i-0123456789abcdef", "vpc_security_group_ids.#": "1",
         "vpc_security_group_ids.123": "sg-000000001", "tags.%": "1"}}]}
  ]
}`

// showJSON is rawState as terraform show -json writes it.
const showJSON = `{"format_version": "1.0", "terraform_version": "1.11.4", "values": {
  "outputs": {"ignored": {"value": "an-output-of-this-stack", "type": "string"}},
  "root_module": {
    "resources": [
      {"address": "data.terraform_remote_state.net", "mode": "data", "type": "terraform_remote_state", "name": "net",
       "values": {"backend": "local", "outputs": {"vpc_id": "vpc-0abcdef12345", "list": ["arn:aws:iam::1:role/x"]},
                  "config": {"path": "../net/terraform.tfstate"}}},
      {"address": "aws_instance.web[0]", "mode": "managed", "type": "aws_instance", "name": "web", "index": 0,
       "values": {"id": "i-0123456789abcdef", "vpc_security_group_ids": ["sg-000000001"]}}
    ],
    "child_modules": [{"address": "module.net[0]", "resources": [
      {"address": "module.net[0].aws_subnet.private[\"a\"]", "mode": "managed", "type": "aws_subnet", "name": "private", "index": "a",
       "values": {"id": "subnet-0123456789", "vpc_id": "vpc-0abcdef12345",
         "tags": {"Name": "private-subnet-a", "kubernetes.io/role": "shared-internal"},
         "ingress": [{"security_groups": ["sg-000000001", "sg-000000002"], "port": 443, "on": true}],
         "short": "abc", "escaped": "vpc-\u0030abcdef12345"}},
      {"address": "module.net[0].aws_subnet.private[\"b\"]", "mode": "managed", "type": "aws_subnet", "name": "private", "index": "b",
       "deposed_key": "00000001", "values": {"id": "subnet-9876543210"}}
    ]}]
  }}}`

func TestDecodeRawState(t *testing.T) {
	st := decode(t, rawState)
	if st.Format != FormatState || st.TerraformVersion != "1.11.4" {
		t.Errorf("format %q, version %q", st.Format, st.TerraformVersion)
	}
	var addrs []string
	for _, r := range st.Resources {
		addrs = append(addrs, fmt.Sprintf("%s %s %s %s", r.Address, r.Mode, r.Type, r.Deposed))
	}
	want := []string{
		"aws_instance.web[0] managed aws_instance ",
		"data.terraform_remote_state.net data terraform_remote_state ",
		`module.net[0].aws_subnet.private["a"] managed aws_subnet `,
		`module.net[0].aws_subnet.private["b"] managed aws_subnet 00000001`,
	}
	if strings.Join(addrs, "\n") != strings.Join(want, "\n") {
		t.Errorf("resources:\n%s\nwant:\n%s", strings.Join(addrs, "\n"), strings.Join(want, "\n"))
	}
	wantPaths := []string{
		"aws_instance.web[0] id",
		"aws_instance.web[0] vpc_security_group_ids.123",
		"data.terraform_remote_state.net config.path",
		"data.terraform_remote_state.net outputs.list.0",
		"data.terraform_remote_state.net outputs.vpc_id",
		`module.net[0].aws_subnet.private["a"] escaped`,
		`module.net[0].aws_subnet.private["a"] id`,
		`module.net[0].aws_subnet.private["a"] ingress.0.security_groups.0`,
		`module.net[0].aws_subnet.private["a"] ingress.0.security_groups.1`,
		`module.net[0].aws_subnet.private["a"] tags.Name`,
		`module.net[0].aws_subnet.private["a"] tags["kubernetes.io/role"]`,
		`module.net[0].aws_subnet.private["a"] vpc_id`,
		`module.net[0].aws_subnet.private["b"] id`,
	}
	if got := paths(st); strings.Join(got, "\n") != strings.Join(wantPaths, "\n") {
		t.Errorf("values:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantPaths, "\n"))
	}
}

// The two formats of one state give the same stack, but for what the raw
// format alone can hold (the flatmap attributes of a state from 0.11).
func TestFormatsAgree(t *testing.T) {
	raw, show := decode(t, rawState), decode(t, showJSON)
	if show.Format != FormatShowJSON {
		t.Errorf("format %q", show.Format)
	}
	if fmt.Sprint(raw.Resources) != fmt.Sprint(show.Resources) {
		t.Errorf("resources differ:\n%v\n%v", raw.Resources, show.Resources)
	}
	rp := strings.Join(paths(raw), "\n")
	rp = strings.Replace(rp, "vpc_security_group_ids.123", "vpc_security_group_ids.0", 1)
	if sp := strings.Join(paths(show), "\n"); rp != sp {
		t.Errorf("paths differ:\n%s\n--\n%s", rp, sp)
	}
	q := Query{}
	q.Add("vpc-0abcdef12345", 7)
	a, b := Match([]*Stack{raw}, q, MatchOptions{}), Match([]*Stack{show}, q, MatchOptions{})
	if fmt.Sprint(a) != fmt.Sprint(b) || len(a) != 1 || len(a[0].Links) != 2 {
		t.Errorf("matches differ or miss:\n%v\n%v", a, b)
	}
}

// A {"value", "type"} object is unwrapped only when it is what cty writes
// for a dynamic value: a map attribute with those two keys stays a map.
func TestWrapperLookalikes(t *testing.T) {
	st := decode(t, `{"version": 4, "resources": [{"mode": "managed", "type": "t", "name": "n", "instances": [{"attributes": {
		"tags": {"value": "0123456789", "type": "not-a-type"},
		"dyn": {"value": "0123456789", "type": "string"},
		"three": {"value": "0123456789", "type": "string", "x": "y"},
		"deep": {"value": {"value": {"value": {"value": {"value": {"value": "0123456789", "type": "string"}, "type": "dynamic"}, "type": "dynamic"}, "type": "dynamic"}, "type": "dynamic"}, "type": "dynamic"}
	}}]}]}`)
	// deep: six wrappers in one another; the first four (maxUnwrapDepth)
	// are unwrapped, the rest are read as the objects they look like.
	want := "t.n deep.value.value\nt.n dyn\nt.n tags.type\nt.n tags.value\nt.n three.value"
	if got := strings.Join(paths(st), "\n"); got != want {
		t.Errorf("paths:\n%s\nwant:\n%s", got, want)
	}
}

func TestDecodeErrors(t *testing.T) {
	plan, err := os.ReadFile(filepath.Join("..", "fixtures", "cross-stack", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, doc string
		is        error
		msg       string
	}{
		{"plan", string(plan), ErrIsPlan, "s.tfstate: this is a plan, not a state"},
		{"binary plan", "PK\x03\x04rest", ErrIsPlan, "s.tfstate: this is a plan, not a state (a binary plan file)"},
		{"empty", " \n", ErrNotAState, "s.tfstate: not a Terraform state: empty file"},
		{"text", "hello", ErrNotAState, "s.tfstate: not a Terraform state: not JSON"},
		{"array", "[]", ErrNotAState, "s.tfstate: not a Terraform state: a JSON array, expected a state object"},
		{"other json", `{"name": "package"}`, ErrNotAState, `s.tfstate: not a Terraform state: no "version" or "values" key`},
		{"v3", `{"version": 3, "modules": []}`, ErrOldState, "s.tfstate: state version too old: version 3 (Terraform 0.11 or older); blast reads version 4: run terraform state pull with Terraform 0.12 or later"},
		{"backend", `{"version": 3, "backend": {"type": "s3"}}`, ErrNotAState, "s.tfstate: not a Terraform state: this is Terraform's backend settings (.terraform/terraform.tfstate), not a state"},
		{"v5", `{"version": 5, "resources": []}`, ErrFutureFormat, "s.tfstate: state format from the future: version 5 is newer than this blast reads (4)"},
		{"format 2", `{"format_version": "2.0", "values": {}}`, ErrFutureFormat, "s.tfstate: state format from the future: format_version 2.0 is newer than this blast reads (0.x and 1.x)"},
		{"truncated", "{\"version\": 4,\n \"resources\": [", ErrNotAState, "s.tfstate: not a Terraform state: invalid JSON at line 2: unexpected end of input"},
		{"trailing", `{"version": 4} {}`, ErrNotAState, "s.tfstate: not a Terraform state: invalid JSON at line 1: data after the top-level object"},
		{"bad escape", `{"version": 4, "x": "\q"}`, ErrNotAState, "s.tfstate: not a Terraform state: invalid JSON at line 1: invalid escape"},
		{"duplicate", `{"version": 4, "version": 3}`, ErrNotAState, `s.tfstate: not a Terraform state: the key "version" appears twice`},
		{"resources not array", `{"version": 4, "resources": {}}`, ErrNotAState, "s.tfstate: not a Terraform state: resources is not an array"},
		{"no type", `{"version": 4, "resources": [{"mode": "managed", "name": "x"}]}`, ErrNotAState, "s.tfstate: not a Terraform state: resources[0] has no type or name"},
		{"bad mode", `{"version": 4, "resources": [{"mode": "x", "type": "t", "name": "x"}]}`, ErrNotAState, `s.tfstate: not a Terraform state: resources[0].mode is "x", expected managed or data`},
		{"no address", `{"values": {"root_module": {"resources": [{"mode": "managed", "type": "t"}]}}}`, ErrNotAState, "s.tfstate: not a Terraform state: values.root_module.resources[0] has no address or type"},
		{"deep", `{"version": 4, "x": ` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + "}", ErrNotAState, "s.tfstate: not a Terraform state: invalid JSON at line 1: nested more than 10000 levels deep"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode("s", "s.tfstate", []byte(tc.doc))
			var ie *InputError
			if !errors.As(err, &ie) || !errors.Is(err, tc.is) {
				t.Fatalf("error %v (%T), want an *InputError wrapping %v", err, err, tc.is)
			}
			if err.Error() != tc.msg {
				t.Errorf("error\n%s\nwant\n%s", err, tc.msg)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Error("the error is more than one line")
			}
		})
	}
}

// No value from a state reaches anything a Stack or a Match holds:
// addresses, types, paths and digests only.
func TestNoValueKept(t *testing.T) {
	const secret = "s3cr3t-value-0123456789"
	for _, doc := range []string{
		strings.ReplaceAll(rawState, "vpc-0abcdef12345", secret),
		strings.ReplaceAll(showJSON, "vpc-0abcdef12345", secret),
	} {
		st := decode(t, doc)
		q := Query{}
		q.Add(secret, 0)
		found := Match([]*Stack{st}, q, MatchOptions{})
		if len(found) == 0 {
			t.Fatal("the secret is not found: the test would prove nothing")
		}
		for _, dump := range []string{fmt.Sprintf("%#v", st), fmt.Sprintf("%#v", found), strings.Join(st.paths, " ")} {
			if strings.Contains(dump, secret) || strings.Contains(dump, "s3cr3t") {
				t.Errorf("a value is kept: %s", dump)
			}
		}
	}
}

// Keys in another order than Terraform's (version after resources, values
// before format_version) give the same stack: the in-place guess is only a
// shortcut.
func TestKeyOrder(t *testing.T) {
	reordered := strings.Replace(rawState, `"version": 4, `, "", 1)
	reordered = strings.TrimSuffix(strings.TrimSpace(reordered), "}") + `, "version": 4}`
	a, b := decode(t, rawState), decode(t, reordered)
	if fmt.Sprint(paths(a)) != fmt.Sprint(paths(b)) || b.Format != FormatState {
		t.Errorf("reordered raw state differs:\n%v\n%v", paths(a), paths(b))
	}
	// A raw state whose resources come before a version that is not 4.
	if _, err := Decode("s", "s.tfstate", []byte(`{"resources": [], "version": 3}`)); !errors.Is(err, ErrOldState) {
		t.Errorf("error %v, want ErrOldState", err)
	}
	// values read in place, then a version key: it is a raw state after all.
	mixed := `{"values": {"root_module": {"resources": [{"address": "a.b", "mode": "managed", "type": "a", "values": {"id": "0123456789"}}]}}, "version": 4, "resources": []}`
	if st := decode(t, mixed); st.Format != FormatState || len(st.Resources) != 0 || st.Values() != 0 {
		t.Errorf("mixed: format %s, %d resources, %d values", st.Format, len(st.Resources), st.Values())
	}
}

// No attribute value of the fixture's real states is kept either: every
// string under attributes (raw) or values (show -json) is looked for in all
// that Load and Match return.
func TestFixtureValuesNotKept(t *testing.T) {
	dir := filepath.Join("..", "fixtures", "cross-stack")
	files, _ := filepath.Glob(filepath.Join(dir, "context", "*", "*"))
	files = append(files, filepath.Join(dir, "self", "a.tfstate"))
	var values []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		values = append(values, attributeStrings(doc, false)...)
	}
	if len(values) < 20 {
		t.Fatalf("only %d values found: the test would prove little", len(values))
	}
	var dump strings.Builder
	for _, f := range files {
		stacks, err := Load([]string{f}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		q := Query{}
		for _, v := range values {
			q.Add(v, 0)
		}
		fmt.Fprintf(&dump, "%#v %#v %v\n", stacks, Match(stacks, q, MatchOptions{}), stacks[0].paths)
	}
	for _, v := range values {
		if len(v) >= 4 && strings.Contains(dump.String(), v) {
			t.Errorf("the value %q is kept", v)
		}
	}
}

// attributeStrings collects the strings of attribute values: under
// "attributes" (raw state) and a resource's "values" (show -json).
func attributeStrings(v any, inside bool) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		_, resource := x["address"]
		for k, e := range x {
			out = append(out, attributeStrings(e, inside || k == "attributes" || k == "values" && resource)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, attributeStrings(e, inside)...)
		}
	case string:
		if inside {
			out = append(out, x)
		}
	}
	return out
}
