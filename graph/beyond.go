package graph

import (
	"math/bits"
	"slices"

	"github.com/blast-dev/blast/plan"
)

// Beyond is what a destructive change reaches past the plan's own stack:
// the external dependents (resources of other stacks' state, numbered by the
// caller) linked to the destroyed resource or to any member of its radius.
type Beyond struct {
	Num    int     // every external dependent, each once
	Listed []int32 // the first MaxRadiusListed of them, ascending
	Groups []int   // how many fall in each group of BeyondRadii's group
}

// BeyondRadii returns, keyed by Change.Key(), what each destructive change
// reaches past the graph: the union of ext[v] over the destroyed node and
// every node of its radius. ext maps a node to its external dependents,
// numbered from 0 to numExt-1; group, when not nil, puts each of them in one
// of groups groups, counted in Beyond.Groups. A change none reaches is left
// out.
//
// It works as Radii does: the strongly connected components of what the
// destroyed resources reach are visited dependents first, and each
// component's set is the union of its members' external dependents and its
// dependents' sets, a bitset over the external numbering. A chain of n
// destroys so costs n times the words of a set, not the n^2 of a walk per
// change, and a set is freed once every component that reads it has. Should
// the live sets outgrow bitsetBudget, each change is walked on its own:
// slower, never larger. The listed ids of all changes together stop at
// MaxRadiusListedTotal; the counts stay exact.
func BeyondRadii(p *plan.Plan, g *Graph, ext map[int32][]int32, numExt int, group []uint16, groups int) map[string]Beyond {
	out := map[string]Beyond{}
	if len(ext) == 0 || numExt == 0 {
		return out
	}
	n := len(g.names)
	isRoot := make([]bool, n)
	var roots []int32
	for ci := range p.Changes {
		c := &p.Changes[ci]
		if i, ok := g.index[c.Address]; ok && c.Kind.Destructive() && !isRoot[i] {
			isRoot[i] = true
			roots = append(roots, i)
		}
	}
	slices.Sort(roots)
	b := beyondLister{left: MaxRadiusListedTotal, groups: groups}
	if group != nil {
		b.masks = make([][]uint64, groups)
		for k := range b.masks {
			b.masks[k] = make([]uint64, (numExt+63)/64)
		}
		for id, gi := range group {
			b.masks[gi][id>>6] |= 1 << (id & 63)
		}
	}
	byNode, ok := beyondSets(g, roots, isRoot, ext, &b)
	if !ok {
		byNode = map[int32]Beyond{}
		var walk radiusWalk
		walk.init(n)
		seen := make([]bool, numExt)
		var set []int32
		for _, r := range roots {
			set = set[:0]
			for _, v := range append([]int32{r}, walk.from(g, r)...) {
				for _, e := range ext[v] {
					if !seen[e] {
						seen[e] = true
						set = append(set, e)
					}
				}
			}
			slices.Sort(set)
			if len(set) > 0 {
				byNode[r] = b.fromIDs(set, group)
			}
			for _, e := range set {
				seen[e] = false
			}
		}
	}
	for ci := range p.Changes {
		c := &p.Changes[ci]
		if !c.Kind.Destructive() {
			continue
		}
		if i, ok := g.index[c.Address]; ok {
			if r, ok := byNode[i]; ok {
				out[c.Key()] = r
			}
		}
	}
	return out
}

// beyondLister turns sets into Beyond values, counting the listed ids
// against MaxRadiusListedTotal.
type beyondLister struct {
	left   int
	groups int
	masks  [][]uint64 // per group, over the external numbering
}

func (b *beyondLister) fromSpan(s span) Beyond {
	r := Beyond{}
	if b.masks != nil {
		r.Groups = make([]int, b.groups)
	}
	for j, word := range s.w {
		r.Num += bits.OnesCount64(word)
		for gi, m := range b.masks {
			r.Groups[gi] += bits.OnesCount64(word & m[s.lo+int32(j)])
		}
	}
	for j, word := range s.w {
		for word != 0 && len(r.Listed) < MaxRadiusListed && b.left > 0 {
			k := int32(bits.TrailingZeros64(word))
			word &= word - 1
			r.Listed = append(r.Listed, (s.lo+int32(j))<<6|k)
			b.left--
		}
	}
	return r
}

func (b *beyondLister) fromIDs(ids []int32, group []uint16) Beyond {
	r := Beyond{Num: len(ids)}
	if group != nil {
		r.Groups = make([]int, b.groups)
		for _, e := range ids {
			r.Groups[group[e]]++
		}
	}
	for _, e := range ids {
		if len(r.Listed) == MaxRadiusListed || b.left == 0 {
			break
		}
		r.Listed = append(r.Listed, e)
		b.left--
	}
	return r
}

// beyondSets computes the external set of every component the roots reach,
// dependents first, and the Beyond of each root as soon as its component's
// set is complete; ok is false when the live sets would pass bitsetBudget.
func beyondSets(g *Graph, roots []int32, isRoot []bool, ext map[int32][]int32, b *beyondLister) (map[int32]Beyond, bool) {
	out := map[int32]Beyond{}
	if len(roots) == 0 {
		return out, true
	}
	scc, order := components(g, roots)
	reads := componentReads(g, scc, order)
	sets := make([]span, len(order))
	live := 0
	for c, members := range order {
		r := spanRange{lo: -1, hi: -1}
		for _, u := range members {
			for _, e := range ext[u] {
				r.grow(e>>6, e>>6+1)
			}
			for _, w := range g.revs[g.revOff[u]:g.revOff[u+1]] {
				if d := scc[w]; d != int32(c) && len(sets[d].w) > 0 {
					r.grow(sets[d].lo, sets[d].hi())
				}
			}
		}
		lo, hi := r.lo, r.hi
		var s span
		if lo >= 0 {
			live += int(hi - lo)
			if live > bitsetBudget {
				return nil, false
			}
			s = span{lo: lo, w: make([]uint64, hi-lo)}
		}
		for _, u := range members {
			for _, e := range ext[u] {
				s.add(e)
			}
			for _, w := range g.revs[g.revOff[u]:g.revOff[u+1]] {
				d := scc[w]
				if d == int32(c) {
					continue
				}
				ds := sets[d]
				s.union(ds)
				if reads[d]--; reads[d] == 0 {
					live -= len(ds.w)
					sets[d] = span{}
				}
			}
		}
		if len(s.w) > 0 {
			for _, u := range members {
				if isRoot[u] {
					out[u] = b.fromSpan(s)
				}
			}
		}
		if reads[c] > 0 {
			sets[c] = s
		} else {
			live -= len(s.w)
		}
	}
	return out, true
}
