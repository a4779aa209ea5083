package check

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/blast-dev/blast/stacks"
)

// LoadContext reads other stacks' state: the --context specs, then the
// policy's context entries (see contextSpecs). Without any it returns nil.
// A file that cannot be read, or is not a state, is an error naming it.
func LoadContext(flags []string, in *Inputs) ([]*stacks.Stack, error) {
	specs := append(append([]string(nil), flags...), in.contextSpecs()...)
	if len(specs) == 0 {
		return nil, nil
	}
	st, err := stacks.Load(specs, stacks.Options{})
	if err != nil {
		var ie *stacks.InputError
		if errors.As(err, &ie) && ie.Hint != "" {
			return nil, WithHint(fmt.Errorf("context %w", err), ie.Hint)
		}
		return nil, fmt.Errorf("context %w", err)
	}
	return st, nil
}

// contextSpecs are the policy's context entries, their relative paths
// resolved against the policy file's folder in the working tree, as
// signoff.signoffs is. That holds when the policy comes from a trusted ref
// too: the policy says where the other stacks' state is, but the files are
// inputs like the plan, written by the pipeline (terraform state pull) into
// the checkout, never read from the ref. A change cannot lower the score
// through them: context only adds dependents, and a missing file is an
// error, not an empty context.
func (in *Inputs) contextSpecs() []string {
	var out []string
	for _, spec := range in.Policy.Context {
		out = append(out, in.resolveSpec(spec))
	}
	return out
}

// resolveSpec resolves the PATH of a PATH or NAME=PATH entry: a PATH that
// exists under the policy's folder is taken whole, as stacks.Load does.
func (in *Inputs) resolveSpec(spec string) string {
	if in.polDir == "" || filepath.IsAbs(spec) {
		return spec
	}
	whole := in.relToWD(filepath.Join(in.polDir, spec))
	if _, err := os.Lstat(whole); err == nil {
		return whole
	}
	if name, p, ok := strings.Cut(spec, "="); ok && name != "" && p != "" {
		if !filepath.IsAbs(p) {
			p = in.relToWD(filepath.Join(in.polDir, p))
		}
		return name + "=" + p
	}
	return whole
}

// relToWD shortens a path under the working folder, for error messages.
func (in *Inputs) relToWD(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if r, err := filepath.EvalSymlinks(wd); err == nil {
		wd = r
	}
	if isUnder(p, wd) {
		if r, err := filepath.Rel(wd, p); err == nil {
			return r
		}
	}
	return p
}
