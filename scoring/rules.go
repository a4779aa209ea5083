package scoring

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
)

// Rule ids of findings: part of the JSON contract. A rule needs no constant
// of its own (its registry entry names it); these exist for the tests and
// the code that refer to a rule by name.
const (
	RuleDataLoss            = "data-loss"
	RuleEnvironmentTeardown = "environment-teardown"
	RuleMovedCandidate      = "moved-candidate"
	RuleTrivialReplace      = "trivial-replace"
	RuleDriftRevert         = "drift-revert"
	RuleIncompleteGraph     = "incomplete-graph"
	RuleCapacityGap         = "capacity-gap"
	RuleRunsCommands        = "runs-commands"
	RuleLeavesManagement    = "leaves-management"
	RuleProtectionRemoved   = "protection-removed"
)

// Rule is a finding rule: what it is called and says, and the function that
// looks for it in one plan. The registry, rules, is the only list of them:
// Assess runs it, a policy's ignore rules may name its ids, and the reports
// (SARIF's rule descriptions, docs/json-report.md) describe the rules from it.
type Rule struct {
	ID       string   // kebab-case, part of the JSON contract
	Severity Severity // of its findings, unless one says otherwise
	Title    string   // one line, no trailing period: SARIF's short description
	Help     string   // what it means and why it matters, in full sentences
	find     func(*ruleInput) []Finding
}

// ruleInput is what a rule sees of one plan.
type ruleInput struct {
	s     *scorer
	p     *plan.Plan
	graph *graph.Graph
	// risks are the judgements of the plan's changes, in plan order,
	// ignored ones included (Ignored says so).
	risks []ChangeRisk
	// inRadius holds every managed instance that depends on a destroyed
	// current object.
	inRadius map[string]bool
	// other is what other stacks' state holds of the plan's destroyed
	// resources and their radii; nil without --context.
	other *planContext
}

