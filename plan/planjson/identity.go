package planjson

import (
	"slices"

	"github.com/blast-dev/blast/plan/planjson/internal/jsonscan"
	"github.com/blast-dev/blast/stacks"
)

// identityAttrs are the attributes identityCanon digests. The catalog's
// per-type additions apply to context states only; on the plan side every
// type has the default ones, read once here rather than copied per change.
var identityAttrs = stacks.DefaultIdentityAttrs("")

// identityCanon digests the identity attributes of a canonical before
// value: the top-level strings that name the object (stacks.
// DefaultIdentityAttrs), each with stacks.ValueDigestBytes, the digest
// context states are reduced to. Only digests leave this function: a cross-stack link
// is found by comparing them, and the value never reaches the plan model.
//
// Every change with a before object gets them, not only destroyed ones: the
// members of a destroyed resource's radius are updates and no-ops, and what
// other stacks hold of them is in the radius too. It runs on every change of
// a plan, so it allocates nothing but its result.
func identityCanon(before []byte) [][16]byte {
	if len(before) < 3 || before[0] != '{' {
		return nil
	}
	var out [][16]byte
	var buf [128]byte // most identities fit: no allocation
	scratch := buf[:0]
	jsonscan.CanonMembers(before, func(key, val []byte) {
		if len(val) < 2 || val[0] != '"' || !isOneOf(key, identityAttrs) {
			return
		}
		scratch = jsonscan.AppendUnquoted(scratch[:0], val[1:len(val)-1])
		if d, ok := stacks.ValueDigestBytes(scratch); ok && !slices.Contains(out, [16]byte(d)) {
			out = append(out, d)
		}
	})
	return out
}

// isOneOf reports whether key is one of names, without converting it.
func isOneOf(key []byte, names []string) bool {
	for _, n := range names {
		if string(key) == n {
			return true
		}
	}
	return false
}
