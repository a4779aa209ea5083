package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
)

// The no-leak test: no output of blast ever holds an attribute value.
//
// It takes every fixture plan and a synthetic one full of secrets, plants
// a unique marker (LEAK-<n>-MARKER) in every value the plan carries (before,
// after, unknown and sensitive markers, variables, outputs, prior state,
// planned values, the configuration's constants and variable defaults,
// check messages), runs the plan through planjson, graph, scoring and report as
// blast check does, renders every registered format and the dependency graph,
// and looks for the marker.

// leakPlanter replaces values with markers. With masks set it also plants
// markers in after_unknown and the *_sensitive masks, which then no longer
// say what is unknown or sensitive: the plan may be rejected, but neither an
// output nor the error may hold a marker.
type leakPlanter struct {
	n     int
	masks bool
}

func (p *leakPlanter) marker() string {
	p.n++
	return fmt.Sprintf("LEAK-%d-MARKER", p.n)
}

// value replaces every leaf of v, at any depth, keeping its shape. A null
// at the top stays null (a create has no before); nested ones are planted.
// Booleans are kept unless masks are planted too.
func (p *leakPlanter) value(v any, top bool) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = p.value(e, false)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = p.value(e, false)
		}
		return x
	case nil:
		if top {
			return nil
		}
	case bool:
		// A flag holds no marker; kept, it keeps the logic that reads it
		// (deletion_protection = false ...) running. With masks, planted.
		if !p.masks {
			return x
		}
	}
	return p.marker()
}

// mask plants in an unknown or sensitive mask only in masks mode.
func (p *leakPlanter) mask(v any) any {
	if !p.masks || v == nil {
		return v
	}
	return p.value(v, true)
}

func (p *leakPlanter) change(c any) {
	m, ok := c.(map[string]any)
	if !ok {
		return
	}
	for _, k := range []string{"before", "after"} {
		if v, ok := m[k]; ok {
			m[k] = p.value(v, true)
		}
	}
	for _, k := range []string{"after_unknown", "before_sensitive", "after_sensitive"} {
		if v, ok := m[k]; ok {
			m[k] = p.mask(v)
		}
	}
	if imp, ok := m["importing"].(map[string]any); ok {
		for k, v := range imp {
			imp[k] = p.value(v, true)
		}
	}
}

func (p *leakPlanter) stateModule(m any) {
	mod, ok := m.(map[string]any)
	if !ok {
		return
	}
	for _, r := range asList(mod["resources"]) {
		if res, ok := r.(map[string]any); ok {
			if v, ok := res["values"]; ok {
				res["values"] = p.value(v, true)
			}
			if v, ok := res["sensitive_values"]; ok {
				res["sensitive_values"] = p.mask(v)
			}
		}
	}
	for _, c := range asList(mod["child_modules"]) {
		p.stateModule(c)
	}
}

func (p *leakPlanter) state(s any) {
	st, ok := s.(map[string]any)
	if !ok {
		return
	}
	values, ok := st["values"].(map[string]any)
	if !ok {
		return
	}
	for _, o := range asMap(values["outputs"]) {
		if out, ok := o.(map[string]any); ok {
			if v, ok := out["value"]; ok {
				out["value"] = p.value(v, true)
			}
		}
	}
	p.stateModule(values["root_module"])
}

// config plants in every constant_value and variable default, anywhere.
func (p *leakPlanter) config(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == "constant_value" || k == "default" {
				x[k] = p.value(e, false)
				continue
			}
			p.config(e)
		}
	case []any:
		for _, e := range x {
			p.config(e)
		}
	}
}

