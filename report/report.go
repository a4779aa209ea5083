package report

import (
	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/signoff"
)

// SchemaVersion is the version of the JSON report schema (docs/json-report.md).
// It changes only when a field changes meaning or goes away.
const SchemaVersion = "1"

// Report is everything blast says about a set of plans.
type Report struct {
	Version   string           `json:"version"`
	Score     int              `json:"score"`
	Threshold int              `json:"threshold"`
	Decision  scoring.Decision `json:"decision"`
	Plans     []Plan           `json:"plans"`
	Summary   Summary          `json:"summary"`
	Changes   []Change         `json:"changes"`
	Findings  []Finding        `json:"findings"`
	// CappedPoints is what creates and updates scored beyond their cap.
	CappedPoints float64 `json:"capped_points"`
	// Signoff is the sign-off status; nil when the check looked for none.
	Signoff *Signoff `json:"signoff,omitempty"`
	// Ignored lists what the policy's ignore rules silenced, with the reason.
	Ignored []Ignored `json:"ignored"`
	// Notes say why the gate is what it is (environment, AI-assisted change).
	Notes []string `json:"notes"`
	// Warnings are problems worth fixing that did not stop the check.
	Warnings []string `json:"warnings"`
	// Policy is the policy file used, "" for the built-in defaults.
	Policy string `json:"policy"`
	// Environment is the policy environment applied, "" for none.
	Environment string `json:"environment"`
	// PolicySource says which policy judged the plan and where it was
	// read from; nil when the caller did not say.
	PolicySource *PolicySource `json:"policy_source,omitempty"`
	// Omitted counts the changes and findings the JSON report left out for
	// its size (MaxListedChanges, MaxListedFindings); nil when none was.
	Omitted *Omitted `json:"omitted,omitempty"`
	// ID names the report for a CI integration: the markdown's first line
	// is MarkdownMarker(ID). "" is DefaultReportID.
	ID string `json:"-"`
	// SignoffDir is the sign-off folder the policy or a flag named, for the
	// markdown's how-to; "" for the default.
	SignoffDir string `json:"-"`

	// The plans, graphs[i] the dependency graph of plans[i] and radii[i] the
	// blast radii of its destructive changes, as scoring measured them: the
	// graph formats draw them without building them again.
	plans  []*plan.Plan
	graphs []*graph.Graph
	radii  []map[string]graph.Radius
}

// PolicySource is which policy was used and from where.
type PolicySource struct {
	File        string `json:"file"`        // the policy file, relative to the repository root; "" for the built-in defaults
	Ref         string `json:"ref"`         // the trusted git ref it was read from; "" for the working tree
	Commit      string `json:"commit"`      // the commit ref named; "" for the working tree
	Environment string `json:"environment"` // the environment(s) applied, joined with +; "" for none
}

// Text is the source in a few words: "FILE from REF at COMMIT", "FILE
// (working tree)" or "built-in defaults".
func (s *PolicySource) Text() string {
	var t string
	switch {
	case s.File == "":
		t = "built-in defaults"
	case s.Ref != "":
		c := s.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		t = s.File + " from " + s.Ref + " at " + c + " (trusted)"
	default:
		t = s.File + " (working tree)"
	}
	if s.Environment != "" {
		t += ", environment " + s.Environment
	}
	return t
}

// Ignored is a change or finding an ignore rule silenced.
type Ignored struct {
	Plan    int    `json:"plan"`
	Address string `json:"address"`
	What    string `json:"what"` // the finding rule or the change kind
	Reason  string `json:"reason"`
	Line    int    `json:"line"` // the rule's line in the policy file
}

// Signoff is what the gate found of senior sign-offs.
type Signoff struct {
	Digest   string          `json:"digest"`   // what a sign-off signs: sha256:<hex>
	Required int             `json:"required"` // valid sign-offs needed at this score
	Valid    int             `json:"valid"`    // distinct seniors whose sign-off counts
	Records  []SignoffRecord `json:"records"`  // every sign-off file found, valid or not
	Notes    []string        `json:"notes"`    // why a stricter rule applied (AI-assisted change ...)

	// Stale counts the records of sign-offs made for other plans
	// (wrong-plan). When it is set, a note of the producer says so in one
	// line, and the human formats list the other records only.
	Stale int `json:"stale"`
}

// Listed are the records the human formats list one by one: all of them,
// or with Stale set all but the sign-offs of other plans.
func (s *Signoff) Listed() []SignoffRecord {
	if s.Stale == 0 {
		return s.Records
	}
	var out []SignoffRecord
	for _, r := range s.Records {
		if r.Reason != "wrong-plan" {
			out = append(out, r)
		}
	}
	return out
}

