package stacks

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzDecode feeds Decode anything: it must return a Stack or an
// *InputError, never panic, accept nothing encoding/json refuses, and a
// Stack it returns must hold together.
func FuzzDecode(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "fixtures", "cross-stack", "*", "*", "*.*"))
	more, _ := filepath.Glob(filepath.Join("..", "fixtures", "cross-stack", "*", "*.tfstate"))
	for _, s := range append(append(seeds, more...), filepath.Join("..", "fixtures", "cross-stack", "plan.json")) {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{rawState, showJSON, `{"version": 4, "resources": [{"mode": "managed", "type": "t", "name": "n", "instances": [{"attributes": {"a": {"value": {"value": "0123456789", "type": "string"}, "type": "dynamic"}}}]}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := Decode("s", "s.tfstate", data)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is a %T, not an *InputError", err, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of more than one line: %q", err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatal("Decode accepted what is not JSON")
		}
		for _, lf := range slices.Concat(st.leaves...) {
			if int(lf.res) >= len(st.Resources) || int(lf.path) >= len(st.paths) {
				t.Fatalf("leaf %v out of range", lf)
			}
		}
		for i := 1; i < len(st.Resources); i++ {
			a, b := st.Resources[i-1], st.Resources[i]
			if a.Address > b.Address || a.Address == b.Address && a.Deposed > b.Deposed {
				t.Fatalf("resources not sorted: %q before %q", a.Address, b.Address)
			}
		}
		q := Query{}
		for _, lf := range slices.Concat(st.leaves...) {
			q.AddDigest(lf.d, 0)
		}
		Match([]*Stack{st}, q, MatchOptions{})
	})
}
