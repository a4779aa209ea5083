package report

import "github.com/blast-dev/blast/scoring"

// otherStacks is the report's form of what a change reaches in other
// stacks; nil when it reaches nothing there.
func otherStacks(o *scoring.OtherStacks) *OtherStacks {
	if o == nil {
		return nil
	}
	out := &OtherStacks{Count: o.Count, Resources: []OtherResource{}}
	for _, r := range o.Listed {
		res := OtherResource{Stack: r.Stack, Address: r.Address, Type: r.Type, Refs: []OtherRef{}}
		for _, ref := range r.Refs {
			res.Refs = append(res.Refs, OtherRef(ref))
		}
		out.Resources = append(out.Resources, res)
	}
	return out
}

// otherCount is how many resources of other stacks a radius holds.
func (r *Radius) otherCount() int {
	if r == nil || r.OtherStacks == nil {
		return 0
	}
	return r.OtherStacks.Count
}

// otherLabels names the listed resources of other stacks, STACK: ADDRESS.
func (r *Radius) otherLabels() []string {
	if r == nil || r.OtherStacks == nil {
		return nil
	}
	var out []string
	for _, o := range r.OtherStacks.Resources {
		out = append(out, o.Label())
	}
	return out
}
