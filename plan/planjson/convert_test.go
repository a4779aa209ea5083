package planjson

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson/internal/jsonscan"
)

// valueSamples returns every before, after and after_unknown value of the
// resource changes of the fixtures, the corpus and the odd cases, as written.
func valueSamples(t *testing.T) [][]byte {
	t.Helper()
	var inputs [][]byte
	files, _ := filepath.Glob(filepath.Join("..", "..", "fixtures", "*", "plan.json"))
	corpus, _ := filepath.Glob(filepath.Join(corpusDir, "plans", "*.json"))
	for _, f := range append(files, corpus...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	}
	for _, in := range oddCases {
		inputs = append(inputs, []byte(in))
	}
	var out [][]byte
	for _, in := range inputs {
		var p struct {
			ResourceChanges []struct {
				Change struct {
					Before       json.RawMessage `json:"before"`
					After        json.RawMessage `json:"after"`
					AfterUnknown json.RawMessage `json:"after_unknown"`
				} `json:"change"`
			} `json:"resource_changes"`
		}
		if json.Unmarshal(in, &p) != nil {
			continue
		}
		for _, rc := range p.ResourceChanges {
			for _, v := range []json.RawMessage{rc.Change.Before, rc.Change.After, rc.Change.AfterUnknown} {
				if len(v) > 0 {
					out = append(out, v)
				}
			}
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d values to test", len(out))
	}
	return out
}

// TestCanonMatchesMarshal: the promise the one converter rests on. The fast
// decoder's canonical bytes of a value are what the reference decoder gets
// by marshalling the value terraform-json decoded, so the converter cannot
// tell which decoder fed it.
func TestCanonMatchesMarshal(t *testing.T) {
	for _, v := range valueSamples(t) {
		var decoded any
		if decodeJSON(v, &decoded) != nil {
			continue
		}
		want, err := canonical(decoded)
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = jsonNull
		}
		s := &jsonscan.Scanner{Data: v}
		if got := s.Canon(nil); !bytes.Equal(got, want) {
			t.Fatalf("canonical bytes of %.200s:\n got %.200s\nwant %.200s", v, got, want)
		}
	}
}

// TestValueWalkersMatchDecodedValues pins the meaning of the walkers over
// canonical bytes to a plain walk of the decoded value, written here the
// obvious way: same protections, same leaf paths, same digests.
func TestValueWalkersMatchDecodedValues(t *testing.T) {
	for _, v := range valueSamples(t) {
		var decoded any
		if decodeJSON(v, &decoded) != nil {
			continue
		}
		c, _ := canonical(decoded)
		if c == nil {
			c = jsonNull
		}
		if got, want := unprotectedCanon(c), unprotectedOracle(decoded); !reflect.DeepEqual(got, want) {
			t.Fatalf("unprotected of %.200s: got %v, want %v", c, got, want)
		}
		for _, unknown := range []any{nil, true, map[string]any{"tags": true, "list": []any{false, true}}} {
			if got, want := attrDigestsCanon(c, unknown), attrDigestsOracle(decoded, unknown); !reflect.DeepEqual(got, want) {
				t.Fatalf("leaf digests of %.200s (unknown %v):\n got %v\nwant %v", c, unknown, got, want)
			}
		}
	}
}

func unprotectedOracle(before any) []string {
	obj, ok := before.(map[string]any)
	if !ok {
		return nil
	}
	var out []string
	for _, p := range protections {
		if v, ok := obj[p.attr]; ok && p.unsafe(v) {
			out = append(out, p.attr)
		}
	}
	return out
}

func attrDigestsOracle(v, unknown any) map[string]string {
	obj, ok := v.(map[string]any)
	if !ok || len(obj) == 0 {
		return nil
	}
	out := make(map[string]string)
	walkLeavesOracle("", obj, unknown, out)
	if len(out) == 0 {
		return nil
	}
	return out
}

