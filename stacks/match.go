package stacks

import (
	"slices"
	"sort"
)

// Query holds the identities to look for: each digest maps to the owners it
// stands for, in the caller's own numbering (say, an index into the plan's
// resource instances: a destroyed resource and each member of its in-stack
// radius). One digest can stand for several owners.
type Query map[Digest][]int

// Add digests an identity value for owner. It reports false, adding nothing,
// when the value is not a Candidate and so can never match.
func (q Query) Add(value string, owner int) bool {
	d, ok := ValueDigest(value)
	if ok {
		q.AddDigest(d, owner)
	}
	return ok
}

// AddDigest adds an identity digest made by ValueDigest for owner.
func (q Query) AddDigest(d Digest, owner int) {
	if !slices.Contains(q[d], owner) {
		q[d] = append(q[d], owner)
	}
}

// Ref is one reference: the attribute path that holds an identity of Owner.
type Ref struct {
	Path  string // e.g. vpc_id, outputs.vpc_id, ingress.0.security_groups.1, tags["Name"]
	Owner int
}

// Link is a context resource that holds identities of the query's owners.
type Link struct {
	Address string
	Mode    string // managed or data; a terraform_remote_state data source holds what it read under outputs
	Type    string
	Deposed string
	Refs    []Ref // sorted by path, then owner
}

// Owners returns the distinct owners the link refers to, sorted.
func (l *Link) Owners() []int {
	var out []int
	for _, r := range l.Refs {
		out = append(out, r.Owner)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// StackLinks is what Match found in one context stack.
type StackLinks struct {
	Stack  string
	Source string
	// Links are the resources that refer to an owner: dependents of what the
	// plan destroys, past the plan's own stack. Sorted by address.
	Links []Link
	// Same are resources whose own identity attribute (id, arn ...) equals an
	// owner's: the very objects the plan destroys. A stack with any is the
	// plan's own state given as context, or a second state that manages the
	// same objects; either way they are not dependents. Sorted by address.
	Same []Link
}

// MatchOptions tune Match.
type MatchOptions struct {
	// IdentityAttrs names the top-level attributes that are a resource
	// type's own identity, for telling Same from Links. Nil means
	// DefaultIdentityAttrs; the catalog can extend it per type.
	IdentityAttrs func(resourceType string) []string
}

// Match finds, in every stack, the resources holding a value whose digest is
// in q. It is one pass over the candidate values of all stacks with a lookup
// in q each: linear in the size of the context, whatever the query. The
// result lists only stacks with a link or a same object, in the order given.
func Match(stacks []*Stack, q Query, opts MatchOptions) []StackLinks {
	if len(q) == 0 {
		return nil
	}
	identity := opts.IdentityAttrs
	if identity == nil {
		identity = DefaultIdentityAttrs
	}
	idCache := map[string][]string{}
	isIdentity := func(typ, path string) bool {
		attrs, ok := idCache[typ]
		if !ok {
			attrs = identity(typ)
			idCache[typ] = attrs
		}
		return slices.Contains(attrs, path)
	}
	// A bit per value of a digest's first two bytes, set for the query's
	// digests: digests are uniform, so with a query of a few hundred
	// identities nearly every value of the context is passed over on one
	// bit test, without a map lookup.
	var filter [1 << 16 / 64]uint64
	for d := range q {
		k := uint16(d[0])<<8 | uint16(d[1])
		filter[k>>6] |= 1 << (k & 63)
	}
	var out []StackLinks
	for _, st := range stacks {
		type hit struct {
			res  uint32
			same bool
			ref  Ref
		}
		var hits []hit
		for _, c := range st.leaves {
			for _, lf := range c {
				k := uint16(lf.d[0])<<8 | uint16(lf.d[1])
				if filter[k>>6]&(1<<(k&63)) == 0 {
					continue
				}
				owners, ok := q[lf.d]
				if !ok {
					continue
				}
				r := &st.Resources[lf.res]
				path := st.paths[lf.path]
				same := isIdentity(r.Type, path)
				for _, o := range owners {
					hits = append(hits, hit{res: lf.res, same: same, ref: Ref{Path: path, Owner: o}})
				}
			}
		}
		if len(hits) == 0 {
			continue
		}
		sort.Slice(hits, func(i, j int) bool {
			a, b := hits[i], hits[j]
			if a.res != b.res {
				return a.res < b.res
			}
			if a.ref.Path != b.ref.Path {
				return a.ref.Path < b.ref.Path
			}
			return a.ref.Owner < b.ref.Owner
		})
		sl := StackLinks{Stack: st.Name, Source: st.Source}
		// A resource is the same object when any of its identity
		// attributes matches; all its refs then go with it.
		sameRes := map[uint32]bool{}
		for _, h := range hits {
			if h.same {
				sameRes[h.res] = true
			}
		}
		for i := 0; i < len(hits); {
			res := hits[i].res
			r := st.Resources[res]
			l := Link{Address: r.Address, Mode: r.Mode, Type: r.Type, Deposed: r.Deposed}
			for ; i < len(hits) && hits[i].res == res; i++ {
				if n := len(l.Refs); n > 0 && l.Refs[n-1] == hits[i].ref {
					continue
				}
				l.Refs = append(l.Refs, hits[i].ref)
			}
			if sameRes[res] {
				sl.Same = append(sl.Same, l)
			} else {
				sl.Links = append(sl.Links, l)
			}
		}
		out = append(out, sl)
	}
	return out
}
