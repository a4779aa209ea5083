package planjson

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson/internal/jsonscan"
)

// What a sign-off binds. A plan file is applied whole: `terraform apply
// PLANFILE` does what its changes say, runs the provisioners of its
// configuration with its variables, writes its outputs, and starts from its
// refreshed state. So the loader digests, without keeping a value, every
// resource change entry whole (plan.Change.EntryHash) and every top-level
// section of the plan but the few in unbound (plan.Plan.Sections); signoff
// hashes those digests together. A digest is SHA-256 of the canonical JSON
// of the value (convert.go): the fast decoder writes it from the plan's
// bytes, the reference decoder marshals the decoded value, and the
// differential tests hold the two to the same digests.
//
// Binding every section but a list, rather than a list of sections, fails
// safe: a key that a future Terraform adds is bound until shown to vary
// between two plans of the same code and state.

// unbound lists the top-level keys the digest leaves out, each with its
// reason; signoff/doc.go repeats them for people.
var unbound = map[string]string{
	// Terraform writes the time of planning: it differs on every run.
	"timestamp": "the time of planning, different on every run",
	// Bound entry by entry, in plan.Change.EntryHash.
	"resource_changes": "bound entry by entry",
	// What changed outside Terraform: apply does not act on it, and the
	// refreshed objects it reports are in prior_state, which is bound.
	"resource_drift": "changes made outside Terraform, which apply does not act on; the refreshed objects are in prior_state",
	// Derived: the after values of resource_changes and output_changes,
	// both bound.
	"planned_values": "derived from resource_changes and output_changes",
}

// Unbound returns the top-level keys of plan JSON that the sign-off digest
// leaves out, with the reason for each.
func Unbound() map[string]string {
	out := make(map[string]string, len(unbound))
	for k, v := range unbound {
		out[k] = v
	}
	return out
}

// bound reports whether the digest binds the top-level key.
func bound(key string) bool {
	_, out := unbound[key]
	return !out
}

// sumHex is the digest of canonical bytes.
func sumHex(canon []byte) string {
	s := sha256.Sum256(canon)
	return hexString(s[:])
}

// marshalCanon is the reference decoder's canonical JSON of raw JSON:
// json.Marshal of what encoding/json decodes, numbers as written.
func marshalCanon(raw []byte) ([]byte, error) {
	var v any
	if err := decodeJSON(raw, &v); err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("a value that does not encode again: %v", err)
	}
	return b, nil
}

// bindReference is the reference decoder's digests of a plan's bound
// sections.
func bindReference(raw []byte) (map[string]string, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, err
	}
	sections := make(map[string]string, len(top))
	for key, val := range top {
		if !bound(key) {
			continue
		}
		c, err := marshalCanon(val)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", key, err)
		}
		sections[key] = sumHex(c)
	}
	return sections, nil
}

// entryHashesReference is the reference decoder's digests of the entries of
// resource_changes, in the plan's order.
func entryHashesReference(raw json.RawMessage) ([]string, error) {
	if !present(raw) {
		return nil, nil
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, err
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		c, err := marshalCanon(e)
		if err != nil {
			return nil, fmt.Errorf("resource_changes[%d]: %v", i, err)
		}
		out[i] = sumHex(c)
	}
	return out, nil
}

// strictDepth is the depth to which rejectDuplicateKeys refuses a repeated
// key below the plan object: the elements of its top-level lists (3) and
// the objects directly in those (4). The canonical forms written for the
// digests give up there too, so that the fast decoder refuses what the
// reference refuses.
const strictDepth = 4

// entryHash is the fast decoder's digest of the resource change entry at
// offset at, nested two levels deep, read again from the plan's bytes.
func (w *worker) entryHash(at int) string {
	w.canonEntry(at)
	return w.dig.digest(w.entry)
}

// canonEntry writes the canonical form of the entry at offset at (of
// resource_changes or resource_drift) into w.entry, giving up on a key
// repeated where rejectDuplicateKeys refuses one.
func (w *worker) canonEntry(at int) {
	w.canon.Reset(w.s.Data, at, 2, strictDepth)
	w.entry = w.canon.Canon(w.entry[:0])
}

// topKey is a top-level key of a plan and the offset of its value.
type topKey struct {
	key string
	at  int
}

// bindSections sets the fast decoder's digests of fp's bound top-level
// sections to work, the large ones first.
func (r *fastRun) bindSections(fp *fastPlan, top []topKey) {
	fp.sections = make(map[string]string, len(top))
	seen := make(map[string]bool, len(top))
	for _, m := range top {
		if seen[m.key] {
			jsonscan.Fail("a repeated key")
		}
		seen[m.key] = true
		if !bound(m.key) {
			continue
		}
		large := m.key == "prior_state" || m.key == "configuration"
		r.spawn(large, func(w *worker) {
			s := &w.canon
			s.Reset(w.s.Data, m.at, 1, strictDepth)
			// Streamed into the hash: a section of tens of megabytes
			// (prior_state, configuration) is never held whole.
			h := sha256.New()
			var err error
			if w.entry, err = s.CanonStream(h, w.entry[:0]); err != nil {
				jsonscan.Fail(err.Error())
			}
			sum := hex.EncodeToString(h.Sum(nil))
			fp.mu.Lock()
			fp.sections[m.key] = sum
			fp.mu.Unlock()
		})
	}
}

// setEntryHashes gives the changes, in the plan's order, their digests.
func setEntryHashes(changes []plan.Change, hashes []string) {
	for i := range changes {
		if i < len(hashes) {
			changes[i].EntryHash = hashes[i]
		}
	}
}
