package signoff

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/blast-dev/blast/plan"
)

// Certificates made and signed in Go, including forged ones.
func TestCertificateChecks(t *testing.T) {
	ca, caLine := testKey(t)
	evil, _ := testKey(t)
	user, _ := testKey(t)
	payload := Payload([]*plan.Plan{{Changes: []plan.Change{change("x", "delete")}}})
	now := time.Now()
	signers := mustParse(t, "*@example.com cert-authority "+caLine+"\n")

	makeCert := func(edit func(c *ssh.Certificate)) *ssh.Certificate {
		c := &ssh.Certificate{
			Key:             user.PublicKey(),
			CertType:        ssh.UserCert,
			KeyId:           "alice",
			ValidPrincipals: []string{"alice@example.com", "alice"},
			ValidAfter:      uint64(now.Add(-time.Hour).Unix()),
			ValidBefore:     uint64(now.Add(time.Hour).Unix()),
			Permissions:     ssh.Permissions{CriticalOptions: map[string]string{"force-command": "true"}},
		}
		if edit != nil {
			edit(c)
		}
		if err := c.SignCert(rand.Reader, ca); err != nil {
			t.Fatal(err)
		}
		return c
	}
	check := func(name string, cert *ssh.Certificate, want Reason) {
		t.Helper()
		cs, err := ssh.NewCertSigner(cert, user)
		if err != nil {
			t.Fatal(err)
		}
		sig, err := Sign(cs, payload)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		writeFile(t, dir, "a.sig", sig)
		res := mustVerify(t, VerifyOptions{Payload: payload, Dir: dir, AllowedSigners: signers, Now: now})
		if got := res.SignOffs[0]; got.Reason != want {
			t.Errorf("%s: %s (%s), want %s", name, got.Reason, got.Detail, want)
		} else if want == ReasonOK && got.Principal != "alice@example.com" {
			t.Errorf("%s: principal %q", name, got.Principal)
		}
	}
	check("valid user certificate", makeCert(nil), ReasonOK)
	check("host certificate", makeCert(func(c *ssh.Certificate) { c.CertType = ssh.HostCert }), ReasonUnknownKey)
	check("no principal the line allows", makeCert(func(c *ssh.Certificate) { c.ValidPrincipals = []string{"alice@example.org"} }), ReasonUnknownKey)
	check("expired", makeCert(func(c *ssh.Certificate) { c.ValidBefore = uint64(now.Add(-time.Minute).Unix()) }), ReasonExpiredKey)
	check("not yet valid", makeCert(func(c *ssh.Certificate) { c.ValidAfter = uint64(now.Add(time.Minute).Unix()) }), ReasonExpiredKey)
	check("empty window", makeCert(func(c *ssh.Certificate) { c.ValidAfter, c.ValidBefore = 10, 10 }), ReasonUnknownKey)
	check("forever", makeCert(func(c *ssh.Certificate) { c.ValidAfter, c.ValidBefore = 0, ssh.CertTimeInfinity }), ReasonOK)

	// Forged: signed by another CA, then made to name the trusted one.
	forged := makeCert(nil)
	if err := forged.SignCert(rand.Reader, evil); err != nil {
		t.Fatal(err)
	}
	forged.SignatureKey = ca.PublicKey()
	check("forged CA signature", forged, ReasonUnknownKey)
	// Altered after signing: a principal added.
	altered := makeCert(func(c *ssh.Certificate) { c.ValidPrincipals = []string{"bob@example.com"} })
	altered.ValidPrincipals = []string{"alice@example.com"}
	check("altered certificate", altered, ReasonUnknownKey)
}

