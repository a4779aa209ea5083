package check

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/scoring/policy"
	"github.com/blast-dev/blast/signoff"
)

// PolicyOptions say where the gate's inputs come from.
type PolicyOptions struct {
	File        string   // --policy; "" finds .blast.yml
	Environment string   // --environment; "" lets the plan paths choose
	Plans       []string // the plan paths, for environments
	TrustedRef  string   // --trusted-ref; "" is the pipeline's, or none
	// Getenv reads the CI's variables; nil is os.Getenv.
	Getenv func(string) string
}

// PolicySource says which policy was used and from where.
type PolicySource struct {
	File   string // the policy file, relative to the repository root when in one; "" for the defaults
	Ref    string // the trusted ref it was read from; "" for the working tree
	Commit string // the commit Ref named
	// Root is the folder environment paths are relative to: the
	// repository root, or the policy's folder outside a repository.
	Root     string
	Pipeline Pipeline
}

// Inputs are the gate's inputs that do not come from the plans.
type Inputs struct {
	Policy policy.Policy
	Source PolicySource
	// repo is the checkout's root, "" outside one.
	repo string
	// polDir is the working-tree folder that the policy's relative paths
	// (signoff.signoffs) start from: the policy file's.
	polDir string
	// readFile reads a file named relative to the policy's folder from
	// where the policy came: the trusted tree, or the working tree.
	readFile func(rel string) (name string, data []byte, err error)
}

// LoadPolicy establishes the policy: from the trusted ref's tree when
// there is one (always in a pull- or merge-request pipeline), else from the
// working tree (--policy, or the .blast.yml found from the working folder
// up to the repository root), else the defaults. Then it applies the
// environment that --environment or the plans' paths, relative to the
// repository root, choose.
func LoadPolicy(opts PolicyOptions) (*Inputs, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("finding the working folder: %w", err)
	}
	if r, err := filepath.EvalSymlinks(wd); err == nil {
		wd = r
	}
	in := &Inputs{repo: repoRoot(wd)}
	in.Source.Pipeline = DetectPipeline(getenv)
	ref, commit, err := trustedRef(in.repo, opts.TrustedRef, in.Source.Pipeline)
	if err != nil {
		return nil, err
	}
	var pol policy.Policy
	if ref != "" {
		in.Source.Ref, in.Source.Commit = ref, commit
		if pol, err = in.trustedPolicy(wd, opts.File); err != nil {
			return nil, err
		}
	} else if pol, err = in.workingTreePolicy(wd, opts.File, opts.Plans); err != nil {
		return nil, err
	}
	in.Source.Root = in.repo
	if in.Source.Root == "" {
		in.Source.Root = wd
		if in.Source.File != "" {
			in.Source.Root = filepath.Dir(absIn(wd, in.Source.File))
		}
	}
	plans := make([]policy.PlanPath, len(opts.Plans))
	for i, p := range opts.Plans {
		plans[i] = policy.PlanPath{Name: p, Path: pathUnder(in.Source.Root, wd, p)}
		if p == "-" {
			plans[i].Name = "standard input"
		}
	}
	if in.Policy, err = pol.SelectEnvironment(opts.Environment, plans); err != nil {
		return nil, err
	}
	return in, nil
}

