package check

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/report"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/signoff"
)

// Options are the inputs of one check, as `blast check` takes them.
type Options struct {
	Plans        []string  // plan files: JSON, NDJSON, binary plans, or "-" for Stdin
	Stdin        io.Reader // read for "-"
	TerraformBin string    // terraform or tofu for binary plans; "" finds one on PATH

	PolicyFile  string // "" finds .blast.yml up to the repository root, or uses the defaults
	Environment string // the policy environment; "" lets the plan paths choose
	Threshold   int    // with ThresholdSet, the score at which sign-off is required (1-100)

	ThresholdSet bool

	SignoffDir     string // folder of .sig files; "" takes the policy's
	AllowedSigners string // seniors' keys; "" takes the policy's
	Author         string // who made the change; "" asks git
	AIAssisted     bool   // the change was made with a coding assistant
	Commits        string // git revision range of the change, for authors and AI trailers
}

// Result is the outcome of a check. Decision is what the gate says; a
// required sign-off is a decision, not an error.
type Result struct {
	Plans      []*plan.Plan
	Assessment *scoring.Assessment
	Decision   scoring.Decision
	Report     *report.Report
}

// Run judges the plans of opts. An error means nothing was judged: bad
// input, a bad policy, bad options.
func Run(opts Options) (*Result, error) {
	pol, err := LoadPolicy(opts.PolicyFile, opts.Environment, opts.Plans)
	if err != nil {
		return nil, err
	}
	if opts.ThresholdSet {
		if opts.Threshold < 1 || opts.Threshold > 100 {
			return nil, WithHint(fmt.Errorf("--threshold %d is out of range", opts.Threshold), "give a score from 1 to 100")
		}
		pol.Threshold = opts.Threshold
	}
	so := signoffPaths(opts, pol)
	if so.dir != "" && so.allowedSigners == "" {
		return nil, WithHint(fmt.Errorf("--signoffs needs --allowed-signers"), "name the allowed_signers file of your seniors, or set signoff.allowed_signers in .blast.yml")
	}
	var allowed *signoff.AllowedSigners
	if so.allowedSigners != "" {
		// Read it before judging: a broken file is an error even when the
		// plan turns out not to need a sign-off.
		if allowed, err = signoff.ReadAllowedSigners(so.allowedSigners); err != nil {
			return nil, err
		}
	}
	ai, err := AIOptions(opts.AIAssisted, opts.Commits, pol)
	if err != nil {
		return nil, err
	}
	plans, err := LoadPlans(opts.Plans, opts.Stdin, opts.TerraformBin)
	if err != nil {
		return nil, err
	}
	assessment := scoring.Assess(plans, nil, pol, ai)
	status := &report.Signoff{Digest: signoff.Digest(plans).String(), Required: assessment.Required(), Records: []report.SignoffRecord{}, Notes: []string{}}
	if status.Required > 0 && so.dir != "" {
		if err := verifySignoffs(opts, plans, so.dir, allowed, pol, status); err != nil {
			return nil, err
		}
	} else if status.Required > 0 {
		status.Notes = append(status.Notes, "no sign-off folder given (--signoffs, or signoff.signoffs in the policy)")
	}
	decision := scoring.Gate(assessment, status.Valid)
	r := report.New(assessment, decision)
	r.Signoff = status
	return &Result{Plans: plans, Assessment: assessment, Decision: decision, Report: r}, nil
}

// verifySignoffs checks the sign-offs of dir against the plans and records
// each, valid or not, in status.
func verifySignoffs(opts Options, plans []*plan.Plan, dir string, allowed *signoff.AllowedSigners, pol scoring.Policy, status *report.Signoff) error {
	var authors []string
	if opts.Author == "" || opts.Commits != "" {
		authors = changeAuthors(opts.Commits, dir)
	}
	res, err := signoff.Verify(signoff.VerifyOptions{
		Payload: signoff.Payload(plans), Dir: dir, AllowedSigners: allowed, Seniors: pol.Signoff.Seniors,
		Author: opts.Author, Authors: authors,
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
			File: s.File, Principal: s.Principal, Fingerprint: s.KeyFingerprint, Valid: s.Valid, Reason: s.Reason, Detail: s.Detail,
		})
	}
	if opts.Author == "" && len(authors) == 0 {
		status.Notes = append(status.Notes, "no author known (no --author, no git history): self-approval could not be checked")
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
// or by an assistant's trailer in the commits of commitRange.
func AIOptions(flag bool, commitRange string, pol scoring.Policy) (scoring.Options, error) {
	if flag {
		return scoring.Options{AIAssisted: true, AIReason: "--ai-assisted"}, nil
	}
	if commitRange == "" {
		return scoring.Options{}, nil
	}
	commits, err := commitsIn(commitRange)
	if err != nil {
		return scoring.Options{}, err
	}
	var o scoring.Options
	o.AIAssisted, o.AIReason = scoring.DetectAIAssisted(commits, pol)
	return o, nil
}

type signoffSettings struct{ dir, allowedSigners string }

// signoffPaths takes the options first, then the policy, whose paths are
// relative to the policy file.
func signoffPaths(opts Options, pol scoring.Policy) signoffSettings {
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) || pol.Source == "" {
			return p
		}
		return filepath.Join(filepath.Dir(pol.Source), p)
	}
	s := signoffSettings{dir: opts.SignoffDir, allowedSigners: opts.AllowedSigners}
	if s.dir == "" {
		s.dir = rel(pol.Signoff.Dir)
	}
	if s.allowedSigners == "" {
		s.allowedSigners = rel(pol.Signoff.AllowedSigners)
	}
	return s
}
