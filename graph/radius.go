package graph

import (
	"math/bits"
	"slices"

	"github.com/blast-dev/blast/plan"
)

// Radius is the blast radius of one destructive change: every resource
// instance that transitively depends on it, split into those the plan itself
// changes (creates, updates, deletes or replaces) and those it does not touch
// (no-op, read, forget, or no planned change at all) but that may still break
// at apply or at run time. Both lists are sorted.
//
// The lists hold at most MaxRadiusListed addresses each, the first in sort
// order, and all the radii of a plan together at most MaxRadiusListedTotal,
// while NumChanged and NumUnchanged count them all: a plan of thousands of
// destroys in a chain has a radius that grows with the square of its size,
// and listing it all would let a small file exhaust a CI runner.
type Radius struct {
	Changed      []string `json:"changed"`
	Unchanged    []string `json:"unchanged"`
	NumChanged   int      `json:"-"`
	NumUnchanged int      `json:"-"`
	// Groups counts the dependents in each group of Tally.Group, and Sum
	// adds up their Tally.Value; both are zero without a Tally (see Radii).
	Groups []int   `json:"-"`
	Sum    float64 `json:"-"`
}

// MaxRadiusListed bounds each list of a Radius.
const MaxRadiusListed = 500

// MaxRadiusListedTotal bounds the addresses listed by all the radii of one
// plan together, so that a report stays a small multiple of its input
// however many destructive changes share how many dependents: 19,000
// deletes with the same 500 dependents would otherwise list 9.5 million
// addresses. The lists are filled in the order of the plan's changes; past
// the bound they are empty, while the counts stay exact.
const MaxRadiusListedTotal = 50_000

// RadiusVisitor hears of every dependent of a destructive change, with
// whether the plan changes it, so that a caller can weigh them all without
// the lists: dependent is a node of the graph (Graph.Name).
//
// A visitor costs a call per change and dependent, the sum of the radii:
// for thousands of destroys in a chain, the square of their number. Radii
// with a Tally gives the same sums at a fraction of the cost.
type RadiusVisitor func(c *plan.Change, dependent int32, changed bool)

// Tally says how Radii sums up each radius, per node of the graph (index
// Graph.Len()). Scoring weighs each dependent by its class and by how the
// plan treats it: Group puts it in one of Groups groups (for example
// unchanged, destroyed, changed), counted in Radius.Groups, and Value is
// what it adds to Radius.Sum. Sum adds the dependents' values in their sort
// order, starting from 0, as a RadiusVisitor called for each dependent
// would, so it is the same float64 to the last bit.
type Tally struct {
	Group  []uint16 // nil: no Radius.Groups
	Groups int
	Value  []float64 // nil: Radius.Sum stays 0
}

// Size is the number of instances in the radius.
func (r Radius) Size() int { return r.NumChanged + r.NumUnchanged }

// ChangedNodes reports, per node of g, whether the plan changes it
// (creates, updates, deletes or replaces it): the split of a Radius into
// changed and unchanged, for a caller building a Tally.
func ChangedNodes(p *plan.Plan, g *Graph) []bool {
	changed := make([]bool, len(g.names))
	for _, c := range p.Changes {
		if i, ok := g.index[c.Address]; ok && changes(c.Kind) {
			changed[i] = true
		}
	}
	return changed
}

// changes reports whether kind changes a real object.
func changes(k plan.Kind) bool {
	switch k {
	case plan.KindCreate, plan.KindUpdate, plan.KindDelete, plan.KindReplace, plan.KindReplaceCBD:
		return true
	}
	return false
}

// BlastRadius returns the radius of every destructive change of the plan,
// keyed by Change.Key(), and calls each visitor for every dependent of every
// destructive change, in the plan's order of changes and each radius's sort
// order. g is the plan's graph; nil builds it. The radii are computed
// together, as Radii does.
func BlastRadius(p *plan.Plan, g *Graph, visit ...RadiusVisitor) map[string]Radius {
	return radii(p, g, nil, visit)
}

