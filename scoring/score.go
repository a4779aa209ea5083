package scoring

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/blast-dev/blast/analyzer"
)

// DefaultThreshold is the score at which a plan needs sign-off.
const DefaultThreshold = 50

// Points of the model. They are chosen so that the properties DESIGN.md asks
// for hold: one destructive change of a resource of weight 1 reaches the
// default threshold alone, create-before-destroy scores half of
// destroy-before-create, and creates and updates together can never reach it.
const (
	destroyPoints        = 50.0 // delete or destroy-before-create replace, times the weight
	cbdPoints            = 25.0 // create-before-destroy replace, times the weight
	updatePoints         = 1.0
	createPoints         = 0.5
	nonDestructiveCap    = 20.0 // creates and updates together never add more
	dataLossPoints       = 10.0
	unprotectedPoints    = 10.0
	accidentPoints       = 10.0
	teardownPoints       = 50.0
	teardownMinResources = 5
	teardownShare        = 0.5
)

// Factor is one named contribution to a change's risk.
type Factor struct {
	Name   string
	Points float64
	Detail string
}

// ChangeRisk is the judgement of one change.
type ChangeRisk struct {
	Plan     int // index of the plan in the assessment
	Change   *analyzer.Change
	Class    string
	Weight   float64
	Critical bool
	Points   float64
	Factors  []Factor
}

// Severities, highest first.
const (
	SeverityCritical = "critical"
	SeverityHigh     = "high"
	SeverityMedium   = "medium"
	SeverityLow      = "low"
	SeverityInfo     = "info"
)

// Rule ids of findings: part of the JSON contract.
const (
	RuleDataLoss            = "data-loss"
	RuleEnvironmentTeardown = "environment-teardown"
)

// Finding is something about the plan worth a reviewer's attention.
type Finding struct {
	Plan     int
	Rule     string
	Severity string
	Address  string // the change or module it is about; "" for the whole plan
	Message  string
	Points   float64 // what it adds to the score beyond its change's factors
}

// Assessment is the score of a set of plans.
type Assessment struct {
	Plans     []*analyzer.Plan
	Score     int
	Threshold int
	Changes   []ChangeRisk // every change except plain no-ops, riskiest first
	Findings  []Finding    // most severe first
	// CappedPoints is what creates and updates would have added beyond the cap.
	CappedPoints float64
}

// Policy holds what a team can tune.
type Policy struct {
	Threshold int
}

// DefaultPolicy is the policy when no file is given.
func DefaultPolicy() Policy { return Policy{Threshold: DefaultThreshold} }

// Assess scores plans under a policy.
func Assess(plans []*analyzer.Plan, pol Policy) *Assessment {
	a := &Assessment{Plans: plans, Threshold: pol.Threshold}
	var destructive, nonDestructive float64
	for pi, p := range plans {
		for i := range p.Changes {
			c := &p.Changes[i]
			if c.Kind == analyzer.KindNoOp && c.MovedFrom == "" && !c.Imported {
				continue
			}
			r := judgeChange(pi, c)
			if c.Kind.Destructive() {
				destructive += r.Points
			} else {
				nonDestructive += r.Points
			}
			a.Changes = append(a.Changes, r)
		}
		a.Findings = append(a.Findings, dataLossFindings(pi, a.Changes)...)
		a.Findings = append(a.Findings, teardownFindings(pi, p)...)
	}
	total := destructive + math.Min(nonDestructive, nonDestructiveCap)
	a.CappedPoints = math.Max(0, nonDestructive-nonDestructiveCap)
	for _, f := range a.Findings {
		total += f.Points
	}
	a.Score = int(math.Min(100, math.Round(total)))
	sort.SliceStable(a.Changes, func(i, j int) bool {
		if a.Changes[i].Points != a.Changes[j].Points {
			return a.Changes[i].Points > a.Changes[j].Points
		}
		if a.Changes[i].Plan != a.Changes[j].Plan {
			return a.Changes[i].Plan < a.Changes[j].Plan
		}
		return a.Changes[i].Change.Key() < a.Changes[j].Change.Key()
	})
	sort.SliceStable(a.Findings, func(i, j int) bool {
		si, sj := severityRank(a.Findings[i].Severity), severityRank(a.Findings[j].Severity)
		if si != sj {
			return si < sj
		}
		if a.Findings[i].Plan != a.Findings[j].Plan {
			return a.Findings[i].Plan < a.Findings[j].Plan
		}
		if a.Findings[i].Rule != a.Findings[j].Rule {
			return a.Findings[i].Rule < a.Findings[j].Rule
		}
		return a.Findings[i].Address < a.Findings[j].Address
	})
	return a
}

func severityRank(s string) int {
	switch s {
	case SeverityCritical:
		return 0
	case SeverityHigh:
		return 1
	case SeverityMedium:
		return 2
	case SeverityLow:
		return 3
	}
	return 4
}

// accidentalReasons are action reasons that often mean a mistake: a key or
// index moved and Terraform destroys what was meant to stay.
var accidentalReasons = map[string]string{
	"delete_because_each_key":         "its for_each key is gone: often a renamed key that wants a moved block",
	"delete_because_count_index":      "its count index is gone: shrinking count destroys the last instances",
	"delete_because_wrong_repetition": "count and for_each were swapped",
	"delete_because_no_move_target":   "a moved block points at an address with no configuration",
}

