package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/blast-dev/blast/check"
)

// TestReadmeIsTrue runs the blast commands the README shows with their
// output and expects that output, so the README cannot drift from the tool.
func TestReadmeIsTrue(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)

	// The opening session is blast demo's plan, named plan.json.
	session := between(t, readme, "$ blast check plan.json\n", "$ echo $?")
	if got := strings.ReplaceAll(runBlast(t, "demo"), check.DemoSource, "plan.json"); got != session {
		t.Errorf("the README's opening session is not what blast demo prints:\n%s", got)
	}

	// Every "$ blast explain ..." block, run from the repository root.
	for _, block := range strings.Split(readme, "```\n$ blast explain ")[1:] {
		cmdLine, output, _ := strings.Cut(block, "\n")
		output, _, _ = strings.Cut(output, "```")
		var args []string
		for _, a := range strings.Fields("explain " + cmdLine) {
			if strings.HasPrefix(a, "fixtures/") {
				a = "../../" + a
			}
			args = append(args, a)
		}
		if got := runBlast(t, args...); got != output {
			t.Errorf("README: blast explain %s prints:\n%s", cmdLine, got)
		}
	}
}

func between(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatalf("README has no %q", start)
	}
	rest := s[i+len(start):]
	j := strings.Index(rest, end)
	if j < 0 {
		t.Fatalf("README has no %q after %q", end, start)
	}
	return rest[:j]
}

func runBlast(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(args, nil, &out, &errOut); code == exitError {
		t.Fatalf("blast %s: %s", strings.Join(args, " "), errOut.String())
	}
	return out.String()
}

// TestJSONSchemaDocIsComplete checks that every key the JSON report holds is
// documented in docs/json-report.md.
func TestJSONSchemaDocIsComplete(t *testing.T) {
	doc, err := os.ReadFile("../../docs/json-report.md")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, args := range [][]string{
		{"check", "--format", "json", "--policy", "../../fixtures/demo-teardown/blast.yml", "../../fixtures/demo-teardown/plan.json"},
		{"check", "--format", "json", "../../fixtures/for-each-key/plan.json", "../../fixtures/graph-refs/plan.json"},
	} {
		var v any
		if err := json.Unmarshal([]byte(runBlast(t, args...)), &v); err != nil {
			t.Fatal(err)
		}
		collectKeys(v, keys)
	}
	for k := range keys {
		if !strings.Contains(string(doc), "`"+k+"`") {
			t.Errorf("docs/json-report.md does not document the key %q", k)
		}
	}
}

func collectKeys(v any, keys map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			keys[k] = true
			collectKeys(e, keys)
		}
	case []any:
		for _, e := range v {
			collectKeys(e, keys)
		}
	}
}
