package planjson

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestLoadLimit: the size limit holds for a file, for standard input from a
// pipe and for standard input redirected from a file, and a plan just within
// it is read whole.
func TestLoadLimit(t *testing.T) {
	pl, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "delete", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(file, pl, 0o644); err != nil {
		t.Fatal(err)
	}
	size := int64(len(pl))
	inputs := map[string]func() (string, io.Reader){
		"file": func() (string, io.Reader) { return file, nil },
		"pipe": func() (string, io.Reader) { return "-", bytes.NewReader(pl) },
		"redirect": func() (string, io.Reader) {
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return "-", f
		},
	}
	for name, input := range inputs {
		t.Run(name, func(t *testing.T) {
			path, stdin := input()
			if _, err := Load(path, Options{Stdin: stdin, MaxBytes: size - 1}); !errors.Is(err, ErrInputTooLarge) {
				t.Fatalf("one byte over the limit: %v, want ErrInputTooLarge", err)
			}
			path, stdin = input()
			plans, err := Load(path, Options{Stdin: stdin, MaxBytes: size})
			if err != nil {
				t.Fatalf("at the limit: %v", err)
			}
			if len(plans) != 1 || len(plans[0].Changes) == 0 {
				t.Fatalf("at the limit: %d plans", len(plans))
			}
		})
	}
	if DefaultMaxBytes != 2<<30 {
		t.Fatalf("the default limit is %d bytes, want 2 GiB", DefaultMaxBytes)
	}
}