// SignoffRecord is one sign-off file and whether it counts.
type SignoffRecord struct {
	File        string         `json:"file"`
	Principal   string         `json:"principal"`
	Fingerprint string         `json:"fingerprint"`
	Valid       bool           `json:"valid"`
	Reason      signoff.Reason `json:"reason"` // why it counts or not
	Detail      string         `json:"detail"`
}

// Plan describes one input plan.
type Plan struct {
	Source           string     `json:"source"`
	FormatVersion    string     `json:"format_version"`
	TerraformVersion string     `json:"terraform_version"`
	Tool             string     `json:"tool"`
	HasConfiguration bool       `json:"has_configuration"`
	HasPriorState    bool       `json:"has_prior_state"`
	Complete         *bool      `json:"complete"`
	Summary          Summary    `json:"summary"`
	Drift            []Drift    `json:"drift"`
	GraphNotes       []string   `json:"graph_notes"`
	Deferred         []Deferred `json:"deferred"`
	Warnings         []string   `json:"warnings"`
}

// Summary counts changes per kind. Field order is the report order.
type Summary struct {
	Delete     int `json:"delete"`
	Replace    int `json:"replace"`
	ReplaceCBD int `json:"replace_cbd"`
	Update     int `json:"update"`
	Create     int `json:"create"`
	Forget     int `json:"forget"`
	Read       int `json:"read"`
	NoOp       int `json:"no_op"`
	Moved      int `json:"moved"`
	Imported   int `json:"imported"`
}

func (s *Summary) add(c *plan.Change) {
	switch c.Kind {
	case plan.KindDelete:
		s.Delete++
	case plan.KindReplace:
		s.Replace++
	case plan.KindReplaceCBD:
		s.ReplaceCBD++
	case plan.KindUpdate:
		s.Update++
	case plan.KindCreate:
		s.Create++
	case plan.KindForget:
		s.Forget++
	case plan.KindRead:
		s.Read++
	case plan.KindNoOp:
		s.NoOp++
	}
	if c.MovedFrom != "" {
		s.Moved++
	}
	if c.Imported {
		s.Imported++
	}
}

// Destructive is the number of changes that destroy an object.
func (s Summary) Destructive() int { return s.Delete + s.Replace + s.ReplaceCBD }

// Change is one judged resource change.
type Change struct {
	Plan      int       `json:"plan"`
	Address   string    `json:"address"`
	Type      string    `json:"type"`
	Module    string    `json:"module"`
	Kind      plan.Kind `json:"kind"`
	Actions   []string  `json:"actions"`
	Reason    string    `json:"reason"`
	ForcedBy  []string  `json:"forced_by"`
	MovedFrom string    `json:"moved_from"`
	Imported  bool      `json:"imported"`
	Deposed   string    `json:"deposed"`
	Class     string    `json:"class"`
	Risk      float64   `json:"risk"`
	Factors   []Factor  `json:"factors"`
	// BlastRadius is set on destructive changes: what transitively depends on
	// the object, split by whether the plan changes it too.
	BlastRadius *Radius `json:"blast_radius,omitempty"`

	// criticalByPolicy: the policy's critical patterns, not the class,
	// make the change critical; the table shows it in place of the class.
	criticalByPolicy bool
}

// Radius is the blast radius of a destructive change: instance addresses,
// sorted.
//
// Each list holds at most graph.MaxRadiusListed addresses, the first in
// sort order; the counts count them all.
type Radius struct {
	Changed        []string `json:"changed"`
	Unchanged      []string `json:"unchanged"`
	ChangedCount   int      `json:"changed_count"`
	UnchangedCount int      `json:"unchanged_count"`

	// OtherStacks is the radius past this stack: resources of other
	// stacks' state (--context) that hold an identity of the object or of
	// its radius. Absent without context, or when none does.
	OtherStacks *OtherStacks `json:"other_stacks,omitempty"`
}

// OtherStacks counts and lists the resources of other stacks in a radius.
// The list holds at most graph.MaxRadiusListed, by stack, then address; the
// count counts them all.
type OtherStacks struct {
	Count     int             `json:"count"`
	Resources []OtherResource `json:"resources"`
}

// OtherResource is a resource of another stack in a radius, and the
// attribute paths in it that hold an identity of a resource of the plan.
// Values are compared as digests and never reach a report.
type OtherResource struct {
	Stack   string     `json:"stack"`
	Address string     `json:"address"`
	Type    string     `json:"type"`
	Refs    []OtherRef `json:"refs"`
}

// OtherRef is one attribute path of an OtherResource and the address in the
// plan whose identity it holds.
type OtherRef struct {
	Path string `json:"path"`
	To   string `json:"to"`
}