func judgeChange(plan int, c *analyzer.Change) ChangeRisk {
	class, _, _ := Classify(c.Type)
	r := ChangeRisk{Plan: plan, Change: c, Class: class.Name, Weight: class.Weight, Critical: class.Weight >= 0.9}
	add := func(name string, points float64, detail string) {
		points = round1(points)
		if points == 0 {
			return
		}
		r.Factors = append(r.Factors, Factor{Name: name, Points: points, Detail: detail})
		r.Points += points
	}
	switch c.Kind {
	case analyzer.KindDelete, analyzer.KindReplace:
		verb := "deleted"
		if c.Kind == analyzer.KindReplace {
			verb = "destroyed, then created"
		}
		add("kind", destroyPoints*class.Weight, fmt.Sprintf("%s %s: %.0f x weight %.2f (%s)", c.Type, verb, destroyPoints, class.Weight, class.Name))
	case analyzer.KindReplaceCBD:
		add("kind", cbdPoints*class.Weight, fmt.Sprintf("%s created, then destroyed: %.0f x weight %.2f (%s)", c.Type, cbdPoints, class.Weight, class.Name))
	case analyzer.KindUpdate:
		add("kind", updatePoints, "updated in place")
	case analyzer.KindCreate:
		add("kind", createPoints, "created")
	}
	if c.Kind.Destructive() {
		if class.Stateful {
			add("data-loss", dataLossPoints, fmt.Sprintf("%s holds data that is lost with the object", c.Type))
			if len(c.Unprotected) > 0 {
				add("unprotected", unprotectedPoints, "no protection in the prior state: "+strings.Join(c.Unprotected, ", "))
			}
		}
		if why, ok := accidentalReasons[c.Reason]; ok {
			add("reason", accidentPoints, why)
		}
	}
	r.Points = round1(r.Points)
	return r
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

func dataLossFindings(plan int, risks []ChangeRisk) []Finding {
	var out []Finding
	for _, r := range risks {
		if r.Plan != plan || !r.Change.Kind.Destructive() || r.Change.Deposed != "" {
			continue
		}
		class, ok := ClassByName(r.Class)
		if !ok || !class.Stateful {
			continue
		}
		f := Finding{Plan: plan, Rule: RuleDataLoss, Severity: SeverityHigh, Address: r.Change.Address}
		verb := "deleted"
		switch r.Change.Kind {
		case analyzer.KindReplace:
			verb = "destroyed and recreated"
		case analyzer.KindReplaceCBD:
			verb = "replaced (create before destroy)"
		}
		f.Message = fmt.Sprintf("%s (%s) is %s: its data goes with it", r.Change.Address, r.Change.Type, verb)
		if len(r.Change.Unprotected) > 0 {
			f.Severity = SeverityCritical
			f.Message += "; the prior state shows no protection (" + strings.Join(r.Change.Unprotected, ", ") + ")"
		}
		out = append(out, f)
	}
	return out
}

// teardownFindings finds module instances, and the whole configuration, of
// which most managed resources are destroyed in this plan.
func teardownFindings(plan int, p *analyzer.Plan) []Finding {
	type tally struct{ total, destroyed int }
	byModule := map[string]*tally{}
	all := &tally{}
	count := func(module string, destroyed bool) {
		for m := module; ; m = analyzer.ParentModule(m) {
			if m != "" {
				t := byModule[m]
				if t == nil {
					t = &tally{}
					byModule[m] = t
				}
				t.total++
				if destroyed {
					t.destroyed++
				}
			}
			if m == "" {
				break
			}
		}
		all.total++
		if destroyed {
			all.destroyed++
		}
	}
	counted := map[string]bool{}
	for _, c := range p.Changes {
		if c.Deposed != "" || c.Mode != "managed" {
			continue
		}
		counted[c.Address] = true
		count(c.Module, c.Kind.Destructive())
	}
	for _, addr := range p.Instances {
		if counted[addr] {
			continue
		}
		a, err := analyzer.ParseAddress(addr)
		if err != nil || a.Mode != "managed" {
			continue
		}
		count(a.ModulePath(), false)
	}
	var out []Finding
	torn := func(t *tally) bool {
		return t.total >= teardownMinResources && float64(t.destroyed) >= teardownShare*float64(t.total)
	}
	if torn(all) {
		out = append(out, Finding{Plan: plan, Rule: RuleEnvironmentTeardown, Severity: SeverityCritical, Points: teardownPoints,
			Message: fmt.Sprintf("%d of %d managed resources (%d%%) of the whole configuration are destroyed or replaced",
				all.destroyed, all.total, percent(all.destroyed, all.total))})
	}
	modules := make([]string, 0, len(byModule))
	for m := range byModule {
		modules = append(modules, m)
	}
	sort.Strings(modules)
	for _, m := range modules {
		if t := byModule[m]; torn(t) {
			out = append(out, Finding{Plan: plan, Rule: RuleEnvironmentTeardown, Severity: SeverityCritical, Address: m, Points: teardownPoints,
				Message: fmt.Sprintf("%d of %d managed resources (%d%%) of %s are destroyed or replaced",
					t.destroyed, t.total, percent(t.destroyed, t.total), m)})
		}
	}
	return out
}

func percent(a, b int) int { return int(math.Round(100 * float64(a) / float64(b))) }
