package planjson

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

const corpusDir = "../../../shared/corpus"

// corpusFiles lists the shared corpus plans, skipping the test when the
// corpus is not beside the repository.
func corpusFiles(t testing.TB, sub string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(corpusDir, sub, "*.json"))
	if len(files) == 0 {
		t.Skipf("no corpus at %s: skipping", filepath.Join(corpusDir, sub))
	}
	return files
}

// rawActions reads what each plan's actions say, independently of the
// analyzer, to check the classification against.
func rawActions(t *testing.T, file string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Deposed string `json:"deposed"`
			Change  struct {
				Actions []string `json:"actions"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, rc := range raw.ResourceChanges {
		key := rc.Address
		if rc.Deposed != "" {
			key += " (deposed " + rc.Deposed + ")"
		}
		out[key] = rc.Change.Actions
	}
	return out
}

func TestCorpusPlansClassify(t *testing.T) {
	files := corpusFiles(t, "plans")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			plans, err := Load(f, Options{})
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if len(plans) != 1 {
				t.Fatalf("got %d plans, want 1", len(plans))
			}
			want := rawActions(t, f)
			got := plans[0].Changes
			if len(got) != len(want) {
				t.Fatalf("got %d changes, the plan has %d", len(got), len(want))
			}
			for _, c := range got {
				actions, ok := want[c.Key()]
				if !ok {
					t.Fatalf("%s: not in the plan", c.Key())
				}
				if !slices.Equal(actions, c.Actions) {
					t.Errorf("%s: actions %v, plan says %v", c.Key(), c.Actions, actions)
				}
				destroys := slices.Contains(actions, "delete")
				if destroys != c.Kind.Destructive() {
					t.Errorf("%s: kind %s but actions %v", c.Key(), c.Kind, actions)
				}
			}
		})
	}
}

func TestCorpusOtherFilesAreJudgedOrRefusedCleanly(t *testing.T) {
	for _, f := range corpusFiles(t, "other") {
		t.Run(filepath.Base(f), func(t *testing.T) {
			plans, err := Load(f, Options{})
			if err != nil {
				var ie *InputError
				if !errors.As(err, &ie) {
					t.Fatalf("error is not an InputError: %v", err)
				}
				return
			}
			if len(plans) != 1 || len(plans[0].Warnings) == 0 {
				t.Fatalf("judged without a warning about its odd shape: %+v", plans)
			}
		})
	}
}