// Label names the resource as reports show it: STACK: ADDRESS.
func (o OtherResource) Label() string { return o.Stack + ": " + o.Address }

// Size is the number of dependents, listed or not.
func (r *Radius) Size() int { return r.ChangedCount + r.UnchangedCount }

// Factor is one named contribution to a change's risk.
type Factor struct {
	Name   string  `json:"name"`
	Points float64 `json:"points"`
	Detail string  `json:"detail"`
}

// Finding is a rule that fired.
type Finding struct {
	Plan     int              `json:"plan"`
	Rule     string           `json:"rule"`
	Severity scoring.Severity `json:"severity"`
	Address  string           `json:"address"`
	Message  string           `json:"message"`
	Points   float64          `json:"points"`
	Fix      string           `json:"fix"` // a suggested fix, such as a moved block; "" when none
}

// Drift is a change made outside Terraform since the last apply.
type Drift struct {
	Address string    `json:"address"`
	Type    string    `json:"type"`
	Kind    plan.Kind `json:"kind"`
}

// Deferred is a change Terraform postponed.
type Deferred struct {
	Address string    `json:"address"`
	Type    string    `json:"type"`
	Kind    plan.Kind `json:"kind"`
	Reason  string    `json:"reason"`
}

// New builds the report of an assessment and the gate's decision.
func New(a *scoring.Assessment, decision scoring.Decision) *Report {
	r := &Report{
		Version:      SchemaVersion,
		Score:        a.Score,
		Threshold:    a.Threshold,
		Decision:     decision,
		Plans:        []Plan{},
		Changes:      []Change{},
		Findings:     []Finding{},
		CappedPoints: a.CappedPoints,
		Ignored:      []Ignored{},
		Notes:        append([]string{}, a.Notes...),
		Warnings:     append([]string{}, a.Warnings...),
		Policy:       a.Policy.Source,
		Environment:  a.Policy.Env,
		plans:        a.Plans,
		graphs:       a.Graphs,
		radii:        a.Radii,
	}
	for _, ig := range a.Ignored {
		r.Ignored = append(r.Ignored, Ignored(ig))
	}
	for pi, p := range a.Plans {
		rp := Plan{
			Source: p.Source, FormatVersion: p.FormatVersion, TerraformVersion: p.TerraformVersion, Tool: p.Tool,
			HasConfiguration: p.HasConfiguration, HasPriorState: p.HasPriorState, Complete: p.Complete,
			Drift: []Drift{}, Deferred: []Deferred{}, Warnings: append([]string{}, p.Warnings...), GraphNotes: []string{},
		}
		if pi < len(a.Graphs) {
			rp.GraphNotes = append(rp.GraphNotes, a.Graphs[pi].Notes()...)
		}
		for i := range p.Changes {
			rp.Summary.add(&p.Changes[i])
			r.Summary.add(&p.Changes[i])
		}
		for _, d := range p.Drift {
			rp.Drift = append(rp.Drift, Drift{Address: d.Address, Type: d.Type, Kind: d.Kind})
		}
		for _, d := range p.Deferred {
			rp.Deferred = append(rp.Deferred, Deferred{Address: d.Change.Address, Type: d.Change.Type, Kind: d.Change.Kind, Reason: d.Reason})
		}
		r.Plans = append(r.Plans, rp)
	}
	for _, cr := range a.Changes {
		c := cr.Change
		rc := Change{
			Plan: cr.Plan, Address: c.Address, Type: c.Type, Module: c.Module, Kind: c.Kind,
			Actions: nonNil(c.Actions), Reason: c.Reason, ForcedBy: nonNil(c.ForcedBy), MovedFrom: c.MovedFrom,
			Imported: c.Imported, Deposed: c.Deposed, Class: cr.Class, Risk: cr.Points, Factors: []Factor{},
			criticalByPolicy: cr.CriticalByPolicy(),
		}
		for _, f := range cr.Factors {
			rc.Factors = append(rc.Factors, Factor(f))
		}
		if cr.Radius != nil {
			rc.BlastRadius = &Radius{Changed: nonNil(cr.Radius.Changed), Unchanged: nonNil(cr.Radius.Unchanged),
				ChangedCount: cr.Radius.NumChanged, UnchangedCount: cr.Radius.NumUnchanged}
			rc.BlastRadius.OtherStacks = otherStacks(cr.OtherStacks)
		}
		r.Changes = append(r.Changes, rc)
	}
	for _, f := range a.Findings {
		r.Findings = append(r.Findings, Finding{Plan: f.Plan, Rule: f.Rule, Severity: f.Severity, Address: f.Address, Message: f.Message, Points: f.Points, Fix: f.Fix})
	}
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
