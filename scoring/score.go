package scoring

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/scoring/catalog"
	"github.com/blast-dev/blast/scoring/policy"
	"github.com/blast-dev/blast/stacks"
)

// Points of the model. They are chosen so that the properties the README's
// "The score" promises hold, each pinned by a test in score_test.go: one
// destructive change of a critical or stateful resource reaches the default
// threshold alone, create-before-destroy scores below destroy-before-create
// (half, or 45 of 50 for a stateful class, whose data is lost all the same),
// and creates and updates together can never reach it.
const (
	destroyPoints        = 50.0 // delete or destroy-before-create replace, times the weight
	cbdPoints            = 25.0 // create-before-destroy replace, times the weight
	statefulCBDPoints    = 45.0 // the same of a stateful class: the data is lost all the same
	updatePoints         = 1.0
	createPoints         = 0.5
	nonDestructiveCap    = 20.0 // creates and updates together never add more
	dataLossPoints       = 10.0
	unprotectedPoints    = 10.0
	accidentPoints       = 10.0
	changedDepPoints     = 1.5 // per dependent the plan creates or updates, times its weight
	unchangedDepPoints   = 3.0 // per dependent with no planned change, or destroyed too, times its weight
	radiusCap            = 30.0
	teardownPoints       = 50.0
	teardownMinResources = 5
	teardownShare        = 0.5
	teardownMinWeight    = 0.1 // lighter classes are glue, not part of an environment
	criticalWeight       = 0.9 // a class this heavy is critical
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
	Change   *plan.Change
	Class    string
	Weight   float64
	Critical bool
	Points   float64
	Factors  []Factor
	Radius   *graph.Radius // destructive changes only
	Ignored  string        // why the policy ignores it, "" when it counts

	// OtherStacks is what the change reaches in other stacks' state
	// (Options.Context); nil when it reaches nothing there.
	OtherStacks *OtherStacks
}

// CriticalByPolicy reports whether the change counts as critical only
// because the policy's critical patterns name its address, its class
// weighing less: a report then says so rather than show the class alone.
func (r ChangeRisk) CriticalByPolicy() bool { return r.Critical && r.Weight < criticalWeight }

// Severity grades a finding. Its JSON form is the plain string.
type Severity string

// Severities, highest first.
const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
	SeverityInfo     Severity = "info"
)

