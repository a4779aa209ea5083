package stacks

import "testing"

// The plan digests identities as bytes and context states digest them as
// strings: the two must agree, candidates or not, or no link is ever found.
func TestValueDigestBytesIsValueDigest(t *testing.T) {
	for _, v := range []string{
		"", "short", "exactly8", "i-0123456789abcdef0", "arn:aws:s3:::bucket/ключ",
		string(make([]byte, MaxCandidateLen)), string(make([]byte, MaxCandidateLen+1)), "bad utf-8 \xff here",
	} {
		want, wantOK := ValueDigest(v)
		got, gotOK := ValueDigestBytes([]byte(v))
		if got != want || gotOK != wantOK {
			t.Errorf("%q: ValueDigestBytes = %x, %v; ValueDigest = %x, %v", v, got, gotOK, want, wantOK)
		}
		if wantOK != Candidate(v) {
			t.Errorf("%q: a digest (%v) for a candidate (%v)", v, wantOK, Candidate(v))
		}
	}
}
