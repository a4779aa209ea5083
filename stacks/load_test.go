package stacks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const tinyState = `{"version": 4, "terraform_version": "1.11.4", "resources": []}`

// tree writes files (path -> content) under a new folder.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadFolderNames(t *testing.T) {
	dir := tree(t, map[string]string{
		"network.tfstate":                tinyState,
		"envs/prod/terraform.tfstate":    tinyState,
		"envs/prod/app.json":             `{"format_version": "1.0"}`,
		"data/db.json":                   tinyState,
		"notes.txt":                      "not a state, not read",
		"terraform.tfstate.backup":       "not read",
		".terraform/terraform.tfstate":   `{"version": 3, "backend": {}}`,
		"envs/.hidden.tfstate":           "not read",
		"envs/prod/.terraform/x.tfstate": "not read",
	})
	stacks, err := Load([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(stackNames(stacks), " ")
	if want := "data/db envs/prod envs/prod/app network"; got != want {
		t.Errorf("names %q, want %q", got, want)
	}
	stacks, err = Load([]string{"ctx=" + dir, "solo=" + filepath.Join(dir, "network.tfstate"), filepath.Join(dir, "envs", "prod", "terraform.tfstate")}, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	got = strings.Join(stackNames(stacks), " ")
	if want := "ctx/data/db ctx/envs/prod ctx/envs/prod/app ctx/network prod solo"; got != want {
		t.Errorf("names %q, want %q", got, want)
	}
}

func TestLoadErrors(t *testing.T) {
	plan, err := os.ReadFile(filepath.Join("..", "fixtures", "cross-stack", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	withPlan := tree(t, map[string]string{"a.tfstate": tinyState, "b/plan.json": string(plan)})
	empty := tree(t, map[string]string{"readme.md": "no states"})
	dups := tree(t, map[string]string{"x.tfstate": tinyState, "x.json": tinyState})
	big := tree(t, map[string]string{"big.tfstate": tinyState})
	linked := tree(t, map[string]string{"a.tfstate": tinyState, "real/b.tfstate": tinyState})
	if err := os.Symlink(linked, filepath.Join(linked, "loop")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		specs []string
		opts  Options
		is    error
		msg   string
	}{
		{"plan in a folder", []string{withPlan}, Options{}, ErrIsPlan, filepath.Join(withPlan, "b", "plan.json") + ": this is a plan, not a state"},
		{"missing", []string{"/no/such/state.tfstate"}, Options{}, nil, "/no/such/state.tfstate: no such file or folder"},
		{"named missing", []string{"x=/no/such"}, Options{}, nil, "/no/such: no such file or folder"},
		{"empty name", []string{"=/no/such"}, Options{}, ErrBadSpec, "=/no/such: bad context: empty name or path"},
		{"no states", []string{empty}, Options{}, ErrBadSpec, empty + ": bad context: no state files (*.tfstate, *.json) in the folder"},
		{"same name", []string{dups}, Options{}, ErrBadSpec, filepath.Join(dups, "x.tfstate") + `: bad context: stack name "x" is also the name of ` + filepath.Join(dups, "x.json")},
		{"too large", []string{big}, Options{MaxBytes: 10}, ErrInputTooLarge, filepath.Join(big, "big.tfstate") + ": input too large: 62 bytes, the limit is 10"},
		{"too many", []string{linked + "/a.tfstate", "b=" + linked + "/real/b.tfstate"}, Options{MaxFiles: 1}, ErrInputTooLarge, "b=" + linked + "/real/b.tfstate: input too large: more than 1 context files"},
		{"linked folder", []string{linked}, Options{}, ErrBadSpec, filepath.Join(linked, "loop") + ": bad context: a symbolic link to a folder, not followed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.specs, tc.opts)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T), want an *InputError", err, err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v does not wrap %v", err, tc.is)
			}
			if err.Error() != tc.msg {
				t.Errorf("error\n%s\nwant\n%s", err, tc.msg)
			}
		})
	}
}

// The same folder gives the same stacks in the same order, however many
// workers read it.
func TestLoadDeterministic(t *testing.T) {
	files := map[string]string{}
	for _, n := range []string{"c", "a", "b", "z/y", "m"} {
		files[n+".tfstate"] = `{"version": 4, "resources": [{"mode": "managed", "type": "t", "name": "` + strings.ReplaceAll(n, "/", "_") + `", "instances": [{"attributes": {"id": "id-of-` + n + `-0000"}}]}]}`
	}
	dir := tree(t, files)
	var first string
	for _, workers := range []int{1, 2, 8} {
		stacks, err := Load([]string{dir}, Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(stackNames(stacks), " ")
		if first == "" {
			first = got
		} else if got != first {
			t.Errorf("workers %d: %s, want %s", workers, got, first)
		}
	}
	if first != "a b c m z/y" {
		t.Errorf("order %q", first)
	}
}
