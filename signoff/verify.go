package signoff

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// MaxSignatureBytes bounds the size of one .sig file. A real one is about
// 300 bytes (ed25519) to 2 KiB (RSA 4096).
const MaxSignatureBytes = 64 << 10

// Reason says why a sign-off counts or does not. Its value is a stable id
// for machine-readable reports; Text gives the words for people.
type Reason string

// The reasons, in the order Verify checks them.
const (
	ReasonMalformed       Reason = "malformed"        // not an SSHSIG signature
	ReasonWrongNamespace  Reason = "wrong-namespace"  // made for another purpose, or key not allowed for sign-offs
	ReasonUnknownKey      Reason = "unknown-key"      // key not in allowed_signers
	ReasonWrongPlan       Reason = "wrong-plan"       // does not verify for this plan's payload
	ReasonOldFormat       Reason = "old-format"       // made for this plan, in an older digest format
	ReasonExpiredKey      Reason = "expired-key"      // outside valid-after/valid-before
	ReasonSelfApproval    Reason = "self-approval"    // signed by the author of the change
	ReasonNotASenior      Reason = "not-a-senior"     // principal is not a senior
	ReasonDuplicateSigner Reason = "duplicate-signer" // principal already counted
	ReasonAuthorUnknown   Reason = "author-unknown"   // the change's authors are unknown, so self-approval cannot be ruled out
	ReasonOK              Reason = "ok"               // counts
)

var reasonText = map[Reason]string{
	ReasonOK:              "valid sign-off",
	ReasonWrongPlan:       "signed for a different plan",
	ReasonOldFormat:       "signed for an older digest format",
	ReasonUnknownKey:      "key not in allowed signers",
	ReasonNotASenior:      "signer is not a senior",
	ReasonWrongNamespace:  "wrong namespace",
	ReasonSelfApproval:    "the author cannot approve their own change",
	ReasonExpiredKey:      "key outside its validity window",
	ReasonMalformed:       "not a valid SSH signature file",
	ReasonDuplicateSigner: "signer already counted",
	ReasonAuthorUnknown:   "the change's authors are unknown",
}

// Text returns the reason in a few words, for people.
func (r Reason) Text() string {
	if t, ok := reasonText[r]; ok {
		return t
	}
	return string(r)
}

// SignOff is the verdict on one .sig file.
type SignOff struct {
	File           string // base name of the .sig file
	Principal      string // principals of the matching allowed_signers line; "" when the key is unknown
	KeyFingerprint string // SHA256:... of the signing key; "" when the file is malformed
	Valid          bool   // the sign-off counts: Reason is ReasonOK
	Reason         Reason
	Detail         string // one sentence on this file, for people; never a secret
}

// Result is the verdict on a directory of sign-offs.
type Result struct {
	SignOffs  []SignOff // one per .sig file, sorted by file name
	Approvers []string  // distinct principals whose sign-offs count, sorted
}

// Count returns the number of distinct principals whose sign-offs count.
func (r *Result) Count() int { return len(r.Approvers) }

// VerifyOptions are the inputs of Verify.
type VerifyOptions struct {
	// Payload is what a valid sign-off signs: Payload(plans) of the plans
	// being checked.
	Payload []byte
	// OldPayloads are the payloads of the same plans in older digest
	// formats, OldPayloads(plans): a signature over one of them is
	// ReasonOldFormat, not ReasonWrongPlan. nil: no such check.
	OldPayloads [][]byte
	// Dir holds the sign-offs: every file whose name ends in .sig.
	Dir string
	// AllowedSigners maps keys to principals.
	AllowedSigners *AllowedSigners
	// Seniors are the principals whose sign-offs count, matched against the
	// principal patterns of allowed_signers lines. Empty: every principal
	// in AllowedSigners is a senior.
	Seniors []string
	// Author made the change and may not approve it: a principal or an
	// e-mail address, or a git identity "Name <email>". Matched without
	// regard to case. Empty: no self-approval check.
	Author string
	// Authors are more people who made the change (every author and
	// committer of its commits); none of them may approve it either.
	Authors []string
	// AuthorsUnknown says that the change's authors could not be
	// established (a shallow clone, no git, no range): no sign-off counts
	// then, as none can be shown not to be the author's. The others are
	// checked all the same and keep their own reasons.
	AuthorsUnknown bool
	// Person says which person a principal or an author's e-mail belongs
	// to (the policy's people). One person is one sign-off, whichever of
	// their principals signed, and cannot approve a change that any of
	// their identities made. nil: every principal is a person.
	Person func(id string) string
	// Now is the time validity windows are judged at. Zero: time.Now().
	Now time.Time
}

