package check

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/scoring/aiassisted"
	"github.com/blast-dev/blast/scoring/policy"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/report"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/signoff"
)

// Options are the inputs of one check, as `blast check` takes them. Flags
// only tighten the gate: see the package documentation for what each may
// and may not do.
type Options struct {
	Plans        []string  // plan files: JSON, NDJSON, binary plans, or "-" for Stdin
	Stdin        io.Reader // read for "-"
	TerraformBin string    // terraform or tofu for binary plans; "" finds one on PATH

	PolicyFile  string // "" finds .blast.yml (in the trusted ref's tree when there is one)
	TrustedRef  string // the git ref the policy and allowed signers are read from; "" is the pipeline's, or the working tree
	Environment string // the policy environment for plans no path matches; "" lets the plan paths choose
	Threshold   int    // with ThresholdSet, the score at which sign-off is required (1-100); only lower than the policy's

	ThresholdSet bool

	SignoffDir     string // folder of .sig files; "" takes the policy's
	AllowedSigners string // seniors' keys; "" takes the policy's
	Author         string // one more author of the change, who may not approve it
	AIAssisted     bool   // the change was made with a coding assistant
	Commits        string // one more git revision range of the change, for authors and AI markers

	// Copies maps a path of Plans to the file its bytes are read from
	// (blast apply's PlanCopy): the copy is judged, while the report and
	// the policy's environments see the path as given.
	Copies map[string]string

	// Context are other stacks' state, PATH or NAME=PATH each (see
	// stacks.Load), besides the policy's context entries.
	Context []string

	// Getenv reads the CI's variables (GITHUB_BASE_REF ...) and an
	// agent's (AgentVariables); nil is os.Getenv.
	Getenv func(string) string
}

// Result is the outcome of a check. Decision is what the gate says; a
// required sign-off is a decision, not an error.
type Result struct {
	Plans      []*plan.Plan
	Assessment *scoring.Assessment
	Decision   scoring.Decision
	Report     *report.Report
	Source     PolicySource
}

// Run judges the plans of opts. An error means nothing was judged: bad
// input, a bad policy, bad options, or trusted inputs that cannot be
// established.
func Run(opts Options) (*Result, error) {
	in, err := LoadPolicy(PolicyOptions{File: opts.PolicyFile, Environment: opts.Environment, Plans: opts.Plans, TrustedRef: opts.TrustedRef, Getenv: opts.Getenv})
	if err != nil {
		return nil, err
	}
	pol := in.Policy
	if opts.ThresholdSet {
		if opts.Threshold < 1 || opts.Threshold > 100 {
			return nil, WithHint(fmt.Errorf("--threshold %d is out of range", opts.Threshold), "give a score from 1 to 100")
		}
		if opts.Threshold > pol.Threshold && !pol.AllowOverrides {
			return nil, WithHint(fmt.Errorf("--threshold %d would loosen the gate: %s sets %d, and flags only tighten", opts.Threshold, in.thresholdOrigin(), pol.Threshold),
				"change the threshold in the policy (on the target branch), or set allow_overrides: true there")
		}
		pol.Threshold = opts.Threshold
	}
	sigDir := in.signoffDir(opts.SignoffDir)
	allowed, _, err := in.AllowedSigners(opts.AllowedSigners)
	if err != nil {
		// Read before judging: a broken file is an error even when the
		// plan turns out not to need a sign-off.
		return nil, err
	}
	if sigDir != "" && allowed == nil {
		return nil, WithHint(fmt.Errorf("--signoffs needs --allowed-signers"), "name the allowed_signers file of your seniors, or set signoff.allowed_signers in .blast.yml")
	}
	change, err := changeOf(in, opts.Commits, opts.Author, sigDir)
	if err != nil {
		return nil, err
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	ai := scoring.Options{}
	agent := AgentFromEnv(agentEnviron(getenv))
	switch {
	case opts.AIAssisted:
		ai = scoring.Options{AIAssisted: true, AIReason: "--ai-assisted"}
	case agent != "":
		ai = scoring.Options{AIAssisted: true, AIReason: agent}
	default:
		ai.AIAssisted, ai.AIReason = aiassisted.Detect(change.Commits, pol.AIAssisted.Trailers, pol.AIAssisted.Markers)
	}
	plans, err := LoadPlans(readPaths(opts.Plans, opts.Copies), opts.Stdin, opts.TerraformBin)
	if err != nil {
		return nil, copyErr(err, opts.Copies)
	}
	nameCopies(plans, opts.Copies)
	if ai.Context, err = LoadContext(opts.Context, in); err != nil {
		return nil, err
	}
	// One graph per plan for the whole run: scoring measures the radii on
	// it and the report draws from what scoring kept.
	graphs := make([]*graph.Graph, len(plans))
	for i, p := range plans {
		graphs[i] = graph.Build(p)
	}
	assessment := scoring.Assess(plans, graphs, pol, ai)
	status := &report.Signoff{Digest: signoff.Digest(plans).String(), Required: assessment.Required(), Records: []report.SignoffRecord{}, Notes: []string{}}
	if status.Required > 0 && sigDir != "" {
		if err := verifySignoffs(opts, plans, sigDir, allowed, pol, change, status); err != nil {
			return nil, err
		}
	} else if status.Required > 0 {
		status.Notes = append(status.Notes, "no sign-off folder given (--signoffs, or signoff.signoffs in the policy)")
	}
	decision := scoring.Gate(assessment, status.Valid)
	r := report.New(assessment, decision)
	r.Signoff = status
	r.SignoffDir = sigDir
	r.Notes = append(r.Notes, pol.EnvNotes...)
	r.PolicySource = &report.PolicySource{File: in.Source.File, Ref: in.Source.Ref, Commit: in.Source.Commit, Environment: pol.Env}
	return &Result{Plans: plans, Assessment: assessment, Decision: decision, Report: r, Source: in.Source}, nil
}

// thresholdOrigin names what set the effective threshold, for a refusal.
func (in *Inputs) thresholdOrigin() string {
	what := "the built-in default"
	if in.Source.File != "" {
		what = in.Source.File
		if in.Source.Ref != "" {
			what = in.Source.Ref + ":" + in.Source.File
		}
	}
	if in.Policy.Env != "" {
		return "environment " + in.Policy.Env + " of " + what
	}
	return what
}

// signoffDir is the folder of .sig files: the flag (relative to the working
// folder), else the policy's signoff.signoffs, relative to the policy file
// in the working tree (sign-offs are committed to the change; each is
// checked against the trusted allowed signers).
func (in *Inputs) signoffDir(flag string) string {
	if flag != "" || in.Policy.Signoff.Dir == "" {
		return flag
	}
	d := in.Policy.Signoff.Dir
	if filepath.IsAbs(d) || in.polDir == "" {
		return d
	}
	d = filepath.Join(in.polDir, d)
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.EvalSymlinks(wd); err == nil {
			wd = r
		}
		if isUnder(d, wd) {
			d, _ = filepath.Rel(wd, d)
		}
	}
	return d
}

