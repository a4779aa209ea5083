// Command testsum reads `go test -json` and prints what `go test` prints
// (a line per package, and the output of the tests that fail) and then the
// tests that skipped, each with its reason: make test runs the tests that
// need Terraform or ssh-keygen only where they are installed, and says so.
// It exits 1 when a package or a build failed.
//
//	go test -json ./... | go run ./scripts/testsum
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of go test -json (go doc test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

func main() {
	failed, err := summarise(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testsum: %v\n", err)
		os.Exit(1)
	}
	if failed {
		os.Exit(1)
	}
}

func summarise(r io.Reader, w io.Writer) (failed bool, err error) {
	output := map[[2]string][]string{} // a test's output so far
	var skips []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// Not an event: something go test printed as text (a
			// build error before Go 1.24's build events). Pass it on.
			fmt.Fprintln(w, sc.Text())
			continue
		}
		key := [2]string{e.Package, e.Test}
		switch e.Action {
		case "output":
			if e.Test == "" {
				// The package's own lines: ok, FAIL, [no test files].
				if t := strings.TrimSpace(e.Output); t != "PASS" && t != "testing: warning: no tests to run" {
					fmt.Fprint(w, e.Output)
				}
				continue
			}
			output[key] = append(output[key], e.Output)
		case "build-output":
			fmt.Fprint(w, e.Output)
		case "build-fail":
			failed = true
		case "fail":
			failed = true
			if e.Test != "" {
				fmt.Fprint(w, strings.Join(output[key], ""))
			}
			delete(output, key)
		case "skip":
			if e.Test != "" {
				skips = append(skips, fmt.Sprintf("%s %s: %s", shortPackage(e.Package), e.Test, reason(output[key])))
			}
			delete(output, key)
		case "pass":
			delete(output, key)
		}
	}
	if err := sc.Err(); err != nil {
		return true, err
	}
	if len(skips) > 0 {
		sort.Strings(skips)
		fmt.Fprintf(w, "\n%d tests skipped:\n", len(skips))
		for _, s := range skips {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
	return failed, nil
}

// reason is the first thing a skipped test said (t.Skip's message; a
// script's log follows it), without go test's own lines.
func reason(lines []string) string {
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		// A file.go:line: prefix says where, not why.
		if i := strings.Index(t, ".go:"); i > 0 && !strings.Contains(t[:i], " ") {
			if j := strings.Index(t[i+4:], ": "); j >= 0 {
				t = t[i+4+j+2:]
			}
		}
		return t
	}
	return "no reason given"
}

func shortPackage(p string) string {
	return strings.TrimPrefix(p, "github.com/blast-dev/blast/")
}