// trustedPolicy reads the policy from the trusted commit: --policy names a
// file of that tree (relative to the working folder, as on the command
// line), else .blast.yml at its root. Nothing is read from the working tree.
func (in *Inputs) trustedPolicy(wd, file string) (policy.Policy, error) {
	rel := policy.DefaultFile
	if file != "" {
		r, ok := repoPath(in.repo, wd, file)
		if !ok {
			return policy.Policy{}, WithHint(fmt.Errorf("--policy %s is outside the repository, and the policy is read from %s", file, in.Source.Ref),
				"name a file of the repository, or drop --policy to read .blast.yml from "+in.Source.Ref)
		}
		if in.Source.Pipeline.Request() && r != policy.DefaultFile {
			// --policy lives in a CI file the change can edit: it must not
			// pick another, looser file of the trusted tree, unless the
			// trusted root policy says so.
			root, found, err := in.showPolicy(policy.DefaultFile)
			if err != nil {
				return policy.Policy{}, err
			}
			if !found || !root.AllowOverrides {
				return policy.Policy{}, WithHint(fmt.Errorf("--policy %s: in a %s the policy is %s of %s; flags cannot choose another", file, in.Source.Pipeline.Name, policy.DefaultFile, in.Source.Ref),
					"drop --policy, or set allow_overrides: true in .blast.yml on the target branch")
			}
		}
		rel = r
	}
	pol, found, err := in.showPolicy(rel)
	if err != nil {
		return policy.Policy{}, err
	}
	if !found && file != "" {
		return policy.Policy{}, fmt.Errorf("--policy %s: no such file in %s", file, in.Source.Ref)
	}
	if found {
		in.Source.File = rel
	}
	in.polDir = filepath.Join(in.repo, filepath.FromSlash(path.Dir(rel)))
	in.readFile = func(name string) (string, []byte, error) {
		p := path.Join(path.Dir(rel), filepath.ToSlash(name))
		if path.IsAbs(filepath.ToSlash(name)) || p == ".." || strings.HasPrefix(p, "../") {
			return "", nil, fmt.Errorf("%s: %s is outside the repository, and it is read from %s", rel, name, in.Source.Ref)
		}
		data, err := gitCmd(in.repo, "show", "--end-of-options", in.Source.Commit+":"+p)
		if err != nil {
			return "", nil, fmt.Errorf("reading %s from %s: %s", p, in.Source.Ref, err)
		}
		return in.Source.Ref + ":" + p, data, nil
	}
	return pol, nil
}

// showPolicy parses rel (relative to the repository root) of the trusted
// commit; found is false when the tree has no such file.
func (in *Inputs) showPolicy(rel string) (pol policy.Policy, found bool, err error) {
	spec := in.Source.Commit + ":" + rel
	if _, err := gitCmd(in.repo, "cat-file", "-e", "--end-of-options", spec); err != nil {
		return policy.Default(), false, nil
	}
	if out, err := gitCmd(in.repo, "cat-file", "-t", "--end-of-options", spec); err != nil || strings.TrimSpace(string(out)) != "blob" {
		return policy.Policy{}, false, fmt.Errorf("%s in %s is not a file", rel, in.Source.Ref)
	}
	data, err := gitCmd(in.repo, "show", "--end-of-options", spec)
	if err != nil {
		return policy.Policy{}, false, fmt.Errorf("reading %s from %s: %s", rel, in.Source.Ref, err)
	}
	// The file name in errors says where it came from.
	pol, err = policy.Parse(in.Source.Ref+":"+rel, data, scoring.RuleIDs())
	return pol, err == nil, err
}

// workingTreePolicy reads --policy, or the .blast.yml found by discovery.
func (in *Inputs) workingTreePolicy(wd, file string, plans []string) (policy.Policy, error) {
	if file == "" {
		file = findPolicy(wd, in.repo, plans)
	}
	pol := policy.Default()
	if file != "" {
		p, err := policy.Load(file, scoring.RuleIDs())
		if err != nil {
			return pol, err
		}
		pol = p
		in.Source.File = file
		in.polDir = filepath.Dir(absIn(wd, file))
		if r, ok := repoPath(in.repo, wd, file); ok {
			in.Source.File = r
		}
	}
	dir := filepath.Dir(file)
	in.readFile = func(name string) (string, []byte, error) {
		p := name
		if !filepath.IsAbs(p) && file != "" {
			p = filepath.Join(dir, p)
		}
		data, err := readFileMax(p, signoff.MaxAllowedSignersBytes)
		return p, data, err
	}
	return pol, nil
}