func (p *leakPlanter) plan(doc map[string]any) {
	for _, v := range asMap(doc["variables"]) {
		if vr, ok := v.(map[string]any); ok {
			vr["value"] = p.value(vr["value"], false)
		}
	}
	for _, o := range asMap(doc["output_changes"]) {
		p.change(o)
	}
	for _, key := range []string{"resource_changes", "resource_drift"} {
		for _, rc := range asList(doc[key]) {
			if m, ok := rc.(map[string]any); ok {
				p.change(m["change"])
			}
		}
	}
	for _, d := range asList(doc["deferred_changes"]) {
		if m, ok := d.(map[string]any); ok {
			if rc, ok := m["resource_change"].(map[string]any); ok {
				p.change(rc["change"])
			}
		}
	}
	p.state(doc["prior_state"])
	p.state(map[string]any{"values": doc["planned_values"]})
	p.config(doc["configuration"])
	for _, c := range asList(doc["checks"]) {
		for _, inst := range asList(asMapOf(c)["instances"]) {
			for _, pr := range asList(asMapOf(inst)["problems"]) {
				if m, ok := pr.(map[string]any); ok {
					m["message"] = p.marker()
				}
			}
		}
	}
}

func asList(v any) []any           { l, _ := v.([]any); return l }
func asMap(v any) map[string]any   { m, _ := v.(map[string]any); return m }
func asMapOf(v any) map[string]any { return asMap(v) }

// plantFile rewrites a plan file with markers and says how many it planted.
func plantFile(t *testing.T, src []byte, masks bool) ([]byte, int) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	p := &leakPlanter{masks: masks}
	p.plan(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out, p.n
}

func TestNoValueLeaks(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "fixtures", "*", "plan.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixture plans: %v", err)
	}
	type input struct {
		name string
		data []byte
	}
	var inputs []input
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{filepath.Base(filepath.Dir(f)), data})
	}
	inputs = append(inputs, input{"synthetic", []byte(secretPlan)})

	dir := t.TempDir()
	planted := 0
	for _, in := range inputs {
		for _, masks := range []bool{false, true} {
			name := in.name
			if masks {
				name += "+masks"
			}
			t.Run(name, func(t *testing.T) {
				data, n := plantFile(t, in.data, masks)
				planted += n
				if n == 0 {
					t.Fatal("planted no marker")
				}
				path := filepath.Join(dir, strings.ReplaceAll(name, "+", "_")+".json")
				if err := os.WriteFile(path, data, 0o644); err != nil {
					t.Fatal(err)
				}
				plans, err := planjson.Load(path, planjson.Options{})
				if err != nil {
					if masks {
						noMarker(t, "the error", err.Error())
						return
					}
					t.Fatalf("a plan with planted values is rejected: %v", err)
				}
				checkNoLeak(t, plans)
			})
		}
	}
	t.Logf("%d markers planted in %d plans", planted, len(inputs))
}

func checkNoLeak(t *testing.T, plans []*plan.Plan) {
	t.Helper()
	r := plansReport(plans)
	withSignoff(r, 0)
	for _, format := range Formats() {
		for _, opts := range []Options{{}, {Table: TableOptions{All: true, MaxRows: 100000}}} {
			out, err := Render(r, format, opts)
			if err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			noMarker(t, format, string(out))
		}
	}
	for _, opts := range []GraphOptions{{}, {Radius: true}} {
		var dot, mmd bytes.Buffer
		if err := WriteDOT(&dot, plans, opts); err != nil {
			t.Fatal(err)
		}
		if err := WriteMermaid(&mmd, plans, opts); err != nil {
			t.Fatal(err)
		}
		noMarker(t, "graph dot", dot.String())
		noMarker(t, "graph mermaid", mmd.String())
	}
}

var foldedMarker = regexp.MustCompile(`leak-[0-9]+-marker`)

func noMarker(t *testing.T, what, out string) {
	t.Helper()
	// A marker folded to lower case counts too: the subtype of an
	// azapi_resource is kept that way, and must not be printed either.
	if loc := foldedMarker.FindStringIndex(out); loc != nil {
		t.Errorf("%s holds a planted value, folded: ...%s...", what, out[max(0, loc[0]-80):min(len(out), loc[1]+80)])
		return
	}
	for _, m := range []string{"MARKER", "LEAK-"} {
		if i := strings.Index(out, m); i >= 0 {
			lo, hi := max(0, i-80), min(len(out), i+80)
			t.Errorf("%s holds a planted value: ...%s...", what, out[lo:hi])
			return
		}
	}
}

