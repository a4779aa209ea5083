package graph

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/blast-dev/blast/plan"
)

// randomPlan is a plan without configuration whose edges are prior_state's
// depends_on: n resources, each depending on a few earlier ones and, with
// cycles, sometimes on later ones (Terraform rejects cycles, a hostile file
// need not). Some are destroyed, some deposed twice.
func randomPlan(r *rand.Rand, n int, cycles bool) *plan.Plan {
	p := &plan.Plan{PriorDependsOn: map[string][]string{}}
	kinds := []plan.Kind{plan.KindNoOp, plan.KindUpdate, plan.KindCreate, plan.KindDelete, plan.KindReplace, plan.KindReplaceCBD, plan.KindRead}
	addr := func(i int) string { return fmt.Sprintf("aws_instance.r%04d", i) }
	for i := range n {
		k := kinds[r.IntN(len(kinds))]
		p.Changes = append(p.Changes, plan.Change{Address: addr(i), Mode: "managed", Type: "aws_instance", Kind: k})
		if k == plan.KindDelete && r.IntN(4) == 0 {
			p.Changes = append(p.Changes, plan.Change{Address: addr(i), Mode: "managed", Type: "aws_instance", Kind: k, Deposed: "d1"})
		}
		for range r.IntN(4) {
			j := r.IntN(n)
			if j < i || cycles {
				p.PriorDependsOn[addr(i)] = append(p.PriorDependsOn[addr(i)], addr(j))
			}
		}
	}
	return p
}

