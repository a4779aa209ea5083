package planjson

import (
	"crypto/sha256"
	"strconv"

	"github.com/blast-dev/blast/plan/planjson/internal/jsonscan"
)

// Walkers over the canonical JSON of values (jsonscan.Canon): what the
// converter learns of a value without decoding it whole.

// unprotectedCanon names the attributes of the canonical before value that
// show the object unprotected (protections in convert.go).
func unprotectedCanon(before []byte) []string {
	vals := decodeMembers(before, func(key []byte) bool {
		for _, p := range protections {
			if string(key) == p.attr {
				return true
			}
		}
		return false
	})
	var out []string
	for _, p := range protections {
		if v, ok := vals[p.attr]; ok && p.unsafe(v) {
			out = append(out, p.attr)
		}
	}
	return out
}

// decodeMembers decodes the members of the canonical object v that want
// picks, as the reference decoder decodes values (numbers as written), and
// only those: the checks of protections, disks and retention read a few
// attributes of objects that may be large. nil when v is no object or none
// is picked; a member that does not decode is left out.
func decodeMembers(v []byte, want func(key []byte) bool) map[string]any {
	if len(v) == 0 || v[0] != '{' {
		return nil
	}
	var vals map[string]any
	jsonscan.CanonMembers(v, func(key, val []byte) {
		if !want(key) {
			return
		}
		var x any
		if decodeJSON(val, &x) == nil {
			if vals == nil {
				vals = map[string]any{}
			}
			vals[string(key)] = x
		}
	})
	return vals
}

// attrDigestsCanon digests the known leaf values of a canonical object by
// attribute path (input.region, tags.team), skipping the parts unknown
// (after_unknown, decoded) marks unknown, in key order (canonical keys are
// sorted); a leaf's digest is that of its canonical bytes, which are what
// json.Marshal writes for it.
func attrDigestsCanon(v []byte, unknown any) map[string]string {
	if len(v) < 3 || v[0] != '{' {
		return nil // not an object, or an empty one
	}
	w := leafWalker{c: v, out: make(map[string]string)}
	w.walk(0, "", unknown)
	if len(w.out) == 0 {
		return nil
	}
	return w.out
}

type leafWalker struct {
	c   []byte
	out map[string]string
	tmp []byte
}

// walk digests the leaves of the value at i and returns its end.
func (w *leafWalker) walk(i int, prefix string, unknown any) int {
	c := w.c
	if len(w.out) >= maxAttrLeaves || c[i] == 'n' || unknown == true {
		return jsonscan.CanonEnd(c, i)
	}
	switch c[i] {
	case '{':
		unk, _ := unknown.(map[string]any)
		i++
		if c[i] == '}' {
			return i + 1
		}
		for {
			key, at := jsonscan.CanonKey(c, i, w.tmp)
			k := string(key)
			i = w.walk(at, joinPath(prefix, k), unk[k])
			if c[i] == '}' {
				return i + 1
			}
			i++
		}
	case '[':
		unk, _ := unknown.([]any)
		i++
		if c[i] == ']' {
			return i + 1
		}
		for n := 0; ; n++ {
			var u any
			if n < len(unk) {
				u = unk[n]
			}
			i = w.walk(i, joinPath(prefix, strconv.Itoa(n)), u)
			if c[i] == ']' {
				return i + 1
			}
			i++
		}
	}
	end := jsonscan.CanonEnd(c, i)
	sum := sha256.Sum256(c[i:end])
	w.out[prefix] = hexString(sum[:8])
	return end
}

// canonMember is the offset of key's value in the canonical object at c[i],
// or -1 when c[i] is no object (i < 0 included) or has no such key.
func canonMember(c []byte, i int, key string) int {
	if i < 0 || i >= len(c) || c[i] != '{' || c[i+1] == '}' {
		return -1
	}
	for j := i + 1; ; {
		k, at := jsonscan.CanonKey(c, j, nil) // a key with escapes, rare, allocates
		if string(k) == key {
			return at
		}
		end := jsonscan.CanonEnd(c, at)
		if c[end] == '}' {
			return -1
		}
		j = end + 1
	}
}

// canonElem is the offset of element n of the canonical array at c[i], or
// -1 when c[i] is no array (i < 0 included) or is shorter.
func canonElem(c []byte, i, n int) int {
	if i < 0 || i >= len(c) || c[i] != '[' || c[i+1] == ']' {
		return -1
	}
	for j, k := i+1, 0; ; k++ {
		if k == n {
			return j
		}
		end := jsonscan.CanonEnd(c, j)
		if c[end] == ']' {
			return -1
		}
		j = end + 1
	}
}
