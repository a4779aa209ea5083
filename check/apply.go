package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/scoring"
)

// PlanCopy is a private copy of a binary plan file: blast apply judges it
// and applies it, so that the file judged is the file applied. Whoever can
// write the original (a CI step after blast, another job on the runner)
// cannot swap it between the two.
type PlanCopy struct {
	Path string // the copy, in a folder only this user can enter
	Of   string // the path it was copied from, as given
	dir  string
}

// CopyPlan copies the binary plan file at path into a fresh folder of mode
// 0700 under the system's temporary folder; the copy is created with
// O_EXCL (os.CreateTemp), so no link planted there is followed. The
// original must be a regular file (a link to one is read as the file the
// user named) of at most planjson.DefaultMaxBytes, and a binary plan: plan
// JSON cannot be applied. Close removes the copy.
func CopyPlan(path string) (*PlanCopy, error) {
	if path == "-" {
		return nil, WithHint(fmt.Errorf("blast apply needs a plan file, not standard input"), "terraform plan -out plan.out && blast apply plan.out")
	}
	src, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading plan %s: %w", path, err)
	}
	defer src.Close()
	// Stat the open file, not the path: what is checked is what is read.
	fi, err := src.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading plan %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, WithHint(fmt.Errorf("plan %s is not a regular file", path), "give the file terraform plan -out wrote")
	}
	dir, err := os.MkdirTemp("", "blast-apply-*")
	if err != nil {
		return nil, fmt.Errorf("copying plan %s: %w", path, err)
	}
	c := &PlanCopy{Of: path, dir: dir}
	dst, err := os.CreateTemp(dir, "plan-*.tfplan")
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("copying plan %s: %w", path, err)
	}
	c.Path = dst.Name()
	n, err := io.Copy(dst, io.LimitReader(src, planjson.DefaultMaxBytes+1))
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("copying plan %s: %w", path, err)
	}
	if n > planjson.DefaultMaxBytes {
		c.Close()
		return nil, fmt.Errorf("plan %s: %w: more than %d bytes", path, planjson.ErrInputTooLarge, int64(planjson.DefaultMaxBytes))
	}
	if !isBinaryPlan(c.Path) {
		c.Close()
		return nil, WithHint(fmt.Errorf("plan %s is not a binary plan file: terraform can apply only the file terraform plan -out wrote", path),
			"blast apply plan.out, where plan.out is what terraform plan -out=plan.out wrote (not its JSON)")
	}
	return c, nil
}

// Close removes the copy and its folder.
func (c *PlanCopy) Close() error { return os.RemoveAll(c.dir) }

// isBinaryPlan says whether the file is a zip archive, as a binary plan is.
func isBinaryPlan(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4)
	_, err = io.ReadFull(f, head)
	return err == nil && bytes.Equal(head, []byte("PK\x03\x04"))
}

// FindTerraform resolves the binary that reads and applies plans as blast
// check does: bin when given, else terraform on PATH, else tofu. The path
// is absolute, so that the binary that judged the plan (terraform show) is
// the one that applies it.
func FindTerraform(bin string) (string, error) {
	names := []string{"terraform", "tofu"}
	if bin != "" {
		names = []string{bin}
	}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return filepath.Abs(p)
		}
	}
	if bin != "" {
		return "", WithHint(fmt.Errorf("%w: %s not found", planjson.ErrNoTerraform, bin), "give --terraform-bin a terraform or tofu on PATH, or its path")
	}
	return "", WithHint(fmt.Errorf("%w: blast apply needs terraform or tofu on PATH", planjson.ErrNoTerraform), "install the terraform (or tofu) that made the plan, or pass --terraform-bin")
}

// ApplyFlags are the options of terraform apply that blast apply passes
// on: none of them changes what a saved plan does. The value says whether
// the option takes a value (as "-name=value" or "-name value"); the others
// are booleans, which Go's flag parsing (Terraform's) reads only as -name
// or -name=value.
var ApplyFlags = map[string]bool{
	"auto-approve": false, "no-color": false, "input": false, "lock": false,
	"compact-warnings": false, "json": false,
	"lock-timeout": true, "parallelism": true,
}

