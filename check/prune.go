package check

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/signoff"
)

// staleNote is the one line a report gives the sign-offs of other plans,
// with the command that removes them.
func staleNote(n int, opts Options, dir string) string {
	args := []string{"blast signoffs prune"}
	for _, p := range opts.Plans {
		args = append(args, shellWord(p, "PLAN"))
	}
	args = append(args, "--signoffs", shellWord(dir, "DIR"))
	if opts.AllowedSigners != "" {
		args = append(args, "--allowed-signers", shellWord(opts.AllowedSigners, "FILE"))
	}
	return fmt.Sprintf("%d stale sign-off(s), made for other plans (wrong-plan), not listed: remove them with %s", n, strings.Join(args, " "))
}

// shellWord is s where a shell reads it as one word as it is, else the
// placeholder: a hint must not show a command that does something else.
func shellWord(s, placeholder string) string {
	if s == "" || s == "-" || strings.HasPrefix(s, "-") {
		return placeholder
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._/-+:@,=", r)) {
			return placeholder
		}
	}
	return s
}

// PruneOptions are the inputs of PruneSignoffs: the plans whose sign-offs
// are kept, and where the sign-offs and the seniors' keys are, found as
// Run finds them.
type PruneOptions struct {
	Plans        []string
	Stdin        io.Reader
	TerraformBin string

	PolicyFile     string
	TrustedRef     string
	SignoffDir     string
	AllowedSigners string

	Getenv func(string) string
}

// Pruned is what PruneSignoffs did. File names are escaped for a terminal.
type Pruned struct {
	Dir     string
	Removed []string // the sign-offs of other plans, removed
	Skipped []string // of other plans too, but not removed: "name: why"
	Kept    int      // the other .sig files, left as they are
}

// PruneSignoffs removes from the sign-off folder the .sig files made for
// other plans than these: those Verify rejects as wrong-plan, for the
// plans together (what Run checks) and for each plan alone, so a folder
// shared by plans judged one by one keeps each one's sign-offs. Nothing
// else is removed: a valid sign-off, and one rejected for any other reason
// (an unknown key cannot be told to be for another plan), stay. Neither a
// link nor a file that changed since it was verified is removed, and no
// link is followed to remove anything.
func PruneSignoffs(opts PruneOptions) (*Pruned, error) {
	in, err := LoadPolicy(PolicyOptions{File: opts.PolicyFile, Plans: opts.Plans, TrustedRef: opts.TrustedRef, Getenv: opts.Getenv})
	if err != nil {
		return nil, err
	}
	dir := in.signoffDir(opts.SignoffDir)
	if dir == "" {
		return nil, WithHint(errors.New("no sign-off folder"), "give --signoffs DIR, or set signoff.signoffs in .blast.yml")
	}
	allowed, _, err := in.AllowedSigners(opts.AllowedSigners)
	if err != nil {
		return nil, err
	}
	if allowed == nil {
		return nil, WithHint(errors.New("prune needs the allowed signers: only a sign-off by a known key can be told to be for another plan"),
			"give --allowed-signers FILE, or set signoff.allowed_signers in .blast.yml")
	}
	plans, err := LoadPlans(opts.Plans, opts.Stdin, opts.TerraformBin)
	if err != nil {
		return nil, err
	}
	payloads := [][]byte{signoff.Payload(plans)}
	if len(plans) > 1 {
		for _, p := range plans {
			payloads = append(payloads, signoff.Payload([]*plan.Plan{p}))
		}
	}
	// What each file is before it is verified: it is removed only if it
	// is still that same regular file afterwards.
	before := map[string]fs.FileInfo{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no sign-off folder %s", dir)
		}
		return nil, fmt.Errorf("reading sign-offs: %w", err)
	}
	for _, de := range entries {
		if fi, err := os.Lstat(filepath.Join(dir, de.Name())); err == nil {
			before[de.Name()] = fi
		}
	}
	stale := map[string]bool{}
	for i, payload := range payloads {
		res, err := signoff.Verify(signoff.VerifyOptions{Payload: payload, Dir: dir, AllowedSigners: allowed})
		if err != nil {
			return nil, err
		}
		for _, so := range res.SignOffs {
			wrong := so.Reason == signoff.ReasonWrongPlan
			if i == 0 {
				stale[so.File] = wrong
			} else {
				stale[so.File] = stale[so.File] && wrong
			}
		}
	}
	out := &Pruned{Dir: escapeName(dir)}
	var names []string
	for name, isStale := range stale {
		if !isStale {
			out.Kept++
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		path := filepath.Join(dir, name)
		fi, was := before[name], before[name] != nil
		now, err := os.Lstat(path)
		switch {
		case !was || err != nil:
			out.Skipped = append(out.Skipped, escapeName(name)+": it changed while blast read it")
		case fi.Mode()&fs.ModeSymlink != 0:
			out.Skipped = append(out.Skipped, escapeName(name)+": a symbolic link; blast removes no file through a link")
		case !fi.Mode().IsRegular():
			out.Skipped = append(out.Skipped, escapeName(name)+": not a regular file")
		case !os.SameFile(fi, now) || fi.Size() != now.Size() || !fi.ModTime().Equal(now.ModTime()) || now.Mode() != fi.Mode():
			out.Skipped = append(out.Skipped, escapeName(name)+": it changed while blast read it")
		default:
			if err := os.Remove(path); err != nil {
				return out, fmt.Errorf("removing %s: %w", escapeName(path), err)
			}
			out.Removed = append(out.Removed, escapeName(name))
			continue
		}
		out.Kept++
	}
	return out, nil
}