// rules is the registry, in the order Assess runs them. Their findings are
// sorted afterwards, so the order changes nothing in a report.
var rules = []Rule{
	{
		ID: RuleDataLoss, Severity: SeverityHigh,
		Title: "Stateful data is destroyed",
		Help:  "A resource that holds data (a database, bucket, volume, queue, key ...) is deleted or replaced; made worse when its prior state shows no deletion protection.",
		find: func(in *ruleInput) []Finding {
			return append(in.s.dataLossFindings(in.risks), in.s.diskLoss(in.p, in.graph, in.risks)...)
		},
	},
	{
		ID: RuleEnvironmentTeardown, Severity: SeverityCritical,
		Title: "Most of an environment is destroyed",
		Help:  "Most of a module, or of the whole configuration, is destroyed or replaced in one plan: the pattern behind long outages.",
		find:  func(in *ruleInput) []Finding { return in.s.teardownFindings(in.p, in.graph, in.risks, in.inRadius) },
	},
	{
		ID: RuleMovedCandidate, Severity: SeverityMedium,
		Title: "A delete and a create look like a rename",
		Help:  "An object is deleted and one of the same type created with much the same settings: a moved block would keep the object.",
		find:  func(in *ruleInput) []Finding { return movedCandidates(in.p) },
	},
	{
		ID: RuleTrivialReplace, Severity: SeverityMedium,
		Title: "A replace forced by an attribute that rarely deserves it",
		Help:  "A name, a tag or a similar attribute forces this object to be destroyed and created again.",
		find:  func(in *ruleInput) []Finding { return trivialReplaces(in.p) },
	},
	{
		ID: RuleDriftRevert, Severity: SeverityLow,
		Title: "The plan reverts a change made outside Terraform",
		Help:  "The object was changed outside Terraform since the last apply and the plan reverts or destroys that change.",
		find:  func(in *ruleInput) []Finding { return driftReverts(in.p) },
	},
	{
		ID: RuleCapacityGap, Severity: SeverityHigh,
		Title: "The only serving capacity of its kind is destroyed before its replacement exists",
		Help: "A node pool or group, scale set, instance group, VM, load balancer, backend or cluster is deleted or replaced destroy-first, " +
			"and nothing of its kind in its module or behind the same load balancer stays to serve during the apply.",
		find: func(in *ruleInput) []Finding { return in.s.capacityGaps(in.p, in.graph, in.risks, in.inRadius) },
	},
	{
		ID: RuleCrossStack, Severity: SeverityHigh,
		Title: "Resources in other stacks refer to what the plan destroys",
		Help: "A resource in another stack's state (--context) holds an identity (id, arn, self_link ...) of a resource the plan destroys, " +
			"or of one in its blast radius, read through terraform_remote_state or copied: that stack breaks or drifts when this plan is applied.",
		find: crossStackFindings,
	},
	{
		ID: RuleRunsCommands, Severity: SeverityHigh,
		Title: "Apply runs commands",
		Help: fmt.Sprintf("A resource with local-exec, remote-exec or file provisioners is created, replaced or destroyed, so apply runs them: "+
			"what they run is not in the plan. The finding adds %.0f points, enough for sign-off; it names the provisioners' types, never their commands.", runsCommandsPoints),
		find: runsCommands,
	},
	{
		ID: RuleLeavesManagement, Severity: SeverityHigh,
		Title: "A critical or stateful resource leaves Terraform's management",
		Help: fmt.Sprintf("A removed block with destroy = false forgets a critical or stateful object: it keeps existing, outside every later plan, "+
			"and can be imported under a type that weighs less. The finding adds %.0f points, enough for sign-off. An import of a stateful type is noted.", leavesManagementPoints),
		find: leavesManagement,
	},
	{
		ID: RuleProtectionRemoved, Severity: SeverityHigh,
		Title: "An update removes a protection or shortens a retention",
		Help: "An in-place update turns deletion protection off, skips the final snapshot, turns force_destroy on, cuts backup retention, " +
			"suspends versioning, shortens an expiry or disables a key: data loss prepared by an update. It weighs like a delete of what it protects.",
		find: protectionRemoved,
	},
	{
		ID: RuleIncompleteGraph, Severity: SeverityCritical,
		Title: "The dependency graph is incomplete",
		Help: fmt.Sprintf("The dependency graph passed %s edges and blast stopped building it, so blast radii may be incomplete. "+
			"What blast could not measure needs a person: the finding adds %.0f points, enough for sign-off.", thousands(graph.MaxEdges), teardownPoints),
		find: incompleteGraph,
	},
}

// Rules returns the finding rules, in the order Assess runs them.
func Rules() []Rule { return append([]Rule(nil), rules...) }

// RuleByID returns the finding rule with an id.
func RuleByID(id string) (Rule, bool) {
	for _, r := range rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// RuleIDs are the ids of the rules, sorted: what a policy's ignore rules may
// name (policy.Load and policy.Parse take them).
func RuleIDs() []string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	sort.Strings(ids)
	return ids
}

// findAll runs every rule on one plan. A rule's findings get its id, the
// plan's index and, when they name none, the rule's severity.
func findAll(pl int, in *ruleInput) []Finding {
	var out []Finding
	for _, r := range rules {
		for _, f := range r.find(in) {
			f.Plan, f.Rule = pl, r.ID
			if f.Severity == "" {
				f.Severity = r.Severity
			}
			out = append(out, f)
		}
	}
	return out
}

// incompleteGraph fails closed: past graph.MaxEdges the radii are cut short.
func incompleteGraph(in *ruleInput) []Finding {
	if !in.graph.Truncated() {
		return nil
	}
	return []Finding{{Points: teardownPoints,
		Message: fmt.Sprintf("the dependency graph passed %d edges and was cut short: blast radii may be incomplete, so the plan needs sign-off", graph.MaxEdges)}}
}

// thousands writes n with a comma every three digits, as the docs do.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