// The order of a plan's changes, as given to Digest, does not matter.
func TestDigestChangeOrder(t *testing.T) {
	p := loadPlan(t, "demo-teardown")[0]
	want := Digest([]*plan.Plan{p})
	rev := *p
	rev.Changes = append([]plan.Change(nil), p.Changes...)
	for i, j := 0, len(rev.Changes)-1; i < j; i, j = i+1, j-1 {
		rev.Changes[i], rev.Changes[j] = rev.Changes[j], rev.Changes[i]
	}
	if Digest([]*plan.Plan{&rev}) != want {
		t.Error("reversing the changes changed the digest")
	}
	// ForcedBy is sorted by the loader; Digest does not rely on it.
	a := plan.Change{Address: "a", Kind: plan.KindReplace, ForcedBy: []string{"x", "y"}}
	b := a
	b.ForcedBy = []string{"y", "x"}
	if Digest([]*plan.Plan{{Changes: []plan.Change{a}}}) != Digest([]*plan.Plan{{Changes: []plan.Change{b}}}) {
		t.Error("the order of forced-by paths changed the digest")
	}
	if len(a.ForcedBy) != 2 || b.ForcedBy[0] != "y" {
		t.Error("Digest changed its input")
	}
}

func TestParseSignatureRejects(t *testing.T) {
	signer, _ := testKey(t)
	sig, err := Sign(signer, []byte("payload"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := parseSignature(sig)
	if err != nil {
		t.Fatal(err)
	}
	armor := func(blob []byte) []byte {
		return []byte(armorBegin + "\n" + b64(blob) + "\n" + armorEnd + "\n")
	}
	blob := s.blob()
	other := *s
	other.hashAlg = "md5"
	version2 := append([]byte(sigMagic+"\x00\x00\x00\x02"), blob[10:]...)
	cases := map[string][]byte{
		"trailing data":      armor(append(blob, 0)),
		"truncated":          armor(blob[:len(blob)-1]),
		"bad magic":          armor(append([]byte("SSHSIH"), blob[6:]...)),
		"version 2":          armor(version2),
		"unknown hash":       armor(other.blob()),
		"no end":             []byte(strings.TrimSuffix(string(sig), armorEnd+"\n")),
		"text after the end": append(append([]byte{}, sig...), "more"...),
		"two signatures":     append(append([]byte{}, sig...), sig...),
		"bad base64":         []byte(armorBegin + "\n!!!!\n" + armorEnd + "\n"),
		"base64 bad padding": []byte(armorBegin + "\nU1NIU0lHA\n" + armorEnd + "\n"),
		"huge length":        armor([]byte(sigMagic + "\x00\x00\x00\x01\xff\xff\xff\xff")),
		"no begin":           []byte(strings.TrimPrefix(string(sig), armorBegin)),
	}
	for name, data := range cases {
		if _, err := parseSignature(data); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
	if _, err := parseSignature(armor(blob)); err != nil {
		t.Errorf("re-armored blob: %v", err)
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// A CA key on a cert-authority line vouches for certificates only, not for
// its own signatures, as in OpenSSH.
func TestCAKeyCannotSignItself(t *testing.T) {
	ca, caLine := testKey(t)
	payload := []byte("payload")
	sig, err := Sign(ca, payload)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "ca.sig", sig)
	res := mustVerify(t, VerifyOptions{Payload: payload, Dir: dir, AllowedSigners: mustParse(t, "alice@example.com cert-authority "+caLine)})
	wantReasons(t, res, ReasonUnknownKey)
}

// sha1Signer ignores the algorithm asked for and signs with ssh-rsa, as an
// old agent might.
type sha1Signer struct{ ssh.AlgorithmSigner }

func (s sha1Signer) SignWithAlgorithm(r io.Reader, data []byte, _ string) (*ssh.Signature, error) {
	return s.AlgorithmSigner.SignWithAlgorithm(r, data, ssh.KeyAlgoRSA)
}

func TestSignRefusesSHA1(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Sign(s, []byte("p")); err != nil {
		t.Fatalf("RSA: %v", err)
	}
	if _, err := Sign(sha1Signer{s.(ssh.AlgorithmSigner)}, []byte("p")); err == nil || !strings.Contains(err.Error(), "ssh-rsa signature") {
		t.Errorf("SHA-1 RSA signer: err %v", err)
	}
	if _, err := Sign(nil, []byte("p")); err == nil {
		t.Error("nil signer: no error")
	}
}