// verifySignoffs checks the sign-offs of dir against the plans and records
// each, valid or not, in status.
func verifySignoffs(opts Options, plans []*plan.Plan, dir string, allowed *signoff.AllowedSigners, pol policy.Policy, change *Change, status *report.Signoff) error {
	res, err := signoff.Verify(signoff.VerifyOptions{
		Payload: signoff.Payload(plans), OldPayloads: signoff.OldPayloads(plans), Dir: dir, AllowedSigners: allowed, Seniors: pol.Signoff.Seniors,
		Author: opts.Author, Authors: change.Authors, AuthorsUnknown: change.Unknown != "", Person: pol.Person,
	})
	switch {
	case errors.Is(err, signoff.ErrNoSignoffDir):
		// git keeps no empty folder: before the first sign-off there is
		// none, and that is no error but zero sign-offs.
		status.Notes = append(status.Notes, fmt.Sprintf("no sign-off folder %s yet: no sign-offs", dir))
		res = &signoff.Result{}
	case err != nil:
		return err
	}
	status.Valid = res.Count()
	for _, s := range res.SignOffs {
		status.Records = append(status.Records, report.SignoffRecord{
			File: escapeName(s.File), Principal: s.Principal, Fingerprint: s.KeyFingerprint, Valid: s.Valid, Reason: s.Reason, Detail: escapeName(s.Detail),
		})
		if s.Reason == signoff.ReasonWrongPlan {
			status.Stale++
		}
	}
	if status.Stale > 0 {
		// Sign-offs of earlier plans pile up in the folder; one line says
		// so, and how to remove them, instead of one line each.
		status.Notes = append(status.Notes, staleNote(status.Stale, opts, dir))
	}
	if change.Unknown != "" {
		status.Notes = append(status.Notes, "no sign-off counts: "+change.Unknown)
	} else if change.Range != "" {
		status.Notes = append(status.Notes, fmt.Sprintf("authors of the change: the authors and committers of %s", change.Range))
	}
	return nil
}

// LoadPlans loads every plan of paths; "-" reads stdin, at most once.
func LoadPlans(paths []string, stdin io.Reader, terraformBin string) ([]*plan.Plan, error) {
	opts := planjson.Options{TerraformBin: terraformBin, Stdin: stdin}
	var plans []*plan.Plan
	stdinUsed := false
	for _, path := range paths {
		if path == "-" {
			if stdinUsed {
				return nil, WithHint(fmt.Errorf("standard input (-) given twice"), "give - once")
			}
			stdinUsed = true
		}
		ps, err := planjson.Load(path, opts)
		if err != nil {
			return nil, err
		}
		plans = append(plans, ps...)
	}
	return plans, nil
}

// AIOptions says whether the change counts as AI-assisted: by the flag,
// by an agent's variable in the environment (AgentFromEnv), or by a marker in the commits of commitRange (see aiassisted.Markers).
func AIOptions(flag bool, commitRange string, pol policy.Policy) (scoring.Options, error) {
	if flag {
		return scoring.Options{AIAssisted: true, AIReason: "--ai-assisted"}, nil
	}
	if agent := AgentFromEnv(os.Environ()); agent != "" {
		return scoring.Options{AIAssisted: true, AIReason: agent}, nil
	}
	if commitRange == "" {
		return scoring.Options{}, nil
	}
	if err := checkRange(commitRange); err != nil {
		return scoring.Options{}, err
	}
	wd, _ := os.Getwd()
	commits, err := logCommits(repoRoot(wd), commitRange)
	if err != nil {
		return scoring.Options{}, WithHint(fmt.Errorf("--commits %s: git log failed: %s", commitRange, err), "run blast inside the git checkout, with a range like origin/main..HEAD")
	}
	var cs []aiassisted.Commit
	for _, c := range commits {
		cs = append(cs, c.Commit)
	}
	var o scoring.Options
	o.AIAssisted, o.AIReason = aiassisted.Detect(cs, pol.AIAssisted.Trailers, pol.AIAssisted.Markers)
	return o, nil
}
