package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// TestApproveAsks runs blast approve as on a terminal: it shows what is
// being signed, asks, and signs only on yes.
func TestApproveAsks(t *testing.T) {
	dir := t.TempDir()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "senior")
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "senior")
	if err := os.WriteFile(key, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	saved := stdinIsTerminal
	t.Cleanup(func() { stdinIsTerminal = saved })
	stdinIsTerminal = func(io.Reader) bool { return true }

	approve := func(t *testing.T, answer string) (code int, out, errOut string, sigs []string) {
		t.Helper()
		sigDir := filepath.Join(t.TempDir(), "sigs")
		var stdout, stderr bytes.Buffer
		code = run([]string{"approve", "--policy", "../../fixtures/demo-teardown/blast.yml", "../../fixtures/demo-teardown/plan.json",
			"--key", key, "--out", sigDir}, strings.NewReader(answer), &stdout, &stderr)
		sigs, _ = filepath.Glob(filepath.Join(sigDir, "*.sig"))
		return code, stdout.String(), stderr.String(), sigs
	}

	for _, answer := range []string{"y\n", "yes\n", " YES \n", "y"} {
		code, out, errOut, sigs := approve(t, answer)
		if code != exitPass || len(sigs) != 1 {
			t.Fatalf("answer %q: exit %d, %d sign-offs, want 0 and 1; stderr %s", answer, code, len(sigs), errOut)
		}
		for _, want := range []string{
			"blast: SIGN-OFF REQUIRED  score 100/100 (threshold 50)", // the decision, as check says it
			"replace  module.env.terraform_data.database",            // a destructive change and its kind
			"CRITICAL environment-teardown",                          // a finding
			"signing: plan digest sha256:",                           // the digest
			"Sign off on this plan? [y/N] ",
			"wrote " + filepath.Dir(sigs[0]),
		} {
			if !strings.Contains(out, want) {
				t.Errorf("answer %q: output lacks %q:\n%s", answer, want, out)
			}
		}
		if strings.Index(out, "signing:") > strings.Index(out, "Sign off on this plan?") {
			t.Errorf("answer %q: it asked before showing the digest", answer)
		}
	}
	for _, answer := range []string{"", "\n", "n\n", "no\n", "yep\n", "sure\n"} {
		code, out, errOut, sigs := approve(t, answer)
		if code != exitError || len(sigs) != 0 {
			t.Errorf("answer %q: exit %d, %d sign-offs, want 1 and none", answer, code, len(sigs))
		}
		if !strings.Contains(errOut, "blast: error: not signed: the answer was not yes") || strings.Contains(out, "wrote ") {
			t.Errorf("answer %q: stdout %q stderr %q", answer, out, errOut)
		}
	}
}