// naiveRadius is the radius by definition: one reverse walk per change.
func naiveRadius(g *Graph, root string) []string {
	seen := map[string]bool{root: true}
	var out []string
	queue := []string{root}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range g.Dependents(v) {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
				queue = append(queue, w)
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestRadiiMatchOneWalkPerChange checks the shared computation, and its
// fallback, against the definition on random graphs with and without
// cycles: lists, counts, the visitor's calls and the tally.
func TestRadiiMatchOneWalkPerChange(t *testing.T) {
	for _, budget := range []int{1 << 24, 0} {
		for seed := range uint64(40) {
			r := rand.New(rand.NewPCG(seed, 7))
			p := randomPlan(r, 5+r.IntN(300), seed%2 == 1)
			g := Build(p)
			changed := map[string]bool{}
			for _, c := range p.Changes {
				changed[c.Address] = changed[c.Address] || changes(c.Kind)
			}
			tally := &Tally{Group: make([]uint16, g.Len()), Groups: 3, Value: make([]float64, g.Len())}
			for i := range tally.Value {
				tally.Group[i] = uint16(i % 3)
				tally.Value[i] = 0.1 * float64(i%7)
			}
			saved := bitsetBudget
			bitsetBudget = budget
			type call struct {
				c       string
				w       int32
				changed bool
			}
			var calls []call
			got := BlastRadius(p, g, func(c *plan.Change, w int32, ch bool) { calls = append(calls, call{c.Key(), w, ch}) })
			tallied := Radii(p, g, tally)
			bitsetBudget = saved
			var want []call
			for ci := range p.Changes {
				c := &p.Changes[ci]
				if !c.Kind.Destructive() {
					if _, ok := got[c.Key()]; ok {
						t.Errorf("seed %d: %s is not destructive but has a radius", seed, c.Key())
					}
					continue
				}
				all := naiveRadius(g, c.Address)
				var wc, wu []string
				groups := make([]int, 3)
				sum := 0.0
				for _, a := range all {
					i := g.index[a]
					want = append(want, call{c.Key(), i, changed[a]})
					groups[i%3]++
					sum += 0.1 * float64(i%7)
					if changed[a] {
						wc = append(wc, a)
					} else {
						wu = append(wu, a)
					}
				}
				rad := got[c.Key()]
				if !slices.Equal(rad.Changed, nonNilS(wc)) || !slices.Equal(rad.Unchanged, nonNilS(wu)) ||
					rad.NumChanged != len(wc) || rad.NumUnchanged != len(wu) {
					t.Fatalf("budget %d seed %d %s: got %d/%d %q %q, want %q %q", budget, seed, c.Key(),
						rad.NumChanged, rad.NumUnchanged, rad.Changed, rad.Unchanged, wc, wu)
				}
				tr := tallied[c.Key()]
				if !slices.Equal(tr.Groups, groups) || tr.Sum != sum {
					t.Fatalf("budget %d seed %d %s: tally %v %v, want %v %v", budget, seed, c.Key(), tr.Groups, tr.Sum, groups, sum)
				}
			}
			if !slices.Equal(calls, want) {
				t.Fatalf("budget %d seed %d: visitor calls differ: %d, want %d", budget, seed, len(calls), len(want))
			}
		}
	}
}

func nonNilS(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// chainPlan is n deletes, each read by the next.
func chainPlan(n int) *plan.Plan {
	p := &plan.Plan{PriorDependsOn: map[string][]string{}}
	for i := range n {
		a := fmt.Sprintf("aws_ssm_parameter.p%05d", i)
		p.Changes = append(p.Changes, plan.Change{Address: a, Mode: "managed", Type: "aws_ssm_parameter", Kind: plan.KindDelete})
		if i > 0 {
			p.PriorDependsOn[a] = []string{fmt.Sprintf("aws_ssm_parameter.p%05d", i-1)}
		}
	}
	return p
}

// TestRadiusListsStopAtTheTotal: a chain of 2,000 deletes has radii of
// 1,999,000 addresses in all; the lists hold MaxRadiusListedTotal of them,
// filled in the plan's order, and the counts stay exact.
func TestRadiusListsStopAtTheTotal(t *testing.T) {
	const n = 2000
	p := chainPlan(n)
	got := BlastRadius(p, nil)
	listed := 0
	for i, c := range p.Changes {
		r := got[c.Key()]
		if r.NumChanged != n-1-i || r.NumUnchanged != 0 {
			t.Fatalf("%s: %d changed, %d unchanged; want %d, 0", c.Key(), r.NumChanged, r.NumUnchanged, n-1-i)
		}
		want := min(MaxRadiusListed, n-1-i, max(0, MaxRadiusListedTotal-listed))
		if len(r.Changed) != want {
			t.Fatalf("%s: %d listed, want %d", c.Key(), len(r.Changed), want)
		}
		listed += len(r.Changed)
	}
	if listed != MaxRadiusListedTotal {
		t.Errorf("%d listed in all, want %d", listed, MaxRadiusListedTotal)
	}
}

func TestUnionRadius(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 9))
		p := randomPlan(r, 5+r.IntN(200), seed%2 == 1)
		g := Build(p)
		managedOnly := func(c *plan.Change) bool { return c.Deposed == "" && c.Address < "aws_instance.r0100" }
		want := map[int32]bool{}
		for ci := range p.Changes {
			c := &p.Changes[ci]
			if c.Kind.Destructive() && managedOnly(c) {
				for _, a := range naiveRadius(g, c.Address) {
					want[g.index[a]] = true
				}
			}
		}
		got := UnionRadius(p, g, managedOnly)
		if len(got) != len(want) || !slices.IsSorted(got) {
			t.Fatalf("seed %d: %d nodes, want %d (sorted %v)", seed, len(got), len(want), slices.IsSorted(got))
		}
		for _, i := range got {
			if !want[i] {
				t.Fatalf("seed %d: %s is in no radius", seed, g.Name(i))
			}
		}
	}
}

// BenchmarkChainRadius: every delete of a chain of 16,000, its radius the
// rest of it; with groups only (word operations) and with a value summed
// per dependent.
func BenchmarkChainRadius(b *testing.B) {
	p := chainPlan(16000)
	g := Build(p)
	for _, sum := range []bool{false, true} {
		tally := &Tally{Group: make([]uint16, g.Len()), Groups: 3}
		if sum {
			tally.Value = make([]float64, g.Len())
		}
		b.Run(fmt.Sprintf("sum=%v", sum), func(b *testing.B) {
			for b.Loop() {
				Radii(p, g, tally)
			}
		})
	}
}
