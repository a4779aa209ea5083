package signoff

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"

	"github.com/blast-dev/blast/plan"
)

// PayloadHeader is the first line of every payload: the name and version of
// the format. A future incompatible format changes the version.
const PayloadHeader = "blast-signoff v1"

// canonicalHeader opens the canonical form that Digest hashes.
const canonicalHeader = "blast-digest v1\n"

// Sum is a plan digest: SHA-256 over the canonical form of what the plans
// will do (see the package documentation).
type Sum [sha256.Size]byte

// String returns the digest as "sha256:" and 64 lower-case hex digits.
func (s Sum) String() string {
	return "sha256:" + hex.EncodeToString(s[:])
}

// Digest returns the digest of what the plans will do. The order of the
// plans and of their changes does not matter; nor do the plans' timestamps,
// tool versions, file names or formatting. Any change to an address, an
// action, a reason, a forced-by path, a move, an import or a before or after
// value gives a different digest.
func Digest(plans []*plan.Plan) Sum {
	sum, _ := canonical(plans)
	return sum
}

// Payload returns the exact bytes a sign-off signs:
//
//	blast-signoff v1
//	digest sha256:<64 hex digits>
//	changes <number of changes that count>
//
// each line ending in a single "\n". `blast digest` prints these bytes, so
// `ssh-keygen -Y sign -n blast-signoff` over them makes a valid sign-off.
func Payload(plans []*plan.Plan) []byte {
	sum, n := canonical(plans)
	return fmt.Appendf(nil, "%s\ndigest %s\nchanges %d\n", PayloadHeader, sum, n)
}

// counts reports whether a change belongs in the digest: every change but a
// plain no-op. A no-op that moves or imports an object changes the state.
func counts(c *plan.Change) bool {
	return c.Kind != plan.KindNoOp || c.MovedFrom != "" || c.Imported
}

// canonical builds the canonical form, hashes it, and returns the digest and
// the number of changes in it.
func canonical(plans []*plan.Plan) (Sum, int) {
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
	slices.SortFunc(records, bytes.Compare)
	h := sha256.New()
	h.Write([]byte(canonicalHeader))
	for _, r := range records {
		h.Write(r)
	}
	var sum Sum
	h.Sum(sum[:0])
	return sum, n
}

// changeLine encodes one change as a netstring of nine netstrings.
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
