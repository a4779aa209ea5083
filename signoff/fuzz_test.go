package signoff

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// fuzzKeys are fixed keys for the fuzz seeds: an ed25519 key from a fixed
// seed, and freshly made ECDSA and RSA keys.
func fuzzKeys(t testing.TB) []ssh.Signer {
	t.Helper()
	ed, _ := ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)))
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecs, _ := ssh.NewSignerFromKey(ec)
	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := ssh.NewSignerFromKey(rk)
	return []ssh.Signer{ed, ecs, rs}
}

func authorizedLine(k ssh.PublicKey) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))
}

func FuzzParseAllowedSigners(f *testing.F) {
	keys := fuzzKeys(f)
	k := authorizedLine(keys[0].PublicKey())
	seeds := []string{
		"alice@example.com " + k + "\n",
		"# comment\n\nalice@example.com,bob@example.com " + k + " comment\r\n",
		`"alice smith" namespaces="git,blast-signoff" ` + k + "\n",
		`*@example.com,!x@example.com cert-authority,valid-after="20240101",valid-before="20300101Z" ` + k,
		`alice namespaces="a\"b",valid-before="202401011200" ` + authorizedLine(keys[1].PublicKey()),
		`bob ` + authorizedLine(keys[2].PublicKey()) + "\n" + `bad line`,
		`x valid-after="` + "\x00",
		"\"",
		"a ,",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseAllowedSigners("fuzz", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz:") {
				t.Fatalf("error without the file name: %v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error on more than one line: %q", err)
			}
			return
		}
		for _, e := range a.entries {
			if e.key == nil || e.principals == "" || e.line < 1 {
				t.Fatalf("bad entry %+v", e)
			}
			e.allows(Namespace)
			e.validAt(now)
			matchList("alice@example.com", e.principals, true)
		}
		a.Principals()
		for _, s := range keys {
			a.candidates(s.PublicKey())
		}
	})
}

func FuzzParseSignature(f *testing.F) {
	keys := fuzzKeys(f)
	payload := []byte("blast-signoff v1\ndigest sha256:00\nchanges 1\n")
	var lines []string
	for _, s := range keys {
		sig, err := Sign(s, payload)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(sig)
		f.Add(sig[:len(sig)/2])
		lines = append(lines, "alice@example.com "+authorizedLine(s.PublicKey()))
	}
	// A certificate signature, and one in another namespace.
	cert := &ssh.Certificate{Key: keys[1].PublicKey(), CertType: ssh.UserCert, ValidPrincipals: []string{"alice"}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, keys[0]); err != nil {
		f.Fatal(err)
	}
	cs, _ := ssh.NewCertSigner(cert, keys[1])
	sig, err := Sign(cs, payload)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sig)
	other, _ := sign(keys[0], "git", payload)
	f.Add(other)
	f.Add([]byte(armorBegin + "\n" + armorEnd))
	lines = append(lines, "alice cert-authority "+authorizedLine(keys[0].PublicKey()))
	signers := mustParse(f, strings.Join(lines, "\n"))
	// The armor hides the binary format from the fuzzer: seed the blobs too,
	// which the target armors itself.
	for _, s := range keys {
		sig, _ := Sign(s, payload)
		parsed, err := parseSignature(sig)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(parsed.blob())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasPrefix(data, []byte(sigMagic)) {
			data = []byte(armorBegin + "\n" + b64(data) + "\n" + armorEnd + "\n")
		}
		s, err := parseSignature(data)
		v := verifier{opts: VerifyOptions{Payload: payload, AllowedSigners: signers, Now: time.Now()}, counted: map[string]string{}}
		so := v.check(data)
		if _, ok := reasonText[so.Reason]; !ok || so.Detail == "" {
			t.Fatalf("reason %q detail %q", so.Reason, so.Detail)
		}
		if err != nil {
			if so.Reason != ReasonMalformed {
				t.Fatalf("unparsable signature judged %s", so.Reason)
			}
			return
		}
		s.verify(payload)
		// What parses, re-armored, parses to the same blob.
		again, err := parseSignature(s.armor())
		if err != nil {
			t.Fatalf("re-armored signature does not parse: %v", err)
		}
		if !bytes.Equal(again.blob(), s.blob()) {
			t.Fatal("re-armored signature differs")
		}
	})
}
