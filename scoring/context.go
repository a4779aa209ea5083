package scoring

import (
	"fmt"
	"slices"
	"strings"

	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/stacks"
)

// RuleCrossStack names each other stack a destructive change reaches.
const RuleCrossStack = "cross-stack"

// OtherStacks is the part of a destructive change's blast radius in other
// stacks' state (--context): the resources there that hold an identity of
// the destroyed resource or of a member of its radius.
type OtherStacks struct {
	Count  int             // every one, exact
	Listed []OtherResource // the first graph.MaxRadiusListed, by stack, then address
}

// OtherResource is a resource of another stack that refers to what a plan
// destroys. It holds addresses and attribute paths only: the values were
// compared as digests and never kept.
type OtherResource struct {
	Stack   string // as --context names it
	Address string // its address in that stack, with " (deposed KEY)" for a deposed object
	Type    string
	Mode    string     // managed or data
	Refs    []OtherRef // sorted by path, then To
}

// OtherRef is one attribute of an OtherResource that holds the identity of a
// resource of the plan.
type OtherRef struct {
	Path string // e.g. vpc_id, outputs.vpc_id
	To   string // the address in the plan whose identity it holds
}

// planContext is what other stacks hold of one plan's destroyed resources
// and their radii.
type planContext struct {
	res    []OtherResource   // by external id: stack order, then address
	stacks []string          // the stack of each distinct Stack in res, in order
	ext    map[int32][]int32 // node -> external ids referring to it, ascending
}

// linkContext finds, in the context stacks, the resources that refer to
// what each plan destroys or to its radius: one query of identity digests
// over all plans (an owner is a plan's offset plus a node of its graph), so
// the context is read once, whatever the number of plans. Only the
// identities of destroyed resources and of their radius members are asked
// for: a reference to anything else is no part of any radius.
func linkContext(plans []*plan.Plan, graphs []*graph.Graph, ctx []*stacks.Stack) (pcs []*planContext, warnings []string) {
	q := stacks.Query{}
	offsets := make([]int, len(plans)+1)
	for pi, p := range plans {
		g := graphs[pi]
		offsets[pi+1] = offsets[pi] + g.Len()
		wanted := map[int32]bool{}
		for _, i := range graph.UnionRadius(p, g, nil) {
			wanted[i] = true
		}
		for _, c := range p.Changes {
			if i, ok := g.Index(c.Address); ok && c.Kind.Destructive() {
				wanted[i] = true
			}
		}
		for _, c := range p.Changes {
			if i, ok := g.Index(c.Address); ok && wanted[i] {
				for _, d := range c.Identity {
					q.AddDigest(stacks.Digest(d), offsets[pi]+int(i))
				}
			}
		}
	}
	found := stacks.Match(ctx, q, stacks.MatchOptions{})
	pcs = make([]*planContext, len(plans))
	planOf := func(owner int) int {
		pi, _ := slices.BinarySearch(offsets, owner+1)
		return pi - 1
	}
	for _, sl := range found {
		if len(sl.Same) > 0 {
			warnings = append(warnings, fmt.Sprintf("context stack %s holds %s this plan changes, by their own id (its own state, or a second state of the same objects): not counted as dependents",
				sl.Stack, plural(len(sl.Same), "object", "objects")))
		}
		for _, l := range sl.Links {
			byPlan := map[int][]stacks.Ref{}
			for _, r := range l.Refs {
				pi := planOf(r.Owner)
				byPlan[pi] = append(byPlan[pi], stacks.Ref{Path: r.Path, Owner: r.Owner - offsets[pi]})
			}
			for pi, refs := range byPlan {
				pc := pcs[pi]
				if pc == nil {
					pc = &planContext{ext: map[int32][]int32{}}
					pcs[pi] = pc
				}
				addr := l.Address
				if l.Deposed != "" {
					addr += " (deposed " + l.Deposed + ")"
				}
				o := OtherResource{Stack: sl.Stack, Address: addr, Type: l.Type, Mode: l.Mode}
				id := int32(len(pc.res))
				var owners []int32
				for _, r := range refs {
					o.Refs = append(o.Refs, OtherRef{Path: r.Path, To: graphs[pi].Name(int32(r.Owner))})
					owners = append(owners, int32(r.Owner))
				}
				slices.SortFunc(o.Refs, func(a, b OtherRef) int {
					return strings.Compare(a.Path+"\x00"+a.To, b.Path+"\x00"+b.To)
				})
				o.Refs = slices.Compact(o.Refs)
				slices.Sort(owners)
				for _, n := range slices.Compact(owners) {
					pc.ext[n] = append(pc.ext[n], id)
				}
				if k := len(pc.stacks); k == 0 || pc.stacks[k-1] != sl.Stack {
					pc.stacks = append(pc.stacks, sl.Stack)
				}
				pc.res = append(pc.res, o)
			}
		}
	}
	return pcs, warnings
}