// TestNoLeakCatches makes sure the test can fail: a report that does carry
// a value is caught.
func TestNoLeakCatches(t *testing.T) {
	data, _ := plantFile(t, []byte(secretPlan), false)
	if !bytes.Contains(data, []byte("LEAK-1-MARKER")) {
		t.Fatal("no marker planted")
	}
	plans, err := planjson.Load(writeTemp(t, data), planjson.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := plansReport(plans)
	r.Findings = append(r.Findings, Finding{Rule: "x", Severity: "low", Message: "oops LEAK-3-MARKER"})
	for _, format := range Formats() {
		out, _ := Render(r, format, Options{})
		if !strings.Contains(string(out), "MARKER") {
			t.Errorf("%s: the planted finding message is not in the output", format)
		}
	}
	// Every kind of value is planted in the synthetic plan.
	s := string(data)
	for _, want := range []string{`"value":"LEAK-`, `"password":"LEAK-`, `"constant_value":"LEAK-`, `"default":"LEAK-`} {
		if !strings.Contains(s, want) {
			t.Errorf("synthetic plan: nothing planted at %s", want)
		}
	}
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// secretPlan is a plan as Terraform 1.9 writes it, with sensitive and
// unknown values, sensitive variables and outputs, a stateful delete whose
// prior state turns protection off, a replace forced by a sensitive
// attribute, a for_each rename, a module, drift, a deferred change, an
// import and a failing check.
const secretPlan = `{
  "format_version": "1.2",
  "terraform_version": "1.9.5",
  "variables": {
    "db_password": {"value": "hunter2"},
    "tags": {"value": {"team": "payments", "cost": 42}},
    "replicas": {"value": ["us-east", "us-west"]}
  },
  "planned_values": {
    "outputs": {"db_password": {"sensitive": true, "value": "hunter2"}},
    "root_module": {
      "resources": [
        {"address": "aws_instance.app", "mode": "managed", "type": "aws_instance", "name": "app", "provider_name": "registry.terraform.io/hashicorp/aws",
         "schema_version": 1, "values": {"ami": "ami-123", "user_data": "secret-script", "tags": {"team": "payments"}}, "sensitive_values": {"user_data": true}},
        {"address": "aws_s3_bucket.logs[\"new\"]", "mode": "managed", "type": "aws_s3_bucket", "name": "logs", "index": "new", "provider_name": "registry.terraform.io/hashicorp/aws",
         "schema_version": 0, "values": {"bucket": "acme-logs", "force_destroy": true}, "sensitive_values": {}}
      ],
      "child_modules": [{"address": "module.net", "resources": [
        {"address": "module.net.aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a", "provider_name": "registry.terraform.io/hashicorp/aws",
         "schema_version": 1, "values": {"cidr_block": "10.0.1.0/24", "vpc_id": "vpc-1"}, "sensitive_values": {}}
      ]}]
    }
  },
  "resource_changes": [
    {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main", "provider_name": "registry.terraform.io/hashicorp/aws",
     "change": {"actions": ["delete"],
       "before": {"identifier": "prod-db", "password": "hunter2", "username": "admin", "deletion_protection": false, "skip_final_snapshot": true,
                  "allocated_storage": 100, "tags": {"team": "payments", "secret": "s3cr3t"}, "endpoint": null},
       "after": null, "after_unknown": {}, "before_sensitive": {"password": true, "tags": {}}, "after_sensitive": false},
     "action_reason": "delete_because_no_resource_config"},
    {"address": "aws_instance.app", "mode": "managed", "type": "aws_instance", "name": "app", "provider_name": "registry.terraform.io/hashicorp/aws",
     "change": {"actions": ["delete", "create"],
       "before": {"id": "i-0abc", "ami": "ami-123", "user_data": "old-secret-script", "private_ip": "10.0.1.5", "tags": {"team": "payments"}},
       "after": {"ami": "ami-123", "user_data": "secret-script", "tags": {"team": "payments"}},
       "after_unknown": {"id": true, "private_ip": true, "tags": {}},
       "before_sensitive": {"user_data": true, "tags": {}}, "after_sensitive": {"user_data": true, "tags": {}},
       "replace_paths": [["user_data"]]},
     "action_reason": "replace_because_cannot_update"},
    {"address": "aws_s3_bucket.logs[\"old\"]", "mode": "managed", "type": "aws_s3_bucket", "name": "logs", "index": "old", "provider_name": "registry.terraform.io/hashicorp/aws",
     "change": {"actions": ["delete"], "before": {"bucket": "acme-logs", "force_destroy": true, "policy": "{\"Statement\":[]}"}, "after": null,
       "after_unknown": {}, "before_sensitive": {}, "after_sensitive": false},
     "action_reason": "delete_because_each_key"},
    {"address": "aws_s3_bucket.logs[\"new\"]", "mode": "managed", "type": "aws_s3_bucket", "name": "logs", "index": "new", "provider_name": "registry.terraform.io/hashicorp/aws",
     "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-logs", "force_destroy": true},
       "after_unknown": {"id": true, "arn": true, "policy": true}, "before_sensitive": false, "after_sensitive": {}}},
    {"address": "module.net.aws_subnet.a", "module_address": "module.net", "mode": "managed", "type": "aws_subnet", "name": "a", "provider_name": "registry.terraform.io/hashicorp/aws",
     "change": {"actions": ["update"], "before": {"id": "subnet-1", "cidr_block": "10.0.0.0/24", "vpc_id": "vpc-1"},
       "after": {"id": "subnet-1", "cidr_block": "10.0.1.0/24", "vpc_id": "vpc-1"}, "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}},
    {"address": "azapi_resource.db", "mode": "managed", "type": "azapi_resource", "name": "db", "provider_name": "registry.terraform.io/azure/azapi",
     "change": {"actions": ["delete"], "before": {"type": "Microsoft.Sql/servers/databases@2021-11-01", "name": "orders"}, "after": null,
       "after_unknown": {}, "before_sensitive": {}, "after_sensitive": false}},
    {"address": "kubernetes_manifest.ns", "mode": "managed", "type": "kubernetes_manifest", "name": "ns", "provider_name": "registry.terraform.io/hashicorp/kubernetes",
     "change": {"actions": ["delete"], "before": {"manifest": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod"}}}, "after": null,
       "after_unknown": {}, "before_sensitive": {}, "after_sensitive": false}},
    {"address": "aws_db_instance.replica", "mode": "managed", "type": "aws_db_instance", "name": "replica", "provider_name": "registry.terraform.io/hashicorp/aws",
     "change": {"actions": ["update"], "before": {"identifier": "replica-db", "deletion_protection": true, "backup_retention_period": 7},
       "after": {"identifier": "replica-db", "deletion_protection": false, "backup_retention_period": 0}, "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}},
    {"address": "aws_iam_user.ci", "mode": "managed", "type": "aws_iam_user", "name": "ci", "provider_name": "registry.terraform.io/hashicorp/aws",
     "change": {"actions": ["no-op"], "before": {"name": "ci", "id": "ci"}, "after": {"name": "ci", "id": "ci"}, "after_unknown": {},
       "before_sensitive": {}, "after_sensitive": {}, "importing": {"id": "ci"}}}
  ],
  "resource_drift": [
    {"address": "aws_instance.app", "mode": "managed", "type": "aws_instance", "name": "app", "provider_name": "registry.terraform.io/hashicorp/aws",
     "change": {"actions": ["update"], "before": {"user_data": "drifted-secret"}, "after": {"user_data": "old-secret-script"},
       "after_unknown": {}, "before_sensitive": {"user_data": true}, "after_sensitive": {"user_data": true}}}
  ],
  "deferred_changes": [
    {"reason": "provider_config_unknown", "resource_change": {"address": "aws_route53_record.www", "mode": "managed", "type": "aws_route53_record", "name": "www",
     "provider_name": "registry.terraform.io/hashicorp/aws",
     "change": {"actions": ["create"], "before": null, "after": {"name": "www.example.com", "records": ["10.0.0.1"]}, "after_unknown": {"id": true},
       "before_sensitive": false, "after_sensitive": {"records": [false]}}}}
  ],
  "output_changes": {
    "db_password": {"actions": ["update"], "before": "old-hunter", "after": "hunter2", "after_unknown": false, "before_sensitive": true, "after_sensitive": true},
    "endpoint": {"actions": ["create"], "before": null, "after": null, "after_unknown": true, "before_sensitive": false, "after_sensitive": false}
  },
  "prior_state": {
    "format_version": "1.0", "terraform_version": "1.9.5",
    "values": {
      "outputs": {"db_password": {"sensitive": true, "value": "old-hunter", "type": "string"}},
      "root_module": {
        "resources": [
          {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main", "provider_name": "registry.terraform.io/hashicorp/aws",
           "schema_version": 2, "values": {"identifier": "prod-db", "password": "hunter2", "deletion_protection": false, "skip_final_snapshot": true},
           "sensitive_values": {"password": true}},
          {"address": "aws_instance.app", "mode": "managed", "type": "aws_instance", "name": "app", "provider_name": "registry.terraform.io/hashicorp/aws",
           "schema_version": 1, "values": {"id": "i-0abc", "user_data": "old-secret-script"}, "sensitive_values": {"user_data": true},
           "depends_on": ["aws_db_instance.main", "module.net.aws_subnet.a"]}
        ],
        "child_modules": [{"address": "module.net", "resources": [
          {"address": "module.net.aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a", "provider_name": "registry.terraform.io/hashicorp/aws",
           "schema_version": 1, "values": {"id": "subnet-1", "cidr_block": "10.0.0.0/24"}, "sensitive_values": {}}
        ]}]
      }
    }
  },
  "configuration": {
    "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "expressions": {"region": {"constant_value": "eu-west-1"},
      "access_key": {"constant_value": "AKIAEXAMPLE"}}}},
    "root_module": {
      "outputs": {"db_password": {"sensitive": true, "expression": {"references": ["var.db_password"]}}},
      "resources": [
        {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main", "provider_config_key": "aws",
         "expressions": {"password": {"references": ["var.db_password"]}, "identifier": {"constant_value": "prod-db"}}, "schema_version": 2},
        {"address": "aws_instance.app", "mode": "managed", "type": "aws_instance", "name": "app", "provider_config_key": "aws",
         "expressions": {"user_data": {"constant_value": "secret-script"}, "subnet_id": {"references": ["module.net.subnet_id", "module.net"]},
           "tags": {"references": ["var.tags"]}}, "schema_version": 1},
        {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs", "provider_config_key": "aws",
         "expressions": {"bucket": {"constant_value": "acme-logs"}}, "schema_version": 0, "for_each_expression": {"references": ["var.replicas"]}}
      ],
      "module_calls": {"net": {"source": "./net", "expressions": {"cidr": {"constant_value": "10.0.1.0/24"}},
        "module": {"outputs": {"subnet_id": {"expression": {"references": ["aws_subnet.a.id", "aws_subnet.a"]}}},
          "resources": [{"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a", "provider_config_key": "net:aws",
            "expressions": {"cidr_block": {"references": ["var.cidr"]}, "vpc_id": {"constant_value": "vpc-1"}}, "schema_version": 1}],
          "variables": {"cidr": {"default": "10.9.0.0/16"}}}}},
      "variables": {"db_password": {"sensitive": true, "default": "changeme"}, "tags": {"default": {"team": "none"}}, "replicas": {}}
    }
  },
  "relevant_attributes": [{"resource": "aws_instance.app", "attribute": ["user_data"]}],
  "checks": [{"address": {"kind": "resource", "to_display": "aws_instance.app", "mode": "managed", "type": "aws_instance", "name": "app"}, "status": "fail",
    "instances": [{"address": {"to_display": "aws_instance.app"}, "status": "fail", "problems": [{"message": "user_data hunter2 is too long"}]}]}],
  "timestamp": "2024-09-01T12:00:00Z",
  "applyable": true,
  "complete": false,
  "errored": false
}`