// Rank orders severities: 0 for critical, then high, medium, low, and 4 for
// info or anything else.
func (s Severity) Rank() int {
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

// Finding is something about the plan worth a reviewer's attention.
type Finding struct {
	Plan     int
	Rule     string // the id of its Rule
	Severity Severity
	Address  string // the change or module it is about; "" for the whole plan
	Message  string
	Points   float64 // what it adds to the score beyond its change's factors
	Fix      string  // a suggested fix, such as a moved block; "" when none
}

// Ignored is a change or finding a policy rule silenced.
type Ignored struct {
	Plan    int
	Address string
	What    string // the finding's rule or the change's kind
	Reason  string
	Line    int // the rule's line in the policy file
}

// Assessment is the score of a set of plans.
type Assessment struct {
	Plans     []*plan.Plan
	Policy    policy.Policy
	Score     int
	Threshold int
	Changes   []ChangeRisk // every change except plain no-ops, riskiest first
	Findings  []Finding    // most severe first
	Ignored   []Ignored
	Warnings  []string // problems worth fixing, such as an expired ignore rule
	Notes     []string // why the gate is what it is: an environment, an AI-assisted change
	// CappedPoints is what creates and updates would have added beyond the cap.
	CappedPoints float64
	// Breakdown is how Score adds up.
	Breakdown Breakdown
	// Graphs are the plans' dependency graphs, Graphs[i] of Plans[i], and
	// Radii[i] the blast radius of each destructive change of Plans[i],
	// keyed by Change.Key(): a report draws them without building them again.
	Graphs []*graph.Graph
	Radii  []map[string]graph.Radius
}

// Breakdown is how an assessment's score adds up, in points as Assess
// summed them: Score is their total, rounded half up, at most 100.
type Breakdown struct {
	Destructive    float64 // deletes and replaces
	NonDestructive float64 // creates and updates, after the cap
	Cap            float64 // what creates and updates may add at most
	Findings       float64
}

// Options are the inputs of an assessment that are not the policy.
type Options struct {
	Now time.Time // for ignore rules' expiry dates; zero means time.Now
	// AIAssisted applies the policy's stricter ai_assisted threshold;
	// AIReason says why the change counts as AI-assisted.
	AIAssisted bool
	AIReason   string
	// Context are other stacks' state (stacks.Load): a destructive
	// change's radius reaches the resources there that hold an identity of
	// it or of its radius (see linkContext).
	Context []*stacks.Stack
}

// Assess scores plans under a policy. graphs[i] is the dependency graph of
// plans[i] as the caller built it (graph.Build); a missing or nil one is
// built here.
func Assess(plans []*plan.Plan, graphs []*graph.Graph, pol policy.Policy, o Options) *Assessment {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	s := &scorer{pol: pol, now: o.Now, weights: map[string]classInfo{}}
	a := &Assessment{Plans: plans, Policy: pol, Threshold: pol.Threshold}
	if o.AIAssisted && pol.AIAssisted.Threshold > 0 && pol.AIAssisted.Threshold < a.Threshold {
		a.Threshold = pol.AIAssisted.Threshold
		a.Notes = append(a.Notes, fmt.Sprintf("AI-assisted change (%s): the stricter ai_assisted threshold %d applies", o.AIReason, a.Threshold))
	} else if o.AIAssisted {
		a.Notes = append(a.Notes, fmt.Sprintf("AI-assisted change (%s): the policy sets no stricter threshold", o.AIReason))
	}
	if pol.Env != "" {
		a.Notes = append(a.Notes, fmt.Sprintf("environment %s of %s applies", pol.Env, pol.Source))
	}
	for _, r := range pol.Ignore {
		if !r.Expires.IsZero() && o.Now.After(r.Expires.Add(24*time.Hour)) {
			a.Warnings = append(a.Warnings, fmt.Sprintf("%s:%d: ignore rule expired on %s and no longer applies (%s)",
				pol.Source, r.Line, r.Expires.Format("2006-01-02"), r.Reason))
		}
	}
	// Points are sums of tenths: add them as whole tenths, so that the total,
	// and so its rounding, cannot depend on the order of the changes.
	var destructive, nonDestructive, findingPoints int64
	var contexts []*planContext
	if len(o.Context) > 0 {
		graphs = builtGraphs(plans, graphs)
		var warnings []string
		contexts, warnings = linkContext(plans, graphs, o.Context)
		a.Warnings = append(a.Warnings, warnings...)
		a.Notes = append(a.Notes, contextNote(o.Context, contexts))
	}
	for pi, p := range plans {
		var g *graph.Graph
		if pi < len(graphs) {
			g = graphs[pi]
		}
		if g == nil {
			g = graph.Build(p)
		}
		s.destroyed = map[string]bool{}
		s.plan(p)
		for _, c := range p.Changes {
			if c.Kind.Destructive() {
				s.destroyed[c.Address] = true
			}
		}
		// Every dependent is weighed in aggregate: its group is its state
		// (unchanged, destroyed, changed) and its weight, and the graph
		// counts each radius's dependents per group, all radii together, so
		// the factor is exact however long the radius and however short its
		// lists, in time linear in the graph for the common shapes.
		changedNode := graph.ChangedNodes(p, g)
		type groupKey struct {
			state uint8 // 0 unchanged, 1 destroyed, 2 changed
			w     float64
		}
		groupOf := map[groupKey]uint16{}
		var groups []groupKey
		tally := &graph.Tally{Group: make([]uint16, g.Len())}
		for i := range tally.Group {
			name := g.Name(int32(i))
			k := groupKey{w: s.depWeight(g, int32(i))}
			switch {
			case !changedNode[i]:
			case s.destroyed[name]:
				k.state = 1
			default:
				k.state = 2
			}
			gi, ok := groupOf[k]
			if !ok {
				gi = uint16(len(groups))
				groupOf[k] = gi
				groups = append(groups, k)
			}
			tally.Group[i] = gi
		}
		tally.Groups = len(groups)
		radius := graph.Radii(p, g, tally)
		var pc *planContext
		var beyond map[string]graph.Beyond
		var beyondWeights []float64
		if pi < len(contexts) && contexts[pi] != nil {
			pc = contexts[pi]
			beyond, beyondWeights = s.beyondRadii(p, g, pc)
		}
		accs := map[*plan.Change]*radiusTally{}
		for i := range p.Changes {
			c := &p.Changes[i]
			r, ok := radius[c.Key()]
			b, reached := beyond[c.Key()]
			if (!ok || r.Size() == 0) && !reached {
				continue
			}
			t := &radiusTally{}
			for gi, n := range r.Groups {
				k := groups[gi]
				switch k.state {
				case 0:
					t.unchanged += n
					t.pts += float64(n) * unchangedDepPoints * k.w
				case 1:
					t.destroyed += n
					t.pts += float64(n) * unchangedDepPoints * k.w
				default:
					t.changed += n
					t.pts += float64(n) * changedDepPoints * k.w
				}
			}
			// Resources of other stacks count as dependents the plan
			// leaves unchanged: nothing in this plan shows them.
			for gi, n := range b.Groups {
				t.other += n
				t.pts += float64(n) * unchangedDepPoints * beyondWeights[gi]
			}
			accs[c] = t
		}
		inRadius := map[string]bool{}
		for _, i := range graph.UnionRadius(p, g, func(c *plan.Change) bool { return c.Deposed == "" && c.Mode == "managed" }) {
			inRadius[g.Name(i)] = true
		}
		a.Graphs = append(a.Graphs, g)
		a.Radii = append(a.Radii, radius)
		var risks []ChangeRisk
		for i := range p.Changes {
			c := &p.Changes[i]
			if c.Kind == plan.KindNoOp && c.MovedFrom == "" && !c.Imported {
				continue
			}
			var rad *graph.Radius
			if c.Kind.Destructive() {
				if r, ok := radius[c.Key()]; ok {
					rad = &r
				}
			}
			r := s.judgeChange(pi, c, rad, accs[c])
			if b, ok := beyond[c.Key()]; ok && c.Kind.Destructive() {
				r.OtherStacks = pc.otherStacks(b)
			}
			if rule, ok := s.ignored(c.Address, "", string(c.Kind)); ok {
				r.Ignored = rule.Reason
				r.Points = 0
				r.Factors = []Factor{{Name: "ignored", Detail: fmt.Sprintf("ignored by %s:%d: %s", pol.Source, rule.Line, rule.Reason)}}
				a.Ignored = append(a.Ignored, Ignored{Plan: pi, Address: c.Address, What: string(c.Kind), Reason: rule.Reason, Line: rule.Line})
			}
			if c.Kind.Destructive() {
				destructive += tenths(r.Points)
			} else {
				nonDestructive += tenths(r.Points)
			}
			risks = append(risks, r)
		}
		for _, f := range findAll(pi, &ruleInput{s: s, p: p, graph: g, risks: risks, inRadius: inRadius, other: pc}) {
			if rule, ok := s.ignored(f.Address, f.Rule, ""); ok {
				a.Ignored = append(a.Ignored, Ignored{Plan: pi, Address: f.Address, What: f.Rule, Reason: rule.Reason, Line: rule.Line})
				continue
			}
			a.Findings = append(a.Findings, f)
		}
		a.Changes = append(a.Changes, risks...)
	}
	for _, f := range a.Findings {
		findingPoints += tenths(f.Points)
	}
	limit := tenths(nonDestructiveCap)
	total := destructive + min(nonDestructive, limit) + findingPoints
	a.CappedPoints = float64(max(0, nonDestructive-limit)) / 10
	a.Breakdown = Breakdown{Destructive: float64(destructive) / 10, NonDestructive: float64(min(nonDestructive, limit)) / 10,
		Cap: nonDestructiveCap, Findings: float64(findingPoints) / 10}
	a.Score = int(min(100, (total+5)/10)) // whole tenths, rounded half up
	sortAssessment(a)
	return a
}

func sortAssessment(a *Assessment) {
	sort.SliceStable(a.Changes, func(i, j int) bool {
		ci, cj := a.Changes[i], a.Changes[j]
		if ci.Points != cj.Points {
			return ci.Points > cj.Points
		}
		if ci.Plan != cj.Plan {
			return ci.Plan < cj.Plan
		}
		return ci.Change.Key() < cj.Change.Key()
	})
	sort.SliceStable(a.Findings, func(i, j int) bool {
		fi, fj := a.Findings[i], a.Findings[j]
		if si, sj := fi.Severity.Rank(), fj.Severity.Rank(); si != sj {
			return si < sj
		}
		if fi.Plan != fj.Plan {
			return fi.Plan < fj.Plan
		}
		if fi.Rule != fj.Rule {
			return fi.Rule < fj.Rule
		}
		return fi.Address < fj.Address
	})
	sort.SliceStable(a.Ignored, func(i, j int) bool {
		if a.Ignored[i].Plan != a.Ignored[j].Plan {
			return a.Ignored[i].Plan < a.Ignored[j].Plan
		}
		if a.Ignored[i].Address != a.Ignored[j].Address {
			return a.Ignored[i].Address < a.Ignored[j].Address
		}
		return a.Ignored[i].What < a.Ignored[j].What
	})
}

// scorer holds the policy and caches class lookups per type.
type scorer struct {
	pol       policy.Policy
	now       time.Time
	weights   map[string]classInfo
	destroyed map[string]bool // addresses the current plan deletes or replaces
	// movedFrom and subtypes hold the current plan's previous addresses and
	// subtypes by address (see addresses.go).
	movedFrom map[string]string
	subtypes  map[string]string
}

type classInfo struct {
	class  catalog.Class
	weight float64
	source string // where the weight comes from, for the factor's detail
}

// classOf resolves a type's class and weight: the policy's per-type class and
// weight overrides first, then its per-class weights, then the catalog.
func (s *scorer) classOf(typ string) classInfo { return s.classOfSub(typ, "") }

// classOfSub is classOf for a generic type that manages many kinds of
// object, by what this one manages (plan.Change.Subtype): the policy's
// overrides of the type still win.
func (s *scorer) classOfSub(typ, sub string) classInfo {
	key := typ
	if sub != "" {
		key = typ + "/" + sub
	}
	if ci, ok := s.weights[key]; ok {
		return ci
	}
	class, _, _ := catalog.ClassifySubtype(typ, sub)
	source := "catalog"
	if name, ok := s.pol.TypeClasses[typ]; ok {
		if c, ok := catalog.ClassByName(name); ok {
			class, source = c, "policy class"
		}
	}
	weight := class.Weight
	if w, ok := s.pol.ClassWeights[class.Name]; ok {
		weight, source = w, "policy class weight"
	}
	if w, ok := s.pol.TypeWeights[typ]; ok {
		weight, source = w, "policy type weight"
	}
	ci := classInfo{class: class, weight: weight, source: source}
	s.weights[key] = ci
	return ci
}

// isCritical: a heavy class, or a critical glob that matches the address
// or the address it moved from, so that a moved block cannot take an
// object out of its glob in the plan that destroys it.
func (s *scorer) isCritical(addr string, ci classInfo) bool {
	if ci.weight >= criticalWeight {
		return true
	}
	from := s.movedFrom[addr]
	for _, g := range s.pol.Critical {
		if g.Match(addr) || (from != "" && g.Match(from)) {
			return true
		}
	}
	return false
}

// ignored finds the first live ignore rule that covers an address and a
// finding rule or change kind. A rule naming a kind covers only changes, a
// rule naming a rule only findings, a rule with only an address both.
func (s *scorer) ignored(addr, rule, kind string) (policy.IgnoreRule, bool) {
	for _, r := range s.pol.Ignore {
		if !r.Expires.IsZero() && s.now.After(r.Expires.Add(24*time.Hour)) {
			continue
		}
		// A moved object is ignored only when both its addresses are: a
		// moved block must not carry an object into an ignore glob.
		if r.Address != nil && (!r.Address.Match(addr) || (s.movedFrom[addr] != "" && !r.Address.Match(s.movedFrom[addr]))) {
			continue
		}
		switch {
		case r.Rule != "" && r.Rule != rule:
			continue
		case r.Kind != "" && r.Kind != kind:
			continue
		case r.Rule == "" && r.Kind == "" && r.Address == nil:
			continue
		}
		return r, true
	}
	return policy.IgnoreRule{}, false
}

// accidentalReasons are action reasons that often mean a mistake: a key or
// index moved and Terraform destroys what was meant to stay.
var accidentalReasons = map[string]string{
	"delete_because_each_key":         "its for_each key is gone: often a renamed key that wants a moved block",
	"delete_because_count_index":      "its count index is gone: shrinking count destroys the last instances",
	"delete_because_wrong_repetition": "count and for_each were swapped",
	"delete_because_no_move_target":   "a moved block points at an address with no configuration",
	"delete_because_no_module":        "its module instance is gone: a module key or count changed",
}

// radiusTally counts a destructive change's dependents by how the plan
// treats them, and sums their points before the cap.
type radiusTally struct {
	unchanged, destroyed, changed int
	other                         int // in other stacks' state
	pts                           float64
}

func (s *scorer) judgeChange(pl int, c *plan.Change, rad *graph.Radius, t *radiusTally) ChangeRisk {
	ci := s.classOfChange(c)
	r := ChangeRisk{Plan: pl, Change: c, Class: ci.class.Name, Weight: ci.weight, Critical: s.isCritical(c.Address, ci), Radius: rad}
	add := func(name string, points float64, detail string) {
		points = round1(points)
		if points == 0 {
			return
		}
		r.Factors = append(r.Factors, Factor{Name: name, Points: points, Detail: detail})
		r.Points += points
	}
	weight, weightNote := ci.weight, fmt.Sprintf("weight %.2f (%s, %s)", ci.weight, ci.class.Name, ci.source)
	if r.Critical && weight < 1 {
		weight, weightNote = 1, fmt.Sprintf("weight 1.00 (critical; %s would be %.2f)", ci.class.Name, ci.weight)
	}
	// A destroy never counts less than an update of the same object, even
	// at a weight near 0, so that turning an update into a replace never
	// lowers the score.
	destroy := func(what string, points float64) {
		detail := fmt.Sprintf("%s: %.0f x %s", what, points, weightNote)
		if points*weight < updatePoints {
			detail += fmt.Sprintf(", at least %.0f as an update would be", updatePoints)
		}
		add("kind", math.Max(points*weight, updatePoints), detail)
	}
	switch c.Kind {
	case plan.KindDelete:
		destroy("deleted", destroyPoints)
	case plan.KindReplace:
		destroy("destroyed, then created", destroyPoints)
	case plan.KindReplaceCBD:
		if ci.class.Stateful {
			// Creating first spares the downtime, not the data: the new
			// database or bucket starts empty all the same.
			destroy("created empty, then the old one destroyed with its data", statefulCBDPoints)
		} else {
			destroy("created, then destroyed", cbdPoints)
		}
	case plan.KindUpdate:
		add("kind", updatePoints, "updated in place")
	case plan.KindCreate:
		add("kind", createPoints, "created")
	}
	if !c.Kind.Destructive() {
		r.Points = round1(r.Points)
		return r
	}
	if ci.class.Stateful {
		add("data-loss", dataLossPoints, fmt.Sprintf("%s holds data that is lost with the object", c.Type))
		if len(c.Unprotected) > 0 {
			add("unprotected", unprotectedPoints, "the prior state shows no protection: "+strings.Join(c.Unprotected, ", "))
		}
	}
	if why, ok := accidentalReasons[c.Reason]; ok {
		add("reason", accidentPoints, c.Reason+": "+why)
	}
	size := t.size(rad)
	if size > 0 {
		// A dependent the plan updates or creates is in plain sight and
		// counts half; one it leaves alone may break unseen, and one it
		// destroys too is lost either way: they count in full. So destroying
		// a dependent never lowers the risk of what it depends on.
		pts := t.pts
		changed, destroyed := t.changed, t.destroyed
		var parts []string
		for _, p := range []struct {
			n    int
			what string
			pts  float64
		}{{t.unchanged, "unchanged", unchangedDepPoints}, {destroyed, "destroyed too", unchangedDepPoints}, {changed, "updated or created", changedDepPoints},
			{t.other, "in other stacks", unchangedDepPoints}} {
			if p.n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s x %.1f", p.n, p.what, p.pts))
			}
		}
		noun := "dependents"
		if size == 1 {
			noun = "dependent"
		}
		detail := fmt.Sprintf("%d %s (%s, each times its weight)", size, noun, strings.Join(parts, ", "))
		if pts > radiusCap {
			detail += fmt.Sprintf(", %.1f capped at %.0f", round1(pts), radiusCap)
			pts = radiusCap
		}
		add("blast-radius", pts, detail)
	}
	r.Points = round1(r.Points)
	return r
}

// depWeight is the weight of a dependent instance, node i of g, from its
// address.
func (s *scorer) depWeight(g *graph.Graph, i int32) float64 {
	a, ok := g.Address(i)
	if !ok {
		return s.classOf("").weight
	}
	addr := g.Name(i)
	if a.Mode == "data" {
		// A data source is a read, not infrastructure: what reads it is in
		// the radius on its own account.
		return 0
	}
	ci := s.classOfSub(a.Type, s.subtypes[addr])
	if s.isCritical(addr, ci) {
		return 1
	}
	return ci.weight
}

// size is the number of dependents t counts: the radius's and those in
// other stacks; 0 without a tally.
func (t *radiusTally) size(rad *graph.Radius) int {
	if t == nil {
		return 0
	}
	n := t.other
	if rad != nil {
		n += rad.Size()
	}
	return n
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// tenths is a number of points in whole tenths.
func tenths(f float64) int64 { return int64(math.Round(f * 10)) }