// ErrNoSignoffDir is returned, wrapped, when the sign-off directory does not
// exist.
var ErrNoSignoffDir = errors.New("sign-off directory not found")

// Verify judges every .sig file in opts.Dir, in name order.
// Count is of distinct people (see VerifyOptions.Person). A missing or
// unreadable directory is an error; an empty one gives an empty Result. A
// bad .sig file is never an error: it is a SignOff with its reason. Of
// several valid sign-offs by one principal, the first counts and the others
// are ReasonDuplicateSigner.
func Verify(opts VerifyOptions) (*Result, error) {
	if opts.AllowedSigners == nil {
		return nil, errors.New("verifying sign-offs: no allowed signers")
	}
	entries, err := os.ReadDir(opts.Dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("reading sign-offs: %s: %w", opts.Dir, ErrNoSignoffDir)
		}
		return nil, fmt.Errorf("reading sign-offs: %w", err)
	}
	v := verifier{opts: opts, counted: map[string]string{}, authorPeople: map[string]bool{}}
	if v.opts.Now.IsZero() {
		v.opts.Now = time.Now()
	}
	for _, a := range append([]string{opts.Author}, opts.Authors...) {
		if a = authorEmail(a); a != "" {
			v.authors = append(v.authors, a)
			v.authorPeople[v.person(a)] = true
		}
	}
	res := &Result{SignOffs: []SignOff{}, Approvers: []string{}}
	for _, de := range entries {
		if !strings.HasSuffix(de.Name(), ".sig") || de.IsDir() {
			continue
		}
		data, err := readFileMax(filepath.Join(opts.Dir, de.Name()), MaxSignatureBytes)
		var so SignOff
		if err != nil {
			so = SignOff{Reason: ReasonMalformed, Detail: "cannot read it: " + readErrText(err)}
		} else {
			so = v.check(data)
		}
		so.File = de.Name()
		so.Valid = so.Reason == ReasonOK
		if so.Valid {
			for _, p := range v.people(so.Principal) {
				v.counted[p] = so.File
			}
			res.Approvers = append(res.Approvers, strings.Join(v.people(so.Principal), ","))
		}
		res.SignOffs = append(res.SignOffs, so)
	}
	slices.Sort(res.Approvers)
	return res, nil
}

func readErrText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

// authorEmail takes the e-mail out of a git identity "Name <email>".
func authorEmail(a string) string {
	a = strings.TrimSpace(a)
	if i := strings.LastIndexByte(a, '<'); i >= 0 && strings.HasSuffix(a, ">") {
		return strings.TrimSpace(a[i+1 : len(a)-1])
	}
	return a
}

type verifier struct {
	opts         VerifyOptions
	authors      []string          // e-mails or principals that may not approve
	authorPeople map[string]bool   // the people the authors are
	counted      map[string]string // person -> file that counted
}

// person is who a principal or e-mail is: Person's answer, or itself.
func (v *verifier) person(id string) string {
	if v.opts.Person == nil {
		return strings.ToLower(strings.TrimSpace(id))
	}
	return v.opts.Person(id)
}

