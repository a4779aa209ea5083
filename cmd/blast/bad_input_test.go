package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestBadInput is the table of hostile and broken inputs (issue 8 of the
// tracker): each exits 1 with one line naming the file and the problem (and
// maybe a hint line), prints nothing on stdout, and never panics. The
// testscripts in testdata/script cover more of them through the binary.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	pl, err := os.ReadFile("../../fixtures/create/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	utf16le := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(string(pl))) {
		utf16le = append(utf16le, byte(u), byte(u>>8))
	}
	deep := `{"format_version":"1.2","resource_changes":` + strings.Repeat("[", 300000) + strings.Repeat("]", 300000) + "}"
	deepValue := `{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","name":"b","change":{"actions":["delete"],"before":` +
		strings.Repeat("[", 200000) + strings.Repeat("]", 200000) + "}}]}"

	cases := []struct {
		name string
		args []string
		want string // regexp for the error line, after "blast: error: "
	}{
		{"missing file", []string{"check", filepath.Join(dir, "nope.json")}, `nope\.json: no such file$`},
		{"folder", []string{"check", dir}, `: is a directory, not a plan file$`},
		{"empty", []string{"check", write("empty.json", nil)}, `empty\.json: is empty$`},
		{"whitespace only", []string{"check", write("ws.json", []byte(" \n\t\r\n "))}, `ws\.json: is empty$`},
		{"not JSON", []string{"check", write("text.json", []byte("resource \"x\" \"y\" {}"))}, `text\.json: is not JSON$`},
		{"truncated", []string{"check", write("trunc.json", pl[:len(pl)/2])}, `trunc\.json: truncated JSON: it ends before the plan does$`},
		{"UTF-16 cut short", []string{"check", write("utf16.json", utf16le[:len(utf16le)-1])}, `utf16\.json: is not valid UTF-16LE text: an odd number of bytes, so it was cut short$`},
		{"deep arrays", []string{"check", write("deep.json", []byte(deep))}, `deep\.json: not a Terraform plan: JSON nested more than 10000 levels deep \(line 1\)$`},
		{"deep value", []string{"check", write("deepvalue.json", []byte(deepValue))}, `deepvalue\.json: not a Terraform plan: JSON nested more than 10000 levels deep`},
		{"wrong type", []string{"check", write("wt.json", []byte(`{"format_version":"1.2","resource_changes":{"a":1}}`))}, `wt\.json: wrong type at resource_changes: a JSON object where the plan format has an array$`},
		{"null for an object", []string{"check", write("nullobj.json", []byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","change":null}]}`))}, `nullobj\.json: resource_changes\[0\]: a\.b: no change object$`},
		{"format_version a number", []string{"check", write("fvnum.json", []byte(`{"format_version":1.2,"resource_changes":[]}`))}, `fvnum\.json: format_version is not a string$`},
		{"future format", []string{"check", write("future.json", []byte(`{"format_version":"2.0","resource_changes":[]}`))}, `future\.json: plan format from the future`},
		{"unknown action fails closed", []string{"check", write("act.json", []byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","name":"b","change":{"actions":["delete","forget"]}}]}`))}, `act\.json: resource_changes\[0\]: a\.b: unknown actions "delete,forget"`},
		{"duplicate address", []string{"check", write("dup.json", []byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","change":{"actions":["create"]}},{"address":"a.b","type":"a","change":{"actions":["create"]}}]}`))}, `dup\.json: resource_changes: a\.b appears twice and is not a deposed object$`},
		// Two addresses repeated: the error names the first in address
		// order, wherever they stand in the plan.
		{"two duplicate addresses", []string{"check", write("dup2.json", []byte(`{"format_version":"1.2","resource_changes":[{"address":"a.c","type":"a","change":{"actions":["create"]}},{"address":"a.c","deposed":"x","type":"a","change":{"actions":["delete"]}},{"address":"a.c","deposed":"x","type":"a","change":{"actions":["delete"]}},{"address":"a.b","type":"a","change":{"actions":["create"]}},{"address":"a.b","type":"a","change":{"actions":["create"]}}]}`))}, `dup2\.json: resource_changes: a\.b appears twice and is not a deposed object$`},
		{"duplicate deposed object", []string{"check", write("dup3.json", []byte(`{"format_version":"1.2","resource_changes":[{"address":"a.c","deposed":"x","type":"a","change":{"actions":["delete"]}},{"address":"a.c","type":"a","change":{"actions":["create"]}},{"address":"a.c","deposed":"x","type":"a","change":{"actions":["delete"]}}]}`))}, `dup3\.json: resource_changes: a\.c \(deposed x\) appears twice$`},
		{"misspelt key", []string{"check", write("misspelt.json", []byte(`{"format_version":"1.2","terraform_version":"1.9.0","resource_chnges":[{"address":"a.b","type":"a","change":{"actions":["delete"]}}]}`))}, `misspelt\.json: not a Terraform plan: no "resource_changes" or "planned_values" key$`},
		{"key given twice", []string{"check", write("twice.json", []byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","name":"b","change":{"actions":["delete"]}}],"resource_changes":[]}`))}, `twice\.json: not a Terraform plan: the key "resource_changes" appears twice in one object \(line 1\)$`},
		{"action given twice", []string{"check", write("twice2.json", []byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","name":"b","change":{"actions":["delete"],"actions":["no-op"]}}]}`))}, `twice2\.json: not a Terraform plan: the key "actions" appears twice`},
		{"state file", []string{"check", write("terraform.tfstate", []byte(`{"version":4,"serial":1,"lineage":"x","resources":[]}`))}, `terraform\.tfstate: not a Terraform plan: this is a Terraform state file$`},
		{"bad NDJSON line", []string{"check", write("stream.ndjson", append(append([]byte(nil), bytes.TrimSpace(pl)...), []byte("\n{\"format_version\":\n")...))}, `stream\.ndjson:2: truncated JSON`},
		{"zip that is no plan", []string{"check", "--terraform-bin", "no-such-terraform", write("plan.out", []byte("PK\x03\x04 not really"))}, `plan\.out: no terraform or tofu binary: no-such-terraform not found$`},
		{"policy that does not parse", []string{"check", "--policy", write("bad.yml", []byte("threshold: [\n")), "../../fixtures/create/plan.json"}, `bad\.yml:\d+: not valid YAML`},
		{"policy with a wrong key", []string{"check", "--policy", write("key.yml", []byte("version: 1\nthreshhold: 40\n")), "../../fixtures/create/plan.json"}, `key\.yml:2: unknown key "threshhold"`},
		{"bad allowed_signers", []string{"check", "--signoffs", dir, "--allowed-signers", write("as", []byte("alice not-a-key\n")), "../../fixtures/create/plan.json"}, `as:1: `},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(c.args, strings.NewReader(""), &out, &errOut)
			if code != exitError {
				t.Fatalf("exit %d, want 1; stderr %q", code, errOut.String())
			}
			if out.Len() != 0 {
				t.Errorf("stdout is not empty: %q", out.String())
			}
			lines := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
			if len(lines) > 2 || (len(lines) == 2 && !strings.HasPrefix(lines[1], "blast: hint: ")) {
				t.Errorf("stderr is not one error line and at most a hint: %q", errOut.String())
			}
			msg, ok := strings.CutPrefix(lines[0], "blast: error: ")
			if !ok || !regexp.MustCompile(c.want).MatchString(msg) {
				t.Errorf("stderr %q, want blast: error: %s", lines[0], c.want)
			}
			if strings.Contains(errOut.String(), "goroutine") || strings.Contains(errOut.String(), "panic") {
				t.Errorf("a stack trace: %s", errOut.String())
			}
		})
	}
}

// A report that cannot be written in full is not written at all: an
// unwritable --output or step summary is exit 1 with nothing on stdout.
func TestNoReportWhenAnOutputFails(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GITHUB_STEP_SUMMARY", filepath.Join(dir, "no", "such", "summary.md"))
	var out, errOut bytes.Buffer
	code := run([]string{"check", "--format", "github", "-o", filepath.Join(dir, "r.json") + ":json", "../../fixtures/update/plan.json"}, nil, &out, &errOut)
	if code != exitError || out.Len() != 0 || !strings.Contains(errOut.String(), "GITHUB_STEP_SUMMARY") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	out.Reset()
	errOut.Reset()
	code = run([]string{"check", "-o", filepath.Join(dir, "ok.json") + ":json", "-o", filepath.Join(dir, "missing", "x.md") + ":markdown", "../../fixtures/update/plan.json"}, nil, &out, &errOut)
	if code != exitError || out.Len() != 0 {
		t.Errorf("exit %d, stdout %q", code, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "ok.json")); err == nil {
		t.Errorf("the first --output was written although the second failed")
	}
}
