package planjson

import (
	"encoding/json"
	"slices"

	"github.com/blast-dev/blast/plan/planjson/internal/jsonscan"
	"github.com/blast-dev/blast/stacks"
)

// identityCanon digests the identity attributes of a canonical before
// value: the top-level strings that name the object (stacks.
// DefaultIdentityAttrs), each with stacks.ValueDigest, the digest context
// states are reduced to. Only digests leave this function: a cross-stack link
// is found by comparing them, and the value never reaches the plan model.
//
// Every change with a before object gets them, not only destroyed ones: the
// members of a destroyed resource's radius are updates and no-ops, and what
// other stacks hold of them is in the radius too.
func identityCanon(typ string, before []byte) [][16]byte {
	if len(before) < 3 || before[0] != '{' {
		return nil
	}
	attrs := stacks.DefaultIdentityAttrs(typ)
	var out [][16]byte
	jsonscan.CanonMembers(before, func(key, val []byte) {
		if len(val) == 0 || val[0] != '"' || !isOneOf(key, attrs) {
			return
		}
		var s string
		if json.Unmarshal(val, &s) != nil {
			return
		}
		if d, ok := stacks.ValueDigest(s); ok && !slices.Contains(out, [16]byte(d)) {
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