// people are the persons the principals of an allowed_signers line are,
// sorted, without duplicates.
func (v *verifier) people(principals string) []string {
	var out []string
	for _, p := range principalNames(principals) {
		out = append(out, v.person(p))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// principalNames splits an allowed_signers principals field into names,
// lower case: one person is one approver, whichever of their lines or keys
// signed, and e-mail addresses do not differ by case.
func principalNames(principals string) []string {
	var out []string
	for _, p := range strings.Split(principals, ",") {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// candidate is an allowed_signers line that vouches for a signature's key.
type candidate struct {
	e          *entry
	principals string
	notBefore  time.Time // zero: unbounded
	notAfter   time.Time // zero: unbounded
}

func (v *verifier) check(data []byte) SignOff {
	s, err := parseSignature(data)
	if err != nil {
		return SignOff{Reason: ReasonMalformed, Detail: strings.TrimPrefix(err.Error(), "malformed signature: ")}
	}
	so := SignOff{KeyFingerprint: ssh.FingerprintSHA256(plainKey(s.key))}
	cands := v.opts.AllowedSigners.candidates(s.key)
	if len(cands) > 0 {
		so.Principal = cands[0].principals
	}
	fail := func(r Reason, format string, args ...any) SignOff {
		so.Reason, so.Detail = r, fmt.Sprintf(format, args...)
		return so
	}
	if s.namespace != Namespace {
		return fail(ReasonWrongNamespace, "signed for namespace %q, not %q", clip(s.namespace, 64), Namespace)
	}
	if len(cands) == 0 {
		return fail(ReasonUnknownKey, "no line of allowed signers has key %s", so.KeyFingerprint)
	}
	if err := s.verify(v.opts.Payload); err != nil {
		for _, old := range v.opts.OldPayloads {
			if s.verify(old) == nil {
				version, _, _ := strings.Cut(strings.TrimPrefix(string(old), "blast-signoff "), "\n")
				return fail(ReasonOldFormat, "signed for this plan in digest format %s, which does not bind everything apply does: sign it again", version)
			}
		}
		return fail(ReasonWrongPlan, "the signature does not match this plan: it was made for another plan, or altered")
	}
	cands = filter(cands, func(c candidate) bool { return c.e.allows(Namespace) })
	if len(cands) == 0 {
		return fail(ReasonWrongNamespace, "allowed signers does not allow key %s the namespace %q", so.KeyFingerprint, Namespace)
	}
	so.Principal = cands[0].principals
	now := v.opts.Now
	valid := filter(cands, func(c candidate) bool { return c.validAt(now) })
	if len(valid) == 0 {
		return fail(ReasonExpiredKey, "%s", cands[0].windowText(now))
	}
	cands = valid
	so.Principal = cands[0].principals
	for _, c := range cands {
		for _, a := range v.authors {
			if matchList(a, c.principals, true) {
				so.Principal = c.principals
				return fail(ReasonSelfApproval, "%s is an author of the change", a)
			}
		}
		for _, p := range v.people(c.principals) {
			if v.authorPeople[p] {
				so.Principal = c.principals
				return fail(ReasonSelfApproval, "%s is %s, an author of the change", c.principals, p)
			}
		}
	}
	if len(v.opts.Seniors) > 0 {
		cands = filter(cands, func(c candidate) bool {
			return slices.ContainsFunc(v.opts.Seniors, func(s string) bool { return matchList(s, c.principals, false) })
		})
		if len(cands) == 0 {
			return fail(ReasonNotASenior, "%s is not among the seniors of the policy", so.Principal)
		}
		so.Principal = cands[0].principals
	}
	for _, p := range v.people(so.Principal) {
		if f, ok := v.counted[p]; ok {
			return fail(ReasonDuplicateSigner, "%s already signed off in %s", p, f)
		}
	}
	if v.opts.AuthorsUnknown {
		return fail(ReasonAuthorUnknown, "%s may be an author: the change's authors are unknown", so.Principal)
	}
	return fail(ReasonOK, "signed off by %s", so.Principal)
}

// clip shortens text from a signature file for a report.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func filter(cs []candidate, keep func(candidate) bool) []candidate {
	var out []candidate
	for _, c := range cs {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

func (c candidate) validAt(now time.Time) bool {
	return c.e.validAt(now) &&
		(c.notBefore.IsZero() || !now.Before(c.notBefore)) &&
		(c.notAfter.IsZero() || now.Before(c.notAfter))
}

func (c candidate) windowText(now time.Time) string {
	const layout = "2006-01-02 15:04:05 MST"
	switch {
	case !c.e.validAfter.IsZero() && now.Before(c.e.validAfter):
		return fmt.Sprintf("the key of %s is valid only from %s (allowed signers line %d)", c.principals, c.e.validAfter.Format(layout), c.e.line)
	case !c.e.validBefore.IsZero() && now.After(c.e.validBefore):
		return fmt.Sprintf("the key of %s expired on %s (allowed signers line %d)", c.principals, c.e.validBefore.Format(layout), c.e.line)
	case !c.notBefore.IsZero() && now.Before(c.notBefore):
		return fmt.Sprintf("the certificate of %s is valid only from %s", c.principals, c.notBefore.UTC().Format(layout))
	default:
		return fmt.Sprintf("the certificate of %s expired on %s", c.principals, c.notAfter.UTC().Format(layout))
	}
}

// candidates returns the lines that vouch for key, in file order: lines
// holding the key itself (or, for a certificate, its key), and
// cert-authority lines holding the key that signed the certificate, for
// the certificate's principals that the line's patterns match.
func (a *AllowedSigners) candidates(key ssh.PublicKey) []candidate {
	blob := plainKey(key).Marshal()
	cert, _ := key.(*ssh.Certificate)
	var caBlob []byte
	if cert != nil && cert.SignatureKey != nil {
		caBlob = cert.SignatureKey.Marshal()
	}
	var out []candidate
	for i := range a.entries {
		e := &a.entries[i]
		switch {
		case !e.certAuthority && bytes.Equal(e.keyBlob, blob):
			out = append(out, candidate{e: e, principals: e.principals})
		case e.certAuthority && caBlob != nil && bytes.Equal(e.keyBlob, caBlob):
			if c, ok := certCandidate(e, cert); ok {
				out = append(out, c)
			}
		}
	}
	return out
}

// certCandidate checks a user certificate against a cert-authority line:
// the CA's signature, and the certificate principals the line allows. The
// certificate's validity window is kept for the caller to judge at "now".
func certCandidate(e *entry, cert *ssh.Certificate) (candidate, bool) {
	va, vb := cert.ValidAfter, cert.ValidBefore
	if cert.CertType != ssh.UserCert || va > math.MaxInt64 || (vb != ssh.CertTimeInfinity && vb <= va) {
		return candidate{}, false
	}
	var names []string
	for _, p := range cert.ValidPrincipals {
		if matchList(p, e.principals, false) {
			names = append(names, p)
		}
	}
	if len(names) == 0 {
		return candidate{}, false
	}
	// CheckCert verifies the CA's signature. Its clock is set to the start
	// of the certificate's window: the window is judged by the caller.
	// Critical options (force-command, source-address) concern logins, not
	// signatures, and OpenSSH ignores them here too.
	checker := ssh.CertChecker{
		SupportedCriticalOptions: slices.Collect(maps.Keys(cert.CriticalOptions)),
		Clock:                    func() time.Time { return time.Unix(int64(va), 0) },
	}
	if err := checker.CheckCert(names[0], cert); err != nil {
		return candidate{}, false
	}
	c := candidate{e: e, principals: strings.Join(names, ",")}
	if va != 0 {
		c.notBefore = time.Unix(int64(va), 0)
	}
	if vb != ssh.CertTimeInfinity && vb <= math.MaxInt64 {
		c.notAfter = time.Unix(int64(vb), 0)
	}
	return c, true
}