// refusedApplyFlags say why an option of terraform apply is refused.
var refusedApplyFlags = map[string]string{
	"destroy":      "it would plan a destroy instead of applying the judged plan",
	"replace":      "it would plan other replacements than the judged plan's",
	"target":       "it would plan a part of the configuration instead of applying the judged plan",
	"var":          "variables are fixed in the judged plan",
	"var-file":     "variables are fixed in the judged plan",
	"refresh-only": "it would plan anew instead of applying the judged plan",
	"refresh":      "it would plan anew instead of applying the judged plan",
	"state":        "it would apply to another state than the plan was made against",
	"state-out":    "it would write the state elsewhere",
	"backup":       "it would write the state backup elsewhere",
}

// CheckApplyArgs refuses terraform apply arguments that could make it do
// something other than apply the judged plan: anything but ApplyFlags,
// and any argument that is not an option (a second plan file, or a
// folder of configuration to plan from), "--" included. It parses as
// Terraform's flag package does, so a value cannot smuggle in a plan file.
func CheckApplyArgs(args []string) error {
	allowed := func() string {
		var names []string
		for n := range ApplyFlags {
			names = append(names, "-"+n)
		}
		slices.Sort(names)
		return "terraform apply options blast passes on: " + strings.Join(names, ", ")
	}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		name, _, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-"), "=")
		if !strings.HasPrefix(arg, "-") || arg == "-" || arg == "--" {
			return WithHint(fmt.Errorf("terraform apply argument %q: blast applies only the plan it judged, not a second plan file or a configuration", arg), allowed())
		}
		takesValue, ok := ApplyFlags[name]
		if !ok {
			why := refusedApplyFlags[name]
			if why == "" {
				why = "blast passes on only options that cannot change what the plan does"
			}
			return WithHint(fmt.Errorf("terraform apply option %s is refused: %s", oneArg(arg), why), allowed())
		}
		if takesValue && !hasValue {
			i++ // "-parallelism 5": the value is the next argument
			if i == len(args) {
				return WithHint(fmt.Errorf("terraform apply option %s needs a value", oneArg(arg)), allowed())
			}
		}
	}
	return nil
}

// oneArg shows an argument in an error line.
func oneArg(s string) string {
	if name, _, ok := strings.Cut(s, "="); ok {
		return name + "=..."
	}
	return escapeName(s)
}

// ApplyEnvironment are the variables by which Terraform takes more
// arguments for apply than the command line gives: CheckApplyEnv checks
// them as arguments.
var ApplyEnvironment = []string{"TF_CLI_ARGS", "TF_CLI_ARGS_apply"}

// CheckApplyEnv checks the arguments that TF_CLI_ARGS and
// TF_CLI_ARGS_apply would add to terraform apply with CheckApplyArgs.
// Terraform splits them as a shell would; blast splits at white space and
// refuses quotes and escapes rather than guess.
func CheckApplyEnv(getenv func(string) string) error {
	for _, v := range ApplyEnvironment {
		val := getenv(v)
		if val == "" {
			continue
		}
		if strings.ContainsAny(val, "\"'\\`$") {
			return WithHint(fmt.Errorf("%s holds quotes or escapes, which blast apply does not read", v), "unset "+v+" and give terraform apply's options after --")
		}
		if err := CheckApplyArgs(strings.Fields(val)); err != nil {
			var h *HintError
			if errors.As(err, &h) {
				return WithHint(fmt.Errorf("%s: %w", v, h.Err), "unset "+v+" and give terraform apply's options after --")
			}
			return err
		}
	}
	return nil
}

// Applying is a binary plan judged for blast apply: the judgement of the
// private copy, which is the file terraform applies.
type Applying struct {
	*Result
	bin  string
	args []string
	copy *PlanCopy
}

// JudgeApply judges planFile for blast apply as Run judges it with opts.
// It first refuses the options of terraform apply (tfArgs, TF_CLI_ARGS and
// TF_CLI_ARGS_apply) that would change what the plan does, so that nothing
// says "passed" about an apply that was never going to run; then it finds
// terraform and judges a private copy of the plan (CopyPlan). Close removes
// the copy.
func JudgeApply(opts Options, planFile string, tfArgs []string) (*Applying, error) {
	if err := CheckApplyArgs(tfArgs); err != nil {
		return nil, err
	}
	if err := CheckApplyEnv(os.Getenv); err != nil {
		return nil, err
	}
	bin, err := FindTerraform(opts.TerraformBin)
	if err != nil {
		return nil, err
	}
	cp, err := CopyPlan(planFile)
	if err != nil {
		return nil, err
	}
	opts.Plans, opts.TerraformBin = []string{planFile}, bin
	opts.Copies = map[string]string{planFile: cp.Path}
	res, err := Run(opts)
	if err != nil {
		cp.Close()
		return nil, err
	}
	return &Applying{Result: res, bin: bin, args: tfArgs, copy: cp}, nil
}