// findPolicy looks for .blast.yml in the working folder and then in each
// parent, stopping at the root of the git checkout; outside a checkout it
// stops at the folder of the (first) plan when that is the working folder
// or one of its parents, else looks in the working folder only. It never
// walks above what the team controls. "" when there is none.
func findPolicy(wd, repo string, plans []string) string {
	stop := repo
	if stop == "" {
		stop = wd
		for _, p := range plans {
			if p == "-" {
				continue
			}
			d := filepath.Dir(absIn(wd, p))
			if r, err := filepath.EvalSymlinks(d); err == nil {
				d = r
			}
			if d == wd || isUnder(wd, d) {
				stop = d
			}
			break
		}
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, policy.DefaultFile)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			if rel, err := filepath.Rel(wd, p); err == nil {
				return rel
			}
			return p
		}
		if dir == stop || !isUnder(dir, stop) {
			return ""
		}
	}
}

// isUnder says whether path is strictly inside dir.
func isUnder(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func absIn(wd, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(wd, p)
}

// pathUnder is a plan's path relative to root, with forward slashes, the
// way environment paths are written (envs/prod/**): made absolute from the
// working folder, symlinks resolved, "..", "." and "//" gone. "" for
// standard input and for a file outside root.
func pathUnder(root, wd, p string) string {
	if p == "-" || root == "" {
		return ""
	}
	abs := absIn(wd, p)
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	if !isUnder(abs, root) {
		return ""
	}
	rel, _ := filepath.Rel(root, abs)
	return filepath.ToSlash(rel)
}

// repoPath is p (relative to the working folder, or absolute) relative to
// the repository root, with forward slashes; false outside the repository.
func repoPath(repo, wd, p string) (string, bool) {
	if repo == "" {
		return "", false
	}
	abs := absIn(wd, p)
	// Resolve the folder, not the file: in the trusted tree the file may
	// not exist in the working tree at all.
	if r, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(r, filepath.Base(abs))
	}
	if !isUnder(abs, repo) {
		return "", false
	}
	rel, _ := filepath.Rel(repo, abs)
	return filepath.ToSlash(rel), true
}

// AllowedSigners reads the seniors' keys: flag (--allowed-signers) or the
// policy's signoff.allowed_signers, from where the policy came. A flag is
// relative to the working folder; the policy's path to the policy file.
// nil when neither names one.
func (in *Inputs) AllowedSigners(flag string) (*signoff.AllowedSigners, string, error) {
	name := in.Policy.Signoff.AllowedSigners
	if flag != "" {
		name = flag
		if in.Source.Ref != "" {
			wd, _ := os.Getwd()
			if r, err := filepath.EvalSymlinks(wd); err == nil {
				wd = r
			}
			rel, ok := repoPath(in.repo, wd, flag)
			if !ok {
				return nil, "", WithHint(fmt.Errorf("--allowed-signers %s is outside the repository, and it is read from %s", flag, in.Source.Ref),
					"name a file of the repository, or set signoff.allowed_signers in .blast.yml")
			}
			// readFile is relative to the policy's folder.
			polDir := path.Dir(in.Source.File)
			if in.Source.File == "" {
				polDir = "."
			}
			name = relSlash(polDir, rel)
		} else {
			// A flag is relative to the working folder, not the policy.
			data, err := readFileMax(flag, signoff.MaxAllowedSignersBytes)
			if err != nil {
				return nil, "", fmt.Errorf("reading allowed signers: %w", err)
			}
			a, err := signoff.ParseAllowedSigners(flag, data)
			return a, flag, err
		}
	}
	if name == "" {
		return nil, "", nil
	}
	src, data, err := in.readFile(name)
	if err != nil {
		return nil, "", fmt.Errorf("reading allowed signers: %w", err)
	}
	a, err := signoff.ParseAllowedSigners(src, data)
	return a, src, err
}

// readFileMax reads at most max bytes of a regular file.
func readFileMax(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, max)
	}
	return data, err
}

// relSlash is target relative to dir, both slash paths from the same root.
func relSlash(dir, target string) string {
	r, err := filepath.Rel(filepath.FromSlash(dir), filepath.FromSlash(target))
	if err != nil {
		return target
	}
	return filepath.ToSlash(r)
}
