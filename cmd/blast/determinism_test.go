package main

import (
	"bytes"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/blast-dev/blast/report"
)

// TestOutputIsDeterministic renders every fixture in every format several
// times, on one core and on all of them, and expects the same bytes each time:
// CI diffs and sign-off digests depend on it.
func TestOutputIsDeterministic(t *testing.T) {
	plans, err := filepath.Glob("../../fixtures/*/plan.json")
	if err != nil || len(plans) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	commands := [][]string{{"digest"}}
	for _, f := range report.Formats() {
		commands = append(commands, []string{"check", "--all", "--format", f})
	}
	for _, pl := range plans {
		for _, cmd := range commands {
			name := filepath.Base(filepath.Dir(pl)) + "/" + strings.Join(cmd, " ")
			var first []byte
			for i, procs := range []int{1, 2, 8, 1} {
				runtime.GOMAXPROCS(procs)
				var out, errOut bytes.Buffer
				args := append(append([]string{}, cmd...), pl)
				if code := run(args, nil, &out, &errOut); code == exitError {
					t.Fatalf("%s: exit %d: %s", name, code, errOut.String())
				}
				if i == 0 {
					first = out.Bytes()
					continue
				}
				if !bytes.Equal(first, out.Bytes()) {
					t.Fatalf("%s: output differs with GOMAXPROCS=%d", name, procs)
				}
			}
		}
	}
}