func walkLeavesOracle(prefix string, v, unknown any, out map[string]string) {
	if len(out) >= maxAttrLeaves || v == nil || unknown == true {
		return
	}
	switch val := v.(type) {
	case map[string]any:
		unk, _ := unknown.(map[string]any)
		keys := make([]string, 0, len(val))
		for k := range val {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walkLeavesOracle(joinPath(prefix, k), val[k], unk[k], out)
		}
	case []any:
		unk, _ := unknown.([]any)
		for i, e := range val {
			var u any
			if i < len(unk) {
				u = unk[i]
			}
			walkLeavesOracle(joinPath(prefix, fmt.Sprint(i)), e, u, out)
		}
	default:
		b, _ := json.Marshal(val)
		sum := sha256.Sum256(b)
		out[prefix] = hex.EncodeToString(sum[:8])
	}
}

// TestChangeAddr: the loader parses every address once, into Change.Addr.
func TestChangeAddr(t *testing.T) {
	plans, err := Load(filepath.Join("..", "..", "fixtures", "nested-modules", "plan.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range plans[0].Changes {
		if c.Addr.String() != c.Address || c.Addr.Type != c.Type || c.Addr.Mode != c.Mode {
			t.Errorf("%s: Addr %+v", c.Address, c.Addr)
		}
		if c.Address == `module.app[1].module.db["primary"].terraform_data.instance` {
			found = true
			want := plan.Address{Module: []plan.ModuleStep{{Name: "app", Key: "1"}, {Name: "db", Key: `"primary"`}},
				Mode: "managed", Type: "terraform_data", Name: "instance"}
			if !reflect.DeepEqual(c.Addr, want) {
				t.Errorf("Addr %+v, want %+v", c.Addr, want)
			}
		}
	}
	if !found {
		t.Fatal("the nested module instance is not in the plan")
	}
	// An address that does not parse is kept, with a zero Addr, as before.
	agree(t, []byte(`{"format_version":"1.2","resource_changes":[{"address":"not an address","type":"a","change":{"actions":["no-op"]}}]}`))
	ps, err := Parse("x.json", []byte(`{"format_version":"1.2","resource_changes":[{"address":"not an address","type":"a","change":{"actions":["no-op"]}}]}`))
	if err != nil || ps[0].Changes[0].Addr.Type != "" || ps[0].Changes[0].Mode != "managed" {
		t.Fatalf("unparsable address: %v %+v", err, ps)
	}
}

func TestRebuildAddress(t *testing.T) {
	cases := []struct {
		rc   rawChange
		want string // "" when nothing can be rebuilt
	}{
		{rawChange{typ: "aws_s3_bucket", name: "assets"}, "aws_s3_bucket.assets"},
		{rawChange{module: "module.db", mode: "managed", typ: "aws_db_instance", name: "main"}, "module.db.aws_db_instance.main"},
		{rawChange{module: `module.app[2].module.x["a"]`, mode: "data", typ: "aws_ami", name: "u", index: []byte("0")}, `module.app[2].module.x["a"].data.aws_ami.u[0]`},
		{rawChange{typ: "a", name: "b", index: []byte("12")}, "a.b[12]"},
		{rawChange{typ: "a", name: "b", index: []byte(`"eu-west-1"`)}, `a.b["eu-west-1"]`},
		// Terraform's StringKey quoting: HCL escapes, template introducers doubled.
		{rawChange{typ: "a", name: "b", index: []byte(`"q\"b\\s\n${x}%{y}$z\u0001"`)}, `a.b["q\"b\\s\n$${x}%%{y}$z\u0001"]`},
		{rawChange{typ: "a", name: "b", index: []byte("null")}, "a.b"},
		{rawChange{typ: "a", name: "b", index: []byte("-1")}, ""},
		{rawChange{typ: "a", name: "b", index: []byte("1.5")}, ""},
		{rawChange{typ: "a", name: "b", index: []byte("[1]")}, ""},
		{rawChange{typ: "a", name: "b", mode: "ephemeral"}, ""},
		{rawChange{typ: "a.b", name: "c"}, ""},
		{rawChange{module: "modules.x", typ: "a", name: "b"}, ""},
		{rawChange{typ: "a"}, ""},
		{rawChange{name: "b"}, ""},
	}
	for _, c := range cases {
		got, ok := rebuildAddress(&c.rc)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%+v: %q %v, want %q", c.rc, got, ok, c.want)
		}
	}
}

