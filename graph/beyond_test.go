package graph

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBeyondMatchesNaive checks BeyondRadii, bitsets and fallback alike,
// against its definition: the union of the external dependents of the
// destroyed node and of every node of its radius, on random graphs with and
// without cycles.
func TestBeyondMatchesNaive(t *testing.T) {
	for _, budget := range []int{1 << 24, 0} {
		for seed := range uint64(40) {
			r := rand.New(rand.NewPCG(seed, 11))
			p := randomPlan(r, 5+r.IntN(300), seed%2 == 1)
			g := Build(p)
			numExt := 1 + r.IntN(500)
			ext := map[int32][]int32{}
			for range r.IntN(g.Len() + 1) {
				v := int32(r.IntN(g.Len()))
				ext[v] = append(ext[v], int32(r.IntN(numExt)))
			}
			for v, es := range ext {
				slices.Sort(es)
				ext[v] = slices.Compact(es)
			}
			group := make([]uint16, numExt)
			for i := range group {
				group[i] = uint16(i % 3)
			}
			saved := bitsetBudget
			bitsetBudget = budget
			got := BeyondRadii(p, g, ext, numExt, group, 3)
			bitsetBudget = saved
			for _, c := range p.Changes {
				if !c.Kind.Destructive() {
					continue
				}
				var want []int32
				for _, a := range append([]string{c.Address}, naiveRadius(g, c.Address)...) {
					i, _ := g.Index(a)
					want = append(want, ext[i]...)
				}
				slices.Sort(want)
				want = slices.Compact(want)
				b, ok := got[c.Key()]
				if len(want) == 0 {
					if ok {
						t.Fatalf("budget %d seed %d %s: %d external dependents, want none", budget, seed, c.Key(), b.Num)
					}
					continue
				}
				wantGroups := make([]int, 3)
				for _, e := range want {
					wantGroups[group[e]]++
				}
				if b.Num != len(want) || !slices.Equal(b.Groups, wantGroups) || !slices.Equal(b.Listed, want[:len(b.Listed)]) {
					t.Fatalf("budget %d seed %d %s: got %d %v %v, want %d %v %v", budget, seed, c.Key(), b.Num, b.Groups, b.Listed, len(want), wantGroups, want)
				}
				if len(b.Listed) != min(len(want), MaxRadiusListed) {
					t.Fatalf("budget %d seed %d %s: %d listed of %d", budget, seed, c.Key(), len(b.Listed), len(want))
				}
			}
		}
	}
}

// TestBeyondChain: a chain of 16,000 deletes, each with its own external
// dependent, reaches 16,000 - i of them from delete i: counted exactly, in
// time linear in the chain times a set's words.
func TestBeyondChain(t *testing.T) {
	const n = 16000
	p := chainPlan(n)
	g := Build(p)
	ext := map[int32][]int32{}
	for i := range n {
		v, _ := g.Index(p.Changes[i].Address)
		ext[v] = []int32{int32(i)}
	}
	got := BeyondRadii(p, g, ext, n, nil, 0)
	listed := 0
	for i, c := range p.Changes {
		b := got[c.Key()]
		if b.Num != n-i {
			t.Fatalf("%s: %d external dependents, want %d", c.Key(), b.Num, n-i)
		}
		listed += len(b.Listed)
	}
	if listed != MaxRadiusListedTotal {
		t.Fatalf("%d listed in all, want %d", listed, MaxRadiusListedTotal)
	}
}
