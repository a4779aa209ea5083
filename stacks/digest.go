package stacks

import (
	"crypto/sha256"
	"unicode/utf8"
)

// Digest stands for a value that could be an identity: the first 16 bytes
// of SHA-256 over a domain prefix and the value. 128 bits keep a false match
// out of reach among millions of values, at half the memory of the full sum.
// A Digest is never printed: a short value's digest could be reversed by
// guessing.
type Digest [16]byte

// The bounds of a Candidate, in bytes of the decoded string.
const (
	MinCandidateLen = 8
	MaxCandidateLen = 1024
)

// digestPrefix separates these digests from every other SHA-256 of the same
// strings (the sign-off digest, rename detection), and versions the scheme.
const digestPrefix = "blast/stacks/v1\x00"

// Candidate reports whether a string value could be an identity worth
// matching: 8 to 1,024 bytes of valid UTF-8. See the package documentation
// for why.
func Candidate(s string) bool {
	return len(s) >= MinCandidateLen && len(s) <= MaxCandidateLen && utf8.ValidString(s)
}

// ValueDigest digests a string value the way context states are digested.
// The plan side must digest with it (or ValueDigestBytes, the same digest)
// the identity values of the resources it destroys (the before value of id,
// arn, self_link ...: see IdentityAttrs) and of their in-stack radius. ok is false, and the digest zero, when the value
// is not a Candidate: it can never match, so it need not be queried.
func ValueDigest(s string) (d Digest, ok bool) {
	if !Candidate(s) {
		return Digest{}, false
	}
	return digestOf(s), true
}

// ValueDigestBytes is ValueDigest of a value held as bytes, without
// converting it to a string or allocating: the plan's decoder digests the
// identity of every change with it, and a context state's decoder every
// string value.
func ValueDigestBytes(v []byte) (d Digest, ok bool) {
	if len(v) < MinCandidateLen || len(v) > MaxCandidateLen || !utf8.Valid(v) {
		return Digest{}, false
	}
	return digestOf(v), true
}

func digestOf[T string | []byte](v T) Digest {
	var buf [len(digestPrefix) + MaxCandidateLen]byte
	n := copy(buf[:], digestPrefix)
	n += copy(buf[n:], v)
	return sum(buf[:n])
}

func sum(b []byte) Digest {
	full := sha256.Sum256(b)
	var d Digest
	copy(d[:], full[:])
	return d
}

// DefaultIdentityAttrs are the top-level attributes that name an object in
// every provider: AWS arn and id, Google self_link and id, Azure id, IAM's
// unique_id. The catalog can add attributes per resource type
// (MatchOptions.IdentityAttrs), such as an endpoint or a DNS name.
var defaultIdentityAttrs = []string{"arn", "id", "self_link", "unique_id"}

// DefaultIdentityAttrs returns the identity attributes used for every type
// unless MatchOptions says otherwise: arn, id, self_link, unique_id.
func DefaultIdentityAttrs(resourceType string) []string {
	return append([]string(nil), defaultIdentityAttrs...)
}