// beyondRadii measures what each destructive change of a plan reaches in
// other stacks, with the weight of each resource reached: its class's, as
// for a dependent in the plan, and 0 for a data source (what reads it is
// weighed on its own account). weights[k] is the weight of group k.
func (s *scorer) beyondRadii(p *plan.Plan, g *graph.Graph, pc *planContext) (beyond map[string]graph.Beyond, weights []float64) {
	group := make([]uint16, len(pc.res))
	groupOf := map[float64]uint16{}
	for i, o := range pc.res {
		w := 0.0
		if o.Mode != "data" {
			w = s.classOf(o.Type).weight
		}
		gi, ok := groupOf[w]
		if !ok {
			gi = uint16(len(weights))
			groupOf[w] = gi
			weights = append(weights, w)
		}
		group[i] = gi
	}
	return graph.BeyondRadii(p, g, pc.ext, len(pc.res), group, len(weights)), weights
}

// otherStacks lists what a change reaches in other stacks.
func (pc *planContext) otherStacks(b graph.Beyond) *OtherStacks {
	o := &OtherStacks{Count: b.Num, Listed: make([]OtherResource, 0, len(b.Listed))}
	for _, id := range b.Listed {
		o.Listed = append(o.Listed, pc.res[id])
	}
	return o
}

// maxCrossStackNamed bounds the resources a cross-stack finding names; the
// report's radius lists them all (up to its own bound).
const maxCrossStackNamed = 5

// crossStackFindings names each other stack that holds a reference to what
// the plan destroys or to its radius: one finding per stack. It adds no
// points: the resources it names are counted once, in the blast-radius
// factor of each change that reaches them, which more of them never lowers.
func crossStackFindings(in *ruleInput) []Finding {
	pc := in.other
	if pc == nil {
		return nil
	}
	var out []Finding
	for i := 0; i < len(pc.res); {
		st := pc.res[i].Stack
		j := i
		for j < len(pc.res) && pc.res[j].Stack == st {
			j++
		}
		var named []string
		for _, o := range pc.res[i:min(j, i+maxCrossStackNamed)] {
			// input.vpc_id, output.vpc_id -> terraform_data.vpc: the paths
			// that hold each target's identity.
			var parts []string
			byTarget := map[string][]string{}
			var targets []string
			for _, r := range o.Refs {
				if _, ok := byTarget[r.To]; !ok {
					targets = append(targets, r.To)
				}
				byTarget[r.To] = append(byTarget[r.To], r.Path)
			}
			slices.Sort(targets)
			for _, t := range targets {
				parts = append(parts, strings.Join(byTarget[t], ", ")+" -> "+t)
			}
			named = append(named, fmt.Sprintf("%s (%s)", o.Address, strings.Join(parts, "; ")))
		}
		msg := fmt.Sprintf("stack %s: %s what this plan destroys or its blast radius: %s",
			st, plural(j-i, "resource refers to", "resources refer to"), strings.Join(named, ", "))
		if j-i > maxCrossStackNamed {
			msg += fmt.Sprintf(", and %d more", j-i-maxCrossStackNamed)
		}
		out = append(out, Finding{Message: msg})
		i = j
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// builtGraphs returns graphs with every missing one built: the context is
// matched against all plans at once, before they are scored one by one.
func builtGraphs(plans []*plan.Plan, graphs []*graph.Graph) []*graph.Graph {
	out := make([]*graph.Graph, len(plans))
	copy(out, graphs)
	for i, g := range out {
		if g == nil {
			out[i] = graph.Build(plans[i])
		}
	}
	return out
}

// contextNote says which stacks were read and how many of their resources
// the plans reach, so that a report with no cross-stack finding still shows
// the other stacks were looked at.
func contextNote(ctx []*stacks.Stack, pcs []*planContext) string {
	reached := 0
	for _, pc := range pcs {
		if pc != nil {
			reached += len(pc.res)
		}
	}
	names := make([]string, len(ctx))
	for i, st := range ctx {
		names[i] = st.Name
	}
	if len(names) > 10 {
		names = append(names[:10], fmt.Sprintf("and %d more", len(ctx)-10))
	}
	return fmt.Sprintf("context: %s read (%s); %s what the plan destroys or its blast radius",
		plural(len(ctx), "other stack", "other stacks"), strings.Join(names, ", "), plural(reached, "of their resources refers to", "of their resources refer to"))
}