// Verdict is what blast apply says about the judged plan, named planFile:
// why it is applied, with ok, or why it is not.
func (a *Applying) Verdict(planFile string) (say string, ok bool) {
	as, so := a.Assessment, a.Report.Signoff
	switch a.Decision {
	case scoring.DecisionPass:
		return fmt.Sprintf("applying %s: score %d is below the threshold %d", planFile, as.Score, as.Threshold), true
	case scoring.DecisionApproved:
		return fmt.Sprintf("applying %s: signed off (%d valid sign-off(s) for digest %s)", planFile, so.Valid, so.Digest), true
	}
	return fmt.Sprintf("not applied: %s needs sign-off (score %d, threshold %d) and has %d of %d valid sign-off(s); a senior signs it with blast approve %s --key KEY --out DIR",
		planFile, as.Score, as.Threshold, so.Valid, as.Required(), planFile), false
}

// Apply runs terraform apply on the judged copy (TerraformApply), whatever
// the decision: the caller applies only a plan the gate passed.
func (a *Applying) Apply(stdin io.Reader, stdout, stderr io.Writer) error {
	return TerraformApply(ApplyOptions{Bin: a.bin, Args: a.args, Plan: a.copy.Path, Stdin: stdin, Stdout: stdout, Stderr: stderr})
}

// Close removes the judged copy.
func (a *Applying) Close() error { return a.copy.Close() }

// ApplyOptions say how to run terraform apply on a judged plan.
type ApplyOptions struct {
	Bin  string   // the terraform or tofu that judged the plan (FindTerraform)
	Args []string // options passed before the plan file, checked by CheckApplyArgs
	Plan string   // the judged copy (PlanCopy.Path)
	// Terraform's own streams: its output passes through as it runs.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// TerraformApply runs `terraform apply ARGS PLAN` in the working folder,
// without a shell, and waits for it. It checks the arguments again, so no
// caller can pass one that changes what is applied. While terraform runs,
// an interrupt is left to it (a terminal sends it to both), and a
// terminate is passed on to it: either way blast waits, so terraform can
// stop cleanly and release the state lock. An error means terraform did
// not apply the plan in full.
func TerraformApply(opts ApplyOptions) error {
	if err := CheckApplyArgs(opts.Args); err != nil {
		return err
	}
	if err := CheckApplyEnv(os.Getenv); err != nil {
		return err
	}
	args := append(append([]string{"apply"}, opts.Args...), opts.Plan)
	cmd := exec.CommandContext(context.Background(), opts.Bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = opts.Stdin, opts.Stdout, opts.Stderr
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("running %s apply: %w", filepath.Base(opts.Bin), err)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				if s != os.Interrupt {
					_ = cmd.Process.Signal(s)
				}
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Errorf("%s apply failed (exit code %d): the plan was not applied in full", filepath.Base(opts.Bin), ee.ExitCode())
	}
	if err != nil {
		return fmt.Errorf("running %s apply: %w", filepath.Base(opts.Bin), err)
	}
	return nil
}

// readPaths are the files to read plans from: each path, or its copy.
func readPaths(paths []string, copies map[string]string) []string {
	if len(copies) == 0 {
		return paths
	}
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p
		if c, ok := copies[p]; ok {
			out[i] = c
		}
	}
	return out
}

// nameCopies gives the plans read from a copy the name of the original.
func nameCopies(plans []*plan.Plan, copies map[string]string) {
	for orig, c := range copies {
		for _, p := range plans {
			if rest, ok := strings.CutPrefix(p.Source, c); ok {
				p.Source = orig + rest
			}
		}
	}
}

// copyErr names the original in an error about reading its copy.
func copyErr(err error, copies map[string]string) error {
	var ie *planjson.InputError
	if errors.As(err, &ie) {
		for orig, c := range copies {
			if ie.Source == c {
				ie.Source = orig
			}
		}
	}
	return err
}
