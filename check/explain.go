package check

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/blast-dev/blast/scoring"
)

// ExplainOptions are the inputs of blast explain: the change's address and
// the plans, the policy and whether the change is AI-assisted.
type ExplainOptions struct {
	Address      string
	Plans        []string
	Stdin        io.Reader
	TerraformBin string
	PolicyFile   string
	Environment  string
	AIAssisted   bool
	Commits      string
	Context      []string // other stacks' state, as for check (Options.Context)
}

// Explain says why the change at Address scored what it did, factor by
// factor, its dependents and findings, then how the plan's score adds up.
func Explain(opts ExplainOptions) ([]byte, error) {
	plans, err := LoadPlans(opts.Plans, opts.Stdin, opts.TerraformBin)
	if err != nil {
		return nil, err
	}
	in, err := LoadPolicy(PolicyOptions{File: opts.PolicyFile, Environment: opts.Environment, Plans: opts.Plans})
	if err != nil {
		return nil, err
	}
	pol := in.Policy
	ai, err := AIOptions(opts.AIAssisted, opts.Commits, pol)
	if err != nil {
		return nil, err
	}
	if ai.Context, err = LoadContext(opts.Context, in); err != nil {
		return nil, err
	}
	as := scoring.Assess(plans, nil, pol, ai)
	var buf bytes.Buffer
	found := 0
	for _, cr := range as.Changes {
		if cr.Change.Address != opts.Address {
			continue
		}
		found++
		writeExplanation(&buf, as, cr)
	}
	if found == 0 {
		return nil, WithHint(fmt.Errorf("%s: no change with this address in the plan (no-ops score nothing)", opts.Address),
			"blast check --all PLAN lists every change")
	}
	b := as.Breakdown
	fmt.Fprintf(&buf, "plan score %d: %.1f from destructive changes + %.1f from creates and updates (capped at %.0f) + %.1f from findings, rounded, at most 100; threshold %d\n",
		as.Score, b.Destructive, b.NonDestructive, b.Cap, b.Findings, as.Threshold)
	return buf.Bytes(), nil
}

func writeExplanation(buf *bytes.Buffer, as *scoring.Assessment, cr scoring.ChangeRisk) {
	c := cr.Change
	fmt.Fprintf(buf, "%s", c.Address)
	if c.Deposed != "" {
		fmt.Fprintf(buf, " (deposed %s)", c.Deposed)
	}
	if len(as.Plans) > 1 {
		fmt.Fprintf(buf, " in %s", as.Plans[cr.Plan].Source)
	}
	fmt.Fprintf(buf, "\n  type %s, class %s, weight %.2f", c.Type, cr.Class, cr.Weight)
	if cr.Critical {
		buf.WriteString(", critical")
	}
	fmt.Fprintf(buf, "\n  %s (actions %s)", c.Kind, strings.Join(c.Actions, ", "))
	if c.Reason != "" {
		fmt.Fprintf(buf, ", reason %s", c.Reason)
	}
	if len(c.ForcedBy) > 0 {
		fmt.Fprintf(buf, ", forced by %s", strings.Join(c.ForcedBy, ", "))
	}
	if c.MovedFrom != "" {
		// The policy's critical and ignore globs read this address too.
		fmt.Fprintf(buf, ", moved from %s", c.MovedFrom)
	}
	fmt.Fprintf(buf, "\n  risk %.1f\n", cr.Points)
	for _, f := range cr.Factors {
		fmt.Fprintf(buf, "    %+6.1f  %-13s %s\n", f.Points, f.Name, f.Detail)
	}
	if cr.Radius != nil && cr.Radius.Size() > 0 {
		fmt.Fprintf(buf, "  dependents the plan changes too (%d):\n", len(cr.Radius.Changed))
		for _, d := range cr.Radius.Changed {
			fmt.Fprintf(buf, "    %s\n", d)
		}
		fmt.Fprintf(buf, "  dependents with no planned change (%d):\n", len(cr.Radius.Unchanged))
		for _, d := range cr.Radius.Unchanged {
			fmt.Fprintf(buf, "    %s\n", d)
		}
	}
	if o := cr.OtherStacks; o != nil && o.Count > 0 {
		fmt.Fprintf(buf, "  dependents in other stacks (%d):\n", o.Count)
		for _, r := range o.Listed {
			fmt.Fprintf(buf, "    %s: %s\n", r.Stack, r.Address)
		}
	}
	for _, f := range as.Findings {
		if f.Plan == cr.Plan && f.Address == c.Address {
			fmt.Fprintf(buf, "  finding %s (%s, %+.1f): %s\n", f.Rule, f.Severity, f.Points, f.Message)
		}
	}
	buf.WriteString("\n")
}
