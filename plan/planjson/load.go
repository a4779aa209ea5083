package planjson

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/blast-dev/blast/internal/input"
	"github.com/blast-dev/blast/plan"
)

// DefaultMaxBytes bounds what blast reads from one input, so a hostile or
// runaway file cannot exhaust a CI runner's memory.
const DefaultMaxBytes = 2 << 30

// Options control how inputs are read.
type Options struct {
	// TerraformBin runs `show -json` on binary plan files. Empty means
	// terraform on PATH, then tofu.
	TerraformBin string
	// Stdin is read for the source "-".
	Stdin io.Reader
	// MaxBytes bounds the size of one input; 0 means DefaultMaxBytes.
	MaxBytes int64
	// Dir is the working directory for `terraform show`; empty means the
	// current one (where the plan's .terraform directory lives).
	Dir string
}

// Load reads one input: a plan JSON file, newline-delimited JSON holding one
// plan per line, or a binary plan file. The path "-" reads opts.Stdin.
func Load(path string, opts Options) ([]*plan.Plan, error) {
	data, err := readInput(path, opts)
	if err != nil {
		return nil, err
	}
	if isZip(data) {
		data, err = showBinaryPlan(path, data, opts)
		if err != nil {
			return nil, err
		}
	}
	plans, err := Parse(path, data)
	if len(data) >= bigInput {
		// The input is garbage now, and as large as everything blast makes
		// of it. Collect it at once, so that scoring and rendering reuse its
		// memory instead of adding to the process's peak.
		runtime.GC()
	}
	return plans, err
}

// bigInput is the size from which Load collects the input once it is parsed.
const bigInput = 32 << 20

func readInput(path string, opts Options) ([]byte, error) {
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	var r io.Reader
	size := int64(0) // what to read in one allocation, when known
	if path == "-" {
		if opts.Stdin == nil {
			return nil, inputErr(path, "", "no standard input")
		}
		r = opts.Stdin
	} else {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, inputErr(path, "", "%s", describeOSError(err))
		}
		if fi.IsDir() {
			return nil, inputErr(path, "give the plan file inside it", "is a directory, not a plan file")
		}
		if fi.Size() > limit {
			return nil, &InputError{Source: path, Err: fmt.Errorf("%w: %d bytes, the limit is %d", ErrInputTooLarge, fi.Size(), limit)}
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, inputErr(path, "", "%s", describeOSError(err))
		}
		defer f.Close()
		r = f
		size = fi.Size()
	}
	if f, ok := r.(*os.File); ok && size == 0 {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size() // standard input redirected from a file
		}
	}
	data, err := input.ReadAll(io.LimitReader(r, limit+1), make([]byte, 0, max(min(size, limit)+1, 512)))
	if err != nil {
		return nil, inputErr(path, "", "reading: %s", describeOSError(err))
	}
	if int64(len(data)) > limit {
		return nil, &InputError{Source: path, Err: fmt.Errorf("%w: more than %d bytes", ErrInputTooLarge, limit)}
	}
	return data, nil
}

func describeOSError(err error) string { return input.DescribeOS(err, "no such file") }

func isZip(data []byte) bool {
	return bytes.HasPrefix(data, []byte("PK\x03\x04"))
}

// showBinaryPlan turns a binary plan file into plan JSON with the Terraform
// (or OpenTofu) that made it, since only it can read its own plan format.
func showBinaryPlan(path string, data []byte, opts Options) ([]byte, error) {
	bin, err := findTerraform(opts.TerraformBin)
	if err != nil {
		return nil, &InputError{Source: path, Err: err,
			Hint: "install terraform or tofu, pass --terraform-bin, or give plan JSON made by terraform show -json"}
	}
	file := path
	if path == "-" {
		tmp, err := os.CreateTemp("", "blast-plan-*.tfplan")
		if err != nil {
			return nil, inputErr(path, "", "saving the binary plan: %v", err)
		}
		defer os.Remove(tmp.Name())
		if _, err := tmp.Write(data); err != nil {
			tmp.Close()
			return nil, inputErr(path, "", "saving the binary plan: %v", err)
		}
		tmp.Close()
		file = tmp.Name()
	}
	cmd := exec.CommandContext(context.Background(), bin, "show", "-json", "-no-color", file)
	cmd.Dir = opts.Dir
	cmd.Env = append(os.Environ(), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := firstLine(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, inputErr(path, "run blast where terraform init was run for this plan, or give plan JSON",
			"%s show -json failed: %s", filepath.Base(bin), msg)
	}
	return stdout.Bytes(), nil
}

func findTerraform(bin string) (string, error) {
	if bin != "" {
		p, err := exec.LookPath(bin)
		if err != nil {
			return "", fmt.Errorf("%w: %s not found", ErrNoTerraform, bin)
		}
		return p, nil
	}
	for _, name := range []string{"terraform", "tofu"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: a binary plan needs terraform or tofu on PATH to read it", ErrNoTerraform)
}

// firstLine returns the line of Terraform's error output that says what went
// wrong: the first "Error:" line, else the first line with text, without the
// box-drawing decoration.
func firstLine(s string) string {
	first := ""
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(strings.TrimLeft(line, "│╷╵ "))
		if msg, ok := strings.CutPrefix(line, "Error: "); ok {
			return msg
		}
		if first == "" {
			first = line
		}
	}
	return first
}