// Radii returns the radius of every destructive change of the plan, keyed
// by Change.Key(), with the dependents of each summed up as t says (t may be
// nil). g is the plan's graph; nil builds it.
//
// The radii are computed together, not one walk per change: the strongly
// connected components of what the destroyed resources reach are visited in
// reverse topological order, and each component's radius is the union of
// its dependents' radii, a bitset over the reached nodes in sort order. A
// chain of n destroys costs n^2/64 word operations instead of n^2/2 visits,
// and destroys that share their dependents share the work. Components that
// no destroyed resource needs any more are freed as the walk goes. Should
// the bitsets outgrow a fixed budget (a wide, dense graph of thousands of
// destroys), each change is walked on its own instead: slower, never larger.
func Radii(p *plan.Plan, g *Graph, t *Tally) map[string]Radius {
	return radii(p, g, t, nil)
}

// UnionRadius returns, sorted, the nodes in the radius of any destructive
// change that include accepts (nil: every one), in time linear in what they
// reach, however many the changes.
func UnionRadius(p *plan.Plan, g *Graph, include func(*plan.Change) bool) []int32 {
	if g == nil {
		g = Build(p)
	}
	n := len(g.names)
	isRoot := make([]bool, n)
	var roots []int32
	for ci := range p.Changes {
		c := &p.Changes[ci]
		if !c.Kind.Destructive() || (include != nil && !include(c)) {
			continue
		}
		if i, ok := g.index[c.Address]; ok && !isRoot[i] {
			isRoot[i] = true
			roots = append(roots, i)
		}
	}
	slices.Sort(roots)
	// Every node reached is in a radius, except a root that only reaches
	// itself (around a cycle): it is in another's radius only when its
	// component holds another root or is reached from another component.
	scc, order := components(g, roots)
	rootsIn := make([]int, len(order))
	entered := make([]bool, len(order))
	var out []int32
	for c, members := range order {
		for _, u := range members {
			if isRoot[u] {
				rootsIn[c]++
			} else {
				out = append(out, u)
			}
			for _, w := range g.revs[g.revOff[u]:g.revOff[u+1]] {
				if scc[w] != int32(c) {
					entered[scc[w]] = true
				}
			}
		}
	}
	for _, r := range roots {
		if c := scc[r]; rootsIn[c] > 1 || entered[c] {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out
}

// bitsetBudget bounds the words the bitsets of Radii hold at once (128 MB);
// tests lower it to exercise the fallback.
var bitsetBudget = 1 << 24

// span is a set of reached nodes: bit k of w[j] is compact index
// (lo+j)*64+k. Radii stay narrow in sort order (a module instance's
// resources sort together), so a span covers only the words between its
// first and last member.
type span struct {
	lo int32
	w  []uint64
}

func (s span) hi() int32 { return s.lo + int32(len(s.w)) }

// add puts compact index k, which s covers, in s.
func (s span) add(k int32) { s.w[k>>6-s.lo] |= 1 << (k & 63) }

// union adds every member of o, whose words s covers, to s.
func (s span) union(o span) {
	for j, word := range o.w {
		s.w[o.lo-s.lo+int32(j)] |= word
	}
}

// spanRange is the range of words a span must cover, grown one range at a
// time before the span is allocated once; lo is -1 while it is empty.
type spanRange struct{ lo, hi int32 }

func (r *spanRange) grow(lo, hi int32) {
	if r.lo < 0 || lo < r.lo {
		r.lo = lo
	}
	if hi > r.hi {
		r.hi = hi
	}
}

// componentReads counts, for each component of order, the edges from other
// components that will read its set: a set is freed once all have read it.
func componentReads(g *Graph, scc []int32, order [][]int32) []int32 {
	reads := make([]int32, len(order))
	for c, members := range order {
		for _, u := range members {
			for _, w := range g.revs[g.revOff[u]:g.revOff[u+1]] {
				if scc[w] != int32(c) {
					reads[scc[w]]++
				}
			}
		}
	}
	return reads
}

func (s span) has(c int32) bool {
	j := c>>6 - s.lo
	return j >= 0 && int(j) < len(s.w) && s.w[j]&(1<<(c&63)) != 0
}

func radii(p *plan.Plan, g *Graph, t *Tally, visit []RadiusVisitor) map[string]Radius {
	if g == nil {
		g = Build(p)
	}
	n := len(g.names)
	changed := ChangedNodes(p, g)
	var roots []int32
	isRoot := make([]bool, n)
	for ci := range p.Changes {
		c := &p.Changes[ci]
		i, ok := g.index[c.Address]
		if !ok {
			continue
		}
		if c.Kind.Destructive() && !isRoot[i] {
			isRoot[i] = true
			roots = append(roots, i)
		}
	}
	slices.Sort(roots)
	sets, comp, ok := rootSets(g, roots, isRoot)
	var walk radiusWalk
	var m masks
	if ok {
		m = newMasks(comp, changed, t)
	} else {
		walk.init(n)
	}
	r := &radiusLister{g: g, changed: changed, t: t, left: MaxRadiusListedTotal}
	out := map[string]Radius{}
	byNode := map[int32]Radius{}
	for ci := range p.Changes {
		c := &p.Changes[ci]
		if !c.Kind.Destructive() {
			continue
		}
		root, ok := g.index[c.Address]
		if !ok {
			out[c.Key()] = Radius{Changed: []string{}, Unchanged: []string{}}
			continue
		}
		if rad, ok := byNode[root]; ok && len(visit) == 0 {
			out[c.Key()] = rad
			continue
		}
		var rad Radius
		if sets != nil {
			rad = r.fromSpan(c, root, sets[root], comp, m, visit)
		} else {
			rad = r.fromNodes(c, walk.from(g, root), visit)
		}
		byNode[root] = rad
		out[c.Key()] = rad
	}
	return out
}

// radiusLister turns a radius into a Radius, counting the addresses it
// lists against MaxRadiusListedTotal.
type radiusLister struct {
	g       *Graph
	changed []bool
	t       *Tally
	left    int // addresses still allowed in lists
}

func (r *radiusLister) start() Radius {
	rad := Radius{Changed: []string{}, Unchanged: []string{}}
	if r.t != nil && r.t.Group != nil {
		rad.Groups = make([]int, r.t.Groups)
	}
	return rad
}

// add counts dependent w; every dependent comes in sort order.
func (r *radiusLister) add(rad *Radius, c *plan.Change, w int32, visit []RadiusVisitor) {
	for _, v := range visit {
		v(c, w, r.changed[w])
	}
	if t := r.t; t != nil {
		if t.Group != nil {
			rad.Groups[t.Group[w]]++
		}
		if t.Value != nil {
			rad.Sum += t.Value[w]
		}
	}
	if r.changed[w] {
		rad.NumChanged++
		if len(rad.Changed) < MaxRadiusListed && r.left > 0 {
			rad.Changed = append(rad.Changed, r.g.names[w])
			r.left--
		}
	} else {
		rad.NumUnchanged++
		if len(rad.Unchanged) < MaxRadiusListed && r.left > 0 {
			rad.Unchanged = append(rad.Unchanged, r.g.names[w])
			r.left--
		}
	}
}

// masks are the bitsets, over the compact indexes of the reached nodes,
// that let fromSpan count a radius 64 dependents at a time.
type masks struct {
	changed []uint64
	groups  [][]uint64 // per Tally group
}

func newMasks(comp compact, changed []bool, t *Tally) masks {
	words := (len(comp.nodes) + 63) / 64
	m := masks{changed: make([]uint64, words)}
	if t != nil && t.Group != nil {
		m.groups = make([][]uint64, t.Groups)
		for k := range m.groups {
			m.groups[k] = make([]uint64, words)
		}
	}
	for ci, v := range comp.nodes {
		bit := uint64(1) << (ci & 63)
		if changed[v] {
			m.changed[ci>>6] |= bit
		}
		if m.groups != nil {
			m.groups[t.Group[v]][ci>>6] |= bit
		}
	}
	return m
}

// fromSpan reads the radius of root from its component's set; a root in a
// cycle reaches itself, and is left out of its own radius. Counts and groups
// take a few word operations per 64 dependents; the lists stop at their
// bounds; only the visitors and Tally.Value take a step per dependent.
func (r *radiusLister) fromSpan(c *plan.Change, root int32, s span, comp compact, m masks, visit []RadiusVisitor) Radius {
	rad := r.start()
	self := comp.index[root]
	selfIn := s.has(self)
	for j, word := range s.w {
		k := s.lo + int32(j)
		ch := bits.OnesCount64(word & m.changed[k])
		rad.NumChanged += ch
		rad.NumUnchanged += bits.OnesCount64(word) - ch
		for g, gm := range m.groups {
			rad.Groups[g] += bits.OnesCount64(word & gm[k])
		}
	}
	if selfIn {
		if r.changed[root] {
			rad.NumChanged--
		} else {
			rad.NumUnchanged--
		}
		if m.groups != nil {
			rad.Groups[r.t.Group[root]]--
		}
	}
	perDependent := len(visit) > 0 || (r.t != nil && r.t.Value != nil)
	wantLists := min(rad.NumChanged, MaxRadiusListed)+min(rad.NumUnchanged, MaxRadiusListed) > 0 && r.left > 0
	if !perDependent && !wantLists {
		return rad
	}
	for j, word := range s.w {
		for word != 0 {
			k := int32(bits.TrailingZeros64(word))
			word &= word - 1
			ci := (s.lo+int32(j))<<6 | k
			if ci == self {
				continue
			}
			w := comp.nodes[ci]
			for _, v := range visit {
				v(c, w, r.changed[w])
			}
			if r.t != nil && r.t.Value != nil {
				rad.Sum += r.t.Value[w]
			}
			if !wantLists {
				continue
			}
			if r.changed[w] {
				if len(rad.Changed) < MaxRadiusListed && r.left > 0 {
					rad.Changed = append(rad.Changed, r.g.names[w])
					r.left--
				}
			} else if len(rad.Unchanged) < MaxRadiusListed && r.left > 0 {
				rad.Unchanged = append(rad.Unchanged, r.g.names[w])
				r.left--
			}
			if r.left == 0 || (len(rad.Changed) == min(rad.NumChanged, MaxRadiusListed) &&
				len(rad.Unchanged) == min(rad.NumUnchanged, MaxRadiusListed)) {
				wantLists = false
				if !perDependent {
					return rad
				}
			}
		}
	}
	return rad
}

func (r *radiusLister) fromNodes(c *plan.Change, found []int32, visit []RadiusVisitor) Radius {
	rad := r.start()
	for _, w := range found {
		r.add(&rad, c, w, visit)
	}
	return rad
}

// radiusWalk is the fallback: one reverse walk per root.
type radiusWalk struct {
	seen         []int32
	stamp        int32
	queue, found []int32
}

func (w *radiusWalk) init(n int) { w.seen = make([]int32, n) }

// from returns the dependents of root, sorted; the slice is reused.
func (w *radiusWalk) from(g *Graph, root int32) []int32 {
	w.stamp++
	w.seen[root] = w.stamp
	w.queue = append(w.queue[:0], root)
	w.found = w.found[:0]
	for len(w.queue) > 0 {
		v := w.queue[len(w.queue)-1]
		w.queue = w.queue[:len(w.queue)-1]
		for _, x := range g.revs[g.revOff[v]:g.revOff[v+1]] {
			if w.seen[x] != w.stamp {
				w.seen[x] = w.stamp
				w.queue = append(w.queue, x)
				w.found = append(w.found, x)
			}
		}
	}
	slices.Sort(w.found)
	return w.found
}

// compact numbers the nodes reached from the roots in sort order, so that
// a bitset's members come out sorted.
type compact struct {
	index []int32 // node -> compact index, -1 when not reached
	nodes []int32 // compact index -> node
}

// rootSets computes, for every root, the set of what reaches it through
// reverse edges (its component's set), keyed by node; ok is false when the
// bitsets would pass bitsetBudget.
func rootSets(g *Graph, roots []int32, isRoot []bool) (sets map[int32]span, comp compact, ok bool) {
	if len(roots) == 0 {
		return map[int32]span{}, comp, true
	}
	n := len(g.names)
	scc, order := components(g, roots)
	// Compact indexes over the reached nodes, in node (sort) order.
	comp.index = make([]int32, n)
	for i := range comp.index {
		comp.index[i] = -1
	}
	for _, members := range order {
		comp.nodes = append(comp.nodes, members...)
	}
	slices.Sort(comp.nodes)
	for k, v := range comp.nodes {
		comp.index[v] = int32(k)
	}
	// keep[c]: c holds a root, whose set is read at the end.
	reads := componentReads(g, scc, order)
	keep := make([]bool, len(order))
	for c, members := range order {
		for _, u := range members {
			keep[c] = keep[c] || isRoot[u]
		}
	}
	compSets := make([]span, len(order))
	live := 0
	for c, members := range order {
		// The span's range first, then one allocation.
		r := spanRange{lo: -1, hi: -1}
		for _, u := range members {
			for _, w := range g.revs[g.revOff[u]:g.revOff[u+1]] {
				cw := comp.index[w]
				r.grow(cw>>6, cw>>6+1)
				if d := scc[w]; d != int32(c) && len(compSets[d].w) > 0 {
					r.grow(compSets[d].lo, compSets[d].hi())
				}
			}
		}
		lo, hi := r.lo, r.hi
		if lo < 0 {
			continue // nothing depends on this component
		}
		live += int(hi - lo)
		if live > bitsetBudget {
			return nil, comp, false
		}
		s := span{lo: lo, w: make([]uint64, hi-lo)}
		for _, u := range members {
			for _, w := range g.revs[g.revOff[u]:g.revOff[u+1]] {
				s.add(comp.index[w])
				d := scc[w]
				if d == int32(c) {
					continue
				}
				ds := compSets[d]
				s.union(ds)
				if reads[d]--; reads[d] == 0 && !keep[d] {
					live -= len(ds.w)
					compSets[d] = span{}
				}
			}
		}
		compSets[c] = s
	}
	sets = make(map[int32]span, len(roots))
	for _, r := range roots {
		sets[r] = compSets[scc[r]]
	}
	return sets, comp, true
}

// components finds the strongly connected components of what the roots
// reach through reverse edges (Tarjan's algorithm, without recursion, so a
// chain of any length cannot exhaust the stack). scc maps a node to its
// component; order lists the components' members, each component after
// every component that depends on it (reverse topological order of the
// reverse edges), which is the order their sets can be built in.
func components(g *Graph, roots []int32) (scc []int32, order [][]int32) {
	n := len(g.names)
	index := make([]int32, n) // discovery number + 1; 0: not visited
	low := make([]int32, n)
	scc = make([]int32, n)
	onStack := make([]bool, n)
	var stack []int32
	type frame struct {
		v    int32
		next int32 // next reverse edge of v to follow
	}
	var frames []frame
	var counter int32
	for _, r := range roots {
		if index[r] != 0 {
			continue
		}
		frames = append(frames, frame{r, g.revOff[r]})
		counter++
		index[r], low[r] = counter, counter
		stack = append(stack, r)
		onStack[r] = true
		for len(frames) > 0 {
			f := &frames[len(frames)-1]
			v := f.v
			descended := false
			for f.next < g.revOff[v+1] {
				w := g.revs[f.next]
				f.next++
				if index[w] == 0 {
					counter++
					index[w], low[w] = counter, counter
					stack = append(stack, w)
					onStack[w] = true
					frames = append(frames, frame{w, g.revOff[w]})
					descended = true
					break
				}
				if onStack[w] && index[w] < low[v] {
					low[v] = index[w]
				}
			}
			if descended {
				continue
			}
			if low[v] == index[v] {
				k := len(stack) - 1
				for stack[k] != v {
					k--
				}
				members := slices.Clone(stack[k:])
				for _, m := range members {
					onStack[m] = false
					scc[m] = int32(len(order))
				}
				order = append(order, members)
				stack = stack[:k]
			}
			frames = frames[:len(frames)-1]
			if len(frames) > 0 {
				if p := frames[len(frames)-1].v; low[v] < low[p] {
					low[p] = low[v]
				}
			}
		}
	}
	return scc, order
}
