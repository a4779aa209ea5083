package check

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blast-dev/blast/scoring/policy"
)

func TestInitPolicy(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".blast.yml")
	if err := InitPolicy(path, []byte("threshold: 40\n"), false); err != nil {
		t.Fatal(err)
	}
	if err := InitPolicy(path, []byte("threshold: 30\n"), false); err == nil || Hint(err) == "" {
		t.Errorf("an existing file was overwritten without --force: %v", err)
	}
	if err := InitPolicy(path, []byte("threshold: 30\n"), true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "threshold: 30\n" {
		t.Errorf("--force wrote %q", b)
	}
	link := filepath.Join(dir, "link.yml")
	if err := os.Symlink(path, link); err != nil {
		t.Skip(err)
	}
	if err := InitPolicy(link, []byte("x"), true); err == nil || !strings.Contains(Hint(err), "link") {
		t.Errorf("a link was written through: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "threshold: 30\n" {
		t.Errorf("the link's target became %q", b)
	}
}

func TestValidatePolicy(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".blast.yml")
	if err := os.WriteFile(path, []byte("threshold: 40\nsignoff:\n  allowed_signers: missing\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ValidatePolicy(path)
	var pe *policy.Error
	if !errors.As(err, &pe) || pe.Line == 0 || !strings.Contains(pe.Msg, "signoff.allowed_signers") {
		t.Errorf("unreadable allowed_signers: %v", err)
	}
	if err := os.WriteFile(path, []byte("threshold: 40\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if pol, err := ValidatePolicy(path); err != nil || pol.Threshold != 40 {
		t.Errorf("ValidatePolicy: %v, %v", pol.Threshold, err)
	}
}
