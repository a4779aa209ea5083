package planjson

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
)

// FuzzParse feeds the plan loader arbitrary bytes: it must return plans or
// an InputError naming the source, and never panic.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../../fixtures/*/plan.json")
	corpus, _ := filepath.Glob(filepath.Join(corpusDir, "plans", "*.json"))
	for _, path := range append(seeds, corpus...) {
		data, err := os.ReadFile(path)
		if err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"", " ", "{}", "[]", "null", `{"format_version":"1.2"}`, `{"format_version":"9"}`,
		`{"format_version":"1.2","resource_changes":[null]}`,
		`{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","change":{"actions":["delete"]}}]}` + "\n" + `{"format_version":"1.0"}`,
		`{"lineage":"x","serial":1}`, "\xff\xfe{", "\xef\xbb\xbf{}",
		"\xff\xfe{\x00}\x00", "\xfe\xff\x00{\x00}", "\xff\xfe{\x00\x3d\xd8}\x00", "\xfe\xff\x00{\xd8\x3d\xde\x00\x00}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		plans, err := Parse("fuzz.json", data)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error is not an InputError: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "fuzz.json") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, p := range plans {
			for _, c := range p.Changes {
				if _, ok := plan.Classify(c.Actions); !ok {
					t.Fatalf("%s: unknown actions %v accepted", c.Address, c.Actions)
				}
			}
			graph.BlastRadius(p, graph.Build(p))
		}
	})
}
