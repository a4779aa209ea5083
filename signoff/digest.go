package signoff

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/blast-dev/blast/plan"
)

// PayloadHeader is the first line of every payload: the name and version of
// the format. An incompatible format changes the version; v1 bound only the
// resource changes, v2 binds everything apply does (see the package
// documentation).
const PayloadHeader = "blast-signoff v2"

// The headers of the canonical forms that Digest hashes, by version.
const (
	canonicalHeader   = "blast-digest v2\n"
	canonicalHeaderV1 = "blast-digest v1\n"
	payloadHeaderV1   = "blast-signoff v1"
)

// Sum is a plan digest: SHA-256 over the canonical form of what the plans
// will do (see the package documentation).
type Sum [sha256.Size]byte

// String returns the digest as "sha256:" and 64 lower-case hex digits.
func (s Sum) String() string {
	return "sha256:" + hex.EncodeToString(s[:])
}

// Digest returns the digest of what the plans will do: every field of every
// resource change, and the sections of the plans that apply uses
// (configuration, variables, outputs, prior state, Terraform version ...).
// The order of the plans and of their changes does not matter; nor do the
// plans' timestamps, file names or formatting.
func Digest(plans []*plan.Plan) Sum {
	sum, _ := canonical(plans)
	return sum
}

// Payload returns the exact bytes a sign-off signs:
//
//	blast-signoff v2
//	digest sha256:<64 hex digits>
//	changes <number of changes that count>
//
// each line ending in a single "\n". `blast digest` prints these bytes, so
// `ssh-keygen -Y sign -n blast-signoff` over them makes a valid sign-off.
func Payload(plans []*plan.Plan) []byte {
	sum, n := canonical(plans)
	return fmt.Appendf(nil, "%s\ndigest %s\nchanges %d\n", PayloadHeader, sum, n)
}

// OldPayloads returns the payloads of the plans in the digest formats before
// the current one, oldest first: a sign-off over one of them was made with
// an older blast, for a digest that bound less, and Verify reports it as
// ReasonOldFormat rather than as a sign-off for another plan.
func OldPayloads(plans []*plan.Plan) [][]byte {
	sum, n := canonicalV1(plans)
	return [][]byte{fmt.Appendf(nil, "%s\ndigest %s\nchanges %d\n", payloadHeaderV1, sum, n)}
}

// counts reports whether a change belongs in the digest: every change but a
// plain no-op. A no-op that moves or imports an object changes the state.
func counts(c *plan.Change) bool {
	return c.Kind != plan.KindNoOp || c.MovedFrom != "" || c.Imported
}

// canonical builds the canonical form, version 2, hashes it, and returns
// the digest and the number of changes that count.
func canonical(plans []*plan.Plan) (Sum, int) {
	var records [][]byte
	n := 0
	for _, p := range plans {
		if p == nil {
			continue
		}
		keys := slices.Sorted(maps.Keys(p.Sections))
		var sections []byte
		for _, k := range keys {
			sections = netstring(sections, []byte(k))
			sections = netstring(sections, []byte(p.Sections[k]))
		}
		entries := make([]string, 0, len(p.Changes))
		for i := range p.Changes {
			c := &p.Changes[i]
			entries = append(entries, c.EntryHash)
			if counts(c) {
				n++
			}
		}
		slices.Sort(entries)
		var rec []byte
		rec = netstring(rec, sections)
		rec = netstring(rec, list(entries))
		records = append(records, netstring(nil, rec))
	}
	return hashRecords(canonicalHeader, records), n
}

// canonicalV1 builds the canonical form of version 1, which bound the
// resource changes alone, and returns its digest and the number of changes
// in it. It is kept to recognise sign-offs made in that format.
func canonicalV1(plans []*plan.Plan) (Sum, int) {
	var records [][]byte
	n := 0
	for _, p := range plans {
		if p == nil {
			continue
		}
		var lines [][]byte
		for i := range p.Changes {
			c := &p.Changes[i]
			if counts(c) {
				lines = append(lines, changeLine(c))
			}
		}
		if len(lines) == 0 {
			continue
		}
		n += len(lines)
		slices.SortFunc(lines, bytes.Compare)
		records = append(records, netstring(nil, bytes.Join(lines, nil)))
	}
	return hashRecords(canonicalHeaderV1, records), n
}

// hashRecords hashes the header and the records, sorted by byte value.
func hashRecords(header string, records [][]byte) Sum {
	slices.SortFunc(records, bytes.Compare)
	h := sha256.New()
	h.Write([]byte(header))
	for _, r := range records {
		h.Write(r)
	}
	var sum Sum
	h.Sum(sum[:0])
	return sum
}

// changeLine encodes one change as a netstring of nine netstrings, for
// version 1.
func changeLine(c *plan.Change) []byte {
	forced := slices.Clone(c.ForcedBy)
	slices.Sort(forced)
	imported := "false"
	if c.Imported {
		imported = "true"
	}
	var b []byte
	b = netstring(b, []byte(c.Address))
	b = netstring(b, []byte(c.Deposed))
	b = netstring(b, list(c.Actions))
	b = netstring(b, []byte(c.Reason))
	b = netstring(b, list(forced))
	b = netstring(b, []byte(c.MovedFrom))
	b = netstring(b, []byte(imported))
	b = netstring(b, []byte(c.BeforeHash))
	b = netstring(b, []byte(c.AfterHash))
	return netstring(nil, b)
}

// list encodes a list of strings as the concatenation of their netstrings.
func list(items []string) []byte {
	var b []byte
	for _, s := range items {
		b = netstring(b, []byte(s))
	}
	return b
}

// netstring appends s to b as a netstring: decimal length, ':', bytes, ','.
func netstring(b, s []byte) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	b = append(b, s...)
	return append(b, ',')
}
