package planjson

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/blast-dev/blast/plan"
)

// fixturePlan decodes a fixture plan, numbers kept as written.
func fixturePlan(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "fixtures", name, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := decodeJSON(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// entry returns the resource change of a decoded plan at address.
func entry(t *testing.T, m map[string]any, address string) map[string]any {
	t.Helper()
	for _, rc := range m["resource_changes"].([]any) {
		if rc := rc.(map[string]any); rc["address"] == address {
			return rc
		}
	}
	t.Fatalf("no resource change %s", address)
	return nil
}

// bothDecoders parses m with the fast and the reference decoder and
// returns the error each gives ("" for none).
func bothDecoders(t *testing.T, m map[string]any) (fast, ref string) {
	t.Helper()
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse("plan.json", data); err != nil {
		fast = err.Error()
	}
	if _, err := parseReference("plan.json", data); err != nil {
		ref = err.Error()
	}
	return fast, ref
}

// A change whose fields contradict its address, or whose provider cannot
// manage its type, is refused by both decoders with one line.
func TestInconsistentChangesRefused(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(rc map[string]any)
		want   string
	}{
		{"type", func(rc map[string]any) { rc["type"] = "null_resource" },
			`plan.json: resource_changes[0]: terraform_data.app_server: type "null_resource" does not match the address`},
		{"name", func(rc map[string]any) { rc["name"] = "other" },
			`plan.json: resource_changes[0]: terraform_data.app_server: name "other" does not match the address`},
		{"mode", func(rc map[string]any) { rc["mode"] = "data" },
			`plan.json: resource_changes[0]: terraform_data.app_server: mode "data" does not match the address`},
		{"module", func(rc map[string]any) { rc["module_address"] = "module.x" },
			`plan.json: resource_changes[0]: terraform_data.app_server: module_address "module.x" does not match the address`},
		{"provider", func(rc map[string]any) { rc["provider_name"] = "registry.terraform.io/hashicorp/aws" },
			`plan.json: resource_changes[0]: terraform_data.app_server: provider "registry.terraform.io/hashicorp/aws" does not fit the type "terraform_data"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := fixturePlan(t, "replace")
			rc := m["resource_changes"].([]any)[0].(map[string]any)
			if rc["address"] != "terraform_data.app_server" {
				t.Fatalf("the fixture's first change is %v", rc["address"])
			}
			tc.mutate(rc)
			fast, ref := bothDecoders(t, m)
			if fast != tc.want || ref != tc.want {
				t.Errorf("fast: %s\n ref: %s\nwant: %s", fast, ref, tc.want)
			}
		})
	}
}

func TestProviderFits(t *testing.T) {
	for _, c := range []struct {
		provider, typ string
		fits          bool
	}{
		{"registry.terraform.io/hashicorp/aws", "aws_db_instance", true},
		{"registry.opentofu.org/hashicorp/aws", "aws_db_instance", true},
		{"registry.terraform.io/-/aws", "aws_db_instance", true},
		{"aws", "aws_instance", true},
		{"provider.aws", "aws_instance", true},
		{"module.app.provider.aws.east", "aws_instance", true},
		{"registry.terraform.io/hashicorp/null.aliased", "null_resource", true},
		{"terraform.io/builtin/terraform", "terraform_data", true},
		{"terraform.io/builtin/terraform", "terraform_remote_state", true},
		{"registry.terraform.io/hashicorp/google-beta", "google_compute_instance", true},
		{"registry.terraform.io/hashicorp/http", "http", true},
		{"registry.terraform.io/kreuzwerker/docker", "docker_container", true},
		{"registry.terraform.io/integrations/github", "github_repository", true},
		{"registry.terraform.io/DataDog/datadog", "datadog_monitor", true},
		{"registry.terraform.io/hashicorp/null", "aws_db_instance", false},
		{"registry.terraform.io/hashicorp/aws", "null_resource", false},
		{"registry.terraform.io/hashicorp/aws", "awscc_s3_bucket", false},
		{"registry.terraform.io/hashicorp/google", "google-beta_x", false},
		{"terraform.io/builtin/terraform", "aws_instance", false},
	} {
		if got := providerFits(c.provider, c.typ); got != c.fits {
			t.Errorf("providerFits(%q, %q) = %v, want %v", c.provider, c.typ, got, c.fits)
		}
	}
}

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// The loader digests each entry whole and each bound section: the digests
// are those of json.Marshal of the decoded values, timestamp and the other
// unbound keys left out.
func TestBindDigests(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "replace", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	plans, err := Parse("plan.json", data)
	if err != nil {
		t.Fatal(err)
	}
	p := plans[0]
	m := fixturePlan(t, "replace")
	for key, val := range m {
		_, left := unbound[key]
		got, has := p.Sections[key]
		if left {
			if has {
				t.Errorf("section %s is bound, but is listed as left out", key)
			}
			continue
		}
		b, _ := json.Marshal(val)
		sum := sha256.Sum256(b)
		if want := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("section %s: digest %q, want %q", key, got, want)
		}
	}
	for _, key := range []string{"configuration", "prior_state", "terraform_version", "format_version"} {
		if !hex64.MatchString(p.Sections[key]) {
			t.Errorf("section %s not bound: %q", key, p.Sections[key])
		}
	}
	if _, ok := p.Sections["timestamp"]; ok {
		t.Error("the timestamp is bound")
	}
	entries := map[string]string{}
	for _, rc := range m["resource_changes"].([]any) {
		b, _ := json.Marshal(rc)
		sum := sha256.Sum256(b)
		entries[rc.(map[string]any)["address"].(string)] = hex.EncodeToString(sum[:])
	}
	for _, c := range p.Changes {
		if c.EntryHash != entries[c.Address] || !hex64.MatchString(c.EntryHash) {
			t.Errorf("%s: entry digest %q, want %q", c.Address, c.EntryHash, entries[c.Address])
		}
	}
}

// Every field of an entry is in its digest, fields blast does not read
// included; so are keys of the plan blast does not know.
func TestBindCoversUnreadFields(t *testing.T) {
	base := fixturePlan(t, "replace")
	digests := func(m map[string]any) (entry string, sections map[string]string) {
		data, _ := json.Marshal(m)
		for _, parse := range []func(string, []byte) ([]*plan.Plan, error){Parse, parseReference} {
			plans, err := parse("plan.json", data)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range plans[0].Changes {
				if c.Address == "terraform_data.database" {
					if entry != "" && entry != c.EntryHash {
						t.Fatal("the decoders disagree")
					}
					entry = c.EntryHash
				}
			}
			sections = plans[0].Sections
		}
		return entry, sections
	}
	e0, s0 := digests(base)
	for f, v := range map[string]any{"before_sensitive": true, "after_sensitive": true, "generated_config": "x",
		"importing": map[string]any{"id": "x"}, "unknown_to_blast": 1} {
		m := fixturePlan(t, "replace")
		ch := entry(t, m, "terraform_data.database")["change"].(map[string]any)
		ch[f] = v
		if e, _ := digests(m); e == e0 {
			t.Errorf("change.%s is not in the entry digest", f)
		}
	}
	m := fixturePlan(t, "replace")
	m["relevant_attributes"] = []any{map[string]any{"resource": "x", "attribute": []any{"y"}}}
	m["timestamp"] = "2099-01-01T00:00:00Z"
	_, s := digests(m)
	if s["relevant_attributes"] == "" || s["relevant_attributes"] == s0["relevant_attributes"] {
		t.Error("relevant_attributes is not bound")
	}
	s["relevant_attributes"] = s0["relevant_attributes"]
	if !equalMaps(s, s0) {
		t.Errorf("the timestamp changed a section digest:\n%v\n%v", s, s0)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
