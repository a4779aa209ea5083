package check

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckApplyArgs(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"-auto-approve"}, {"-no-color"}, {"-input=false"}, {"-lock=false"}, {"-compact-warnings"}, {"-json"},
		{"-lock-timeout=60s"}, {"-lock-timeout", "60s"}, {"-parallelism=5"}, {"--parallelism", "5"},
		{"-auto-approve", "-no-color", "-input=false", "-parallelism", "2", "-lock-timeout=1m", "-json"},
	} {
		if err := CheckApplyArgs(args); err != nil {
			t.Errorf("CheckApplyArgs(%q) = %v, want nil", args, err)
		}
	}
	for _, args := range [][]string{
		{"-destroy"}, {"-replace=a.b"}, {"-replace", "a.b"}, {"-target=a.b"}, {"-var", "x=1"}, {"-var=x=1"},
		{"-var-file=x.tfvars"}, {"-state=x"}, {"-state-out=x"}, {"-backup=x"}, {"-refresh-only"}, {"-refresh=false"},
		{"other.out"}, {"--"}, {"-"}, {"-no-color", "dir"}, {"-parallelism"}, {"-lock", "false"},
		{"---no-color"}, {"-Destroy"}, {"-chdir=x"},
	} {
		if err := CheckApplyArgs(args); err == nil {
			t.Errorf("CheckApplyArgs(%q) = nil, want a refusal", args)
		}
	}
}

func TestCheckApplyEnv(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	if err := CheckApplyEnv(env(map[string]string{"TF_CLI_ARGS": "-no-color", "TF_CLI_ARGS_apply": "-parallelism 4 -lock-timeout=5m"})); err != nil {
		t.Errorf("harmless options refused: %v", err)
	}
	for _, kv := range []map[string]string{
		{"TF_CLI_ARGS": "-destroy"}, {"TF_CLI_ARGS_apply": "-target=a.b"}, {"TF_CLI_ARGS_apply": "other.out"},
		{"TF_CLI_ARGS": `-lock-timeout="5m"`}, {"TF_CLI_ARGS_apply": `-no-color\ x`},
	} {
		if err := CheckApplyEnv(env(kv)); err == nil {
			t.Errorf("CheckApplyEnv(%v) = nil, want a refusal", kv)
		}
	}
}

func TestCopyPlan(t *testing.T) {
	dir := t.TempDir()
	orig := filepath.Join(dir, "plan.out")
	if err := os.WriteFile(orig, []byte("PK\x03\x04judged"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := CopyPlan(orig)
	if err != nil {
		t.Fatal(err)
	}
	// What is later written to the original does not reach the copy.
	if err := os.WriteFile(orig, []byte("PK\x03\x04swapped"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(c.Path)
	if err != nil || string(data) != "PK\x03\x04judged" {
		t.Fatalf("copy holds %q, %v; want the judged bytes", data, err)
	}
	fi, err := os.Lstat(filepath.Dir(c.Path))
	if err != nil || fi.Mode().Perm() != 0o700 || !fi.IsDir() {
		t.Errorf("copy's folder: %v, %v; want a folder of mode 0700", fi.Mode(), err)
	}
	if fi, err := os.Lstat(c.Path); err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("copy: %v, %v; want a regular file only its owner reads", fi.Mode(), err)
	}
	if c.Of != orig {
		t.Errorf("Of = %q, want %q", c.Of, orig)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(c.Path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Close the copy's folder is still there: %v", err)
	}

	jsonPlan := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(jsonPlan, []byte(`{"format_version":"1.2"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{jsonPlan, dir, filepath.Join(dir, "missing"), "-"} {
		if c, err := CopyPlan(bad); err == nil {
			c.Close()
			t.Errorf("CopyPlan(%s) = nil error, want a refusal", bad)
		}
	}
}