// TestTerraform10Drift: a plan of Terraform 1.0.0, whose resource_drift
// entries have no address, is judged, with its drift at rebuilt addresses
// and a warning that says so; both decoders agree.
func TestTerraform10Drift(t *testing.T) {
	file := filepath.Join("testdata", "terraform-1.0.0-drift.json")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	samePlans(t, file, data)
	plans, err := Load(file, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := plans[0]
	var drift []string
	for _, d := range p.Drift {
		drift = append(drift, d.Address+" "+string(d.Kind))
		if d.Addr.String() != d.Address {
			t.Errorf("%s: Addr %+v", d.Address, d.Addr)
		}
	}
	if want := []string{"aws_s3_bucket.assets update", "module.db.aws_db_instance.main update"}; !reflect.DeepEqual(drift, want) {
		t.Errorf("drift %v, want %v", drift, want)
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "resource_drift: 2 entries without an address") {
		t.Errorf("warnings %q", p.Warnings)
	}
	if len(p.Changes) != 3 || p.FormatVersion != "0.2" || p.TerraformVersion != "1.0.0" {
		t.Errorf("%d changes, format %s, terraform %s", len(p.Changes), p.FormatVersion, p.TerraformVersion)
	}
}

// TestEntriesWithoutAddress: resource changes are rebuilt like drift, or
// refused when they name nothing; drift and deferred entries that name
// nothing are left out with a warning, since neither is scored.
func TestEntriesWithoutAddress(t *testing.T) {
	const head = `{"format_version":"1.2","resource_changes":[`
	cases := []struct {
		name, input string
		err         string // "" when judged
		warning     string
		drift       int
		deferred    int
	}{
		{name: "change rebuilt",
			input:   head + `{"module_address":"module.m","mode":"managed","type":"a","name":"b","index":"k","change":{"actions":["delete"],"before":{"x":1}}}]}`,
			warning: `resource_changes: 1 entry without an address`},
		{name: "change with nothing",
			input: head + `{"mode":"managed","change":{"actions":["delete"]}}]}`,
			err:   "x.json: resource_changes[0]: a resource change without an address, and without the type and name to rebuild it from"},
		{name: "drift with nothing",
			input:   `{"format_version":"1.2","resource_changes":[],"resource_drift":[{"mode":"managed","change":{"actions":["update"]}},{"address":"a.b","type":"a","name":"b","change":{"actions":["delete"]}}]}`,
			warning: "resource_drift: 1 entry without an address or the type and name to rebuild one: left out", drift: 1},
		{name: "deferred with nothing",
			input:   `{"format_version":"1.2","resource_changes":[],"deferred_changes":[{"reason":"resource_config_unknown","resource_change":{"change":{"actions":["create"]}}}]}`,
			warning: "deferred_changes: 1 entry without an address or the type and name to rebuild one: left out"},
		{name: "deferred rebuilt",
			input:   `{"format_version":"1.2","resource_changes":[],"deferred_changes":[{"reason":"resource_config_unknown","resource_change":{"type":"a","name":"b","index":0,"change":{"actions":["create"]}}}]}`,
			warning: "deferred_changes: 1 entry without an address", deferred: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			agree(t, []byte(c.input))
			path := filepath.Join(t.TempDir(), "x.json")
			if err := os.WriteFile(path, []byte(c.input), 0o644); err != nil {
				t.Fatal(err)
			}
			plans, err := Load(path, Options{})
			if c.err != "" {
				if err == nil || strings.TrimPrefix(err.Error(), filepath.Dir(path)+string(filepath.Separator)) != c.err {
					t.Fatalf("error %v, want %s", err, c.err)
				}
				if ie, ok := err.(*InputError); !ok || ie.Hint != "" {
					t.Fatalf("a hint on a JSON plan: %#v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := plans[0]
			if len(p.Warnings) != 1 || !strings.HasPrefix(p.Warnings[0], c.warning) {
				t.Errorf("warnings %q, want %s", p.Warnings, c.warning)
			}
			if len(p.Drift) != c.drift || len(p.Deferred) != c.deferred {
				t.Errorf("%d drift, %d deferred", len(p.Drift), len(p.Deferred))
			}
		})
	}
}
