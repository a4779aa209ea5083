package signoff

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Namespace is the SSHSIG namespace of every sign-off, the -n argument of
// `ssh-keygen -Y sign`. A signature made for another purpose (git commits
// use "git", files "file") is never taken for a sign-off.
const Namespace = "blast-signoff"

const (
	sigMagic   = "SSHSIG"
	sigVersion = 1
	armorBegin = "-----BEGIN SSH SIGNATURE-----"
	armorEnd   = "-----END SSH SIGNATURE-----"
	armorWidth = 70 // what OpenSSH writes

	skUserPresent = 0x01 // flag of a hardware key signature made with a touch
)

// signature is a parsed SSHSIG blob (OpenSSH PROTOCOL.sshsig).
type signature struct {
	key       ssh.PublicKey
	namespace string
	hashAlg   string // "sha256" or "sha512"
	sig       *ssh.Signature
}

// errMalformed marks a signature file that is not an SSHSIG signature.
var errMalformed = errors.New("malformed signature")

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errMalformed, fmt.Sprintf(format, args...))
}

// parseSignature parses an armored SSHSIG signature as `ssh-keygen -Y sign`
// writes it. Whitespace around the armor and within the base64 is allowed;
// anything else is an error.
func parseSignature(data []byte) (*signature, error) {
	data = bytes.TrimSpace(data)
	rest, ok := bytes.CutPrefix(data, []byte(armorBegin))
	if !ok {
		return nil, malformed("no %q line", armorBegin)
	}
	body, ok := bytes.CutSuffix(rest, []byte(armorEnd))
	if !ok {
		return nil, malformed("no %q line at the end", armorEnd)
	}
	b64 := make([]byte, 0, len(body))
	for _, c := range body {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			b64 = append(b64, c)
		}
	}
	blob := make([]byte, base64.StdEncoding.DecodedLen(len(b64)))
	n, err := base64.StdEncoding.Strict().Decode(blob, b64)
	if err != nil {
		return nil, malformed("bad base64")
	}
	return parseBlob(blob[:n])
}

func parseBlob(blob []byte) (*signature, error) {
	r := reader{b: blob}
	if string(r.bytes(len(sigMagic))) != sigMagic {
		return nil, malformed("not an SSHSIG blob")
	}
	if v := r.uint32(); !r.bad && v != sigVersion {
		return nil, malformed("unsupported SSHSIG version %d", v)
	}
	pub := r.string()
	ns := r.string()
	r.string() // reserved
	alg := r.string()
	sigBlob := r.string()
	if r.bad {
		return nil, malformed("truncated")
	}
	if len(r.b) != 0 {
		return nil, malformed("trailing data")
	}
	s := &signature{namespace: string(ns), hashAlg: string(alg)}
	if _, err := hashFor(s.hashAlg); err != nil {
		return nil, err
	}
	key, err := ssh.ParsePublicKey(pub)
	if err != nil {
		return nil, malformed("bad public key")
	}
	if err := checkKeyType(key); err != nil {
		return nil, err
	}
	s.key = key
	s.sig = new(ssh.Signature)
	if err := ssh.Unmarshal(sigBlob, s.sig); err != nil {
		return nil, malformed("bad signature blob")
	}
	if !signatureFits(key, s.sig.Format) {
		return nil, malformed("signature type %q does not fit key type %q", s.sig.Format, key.Type())
	}
	if strings.HasPrefix(s.sig.Format, "sk-") && (len(s.sig.Rest) == 0 || s.sig.Rest[0]&skUserPresent == 0) {
		return nil, malformed("hardware key signature without user presence: the key was not touched")
	}
	return s, nil
}

// keyTypes are the key types OpenSSH signs with, and the signature formats
// each may use. RSA must use SHA-2: OpenSSH refuses ssh-rsa (SHA-1) SSHSIG
// signatures and so does blast. DSA is not accepted.
var keyTypes = map[string][]string{
	ssh.KeyAlgoED25519:    {ssh.KeyAlgoED25519},
	ssh.KeyAlgoECDSA256:   {ssh.KeyAlgoECDSA256},
	ssh.KeyAlgoECDSA384:   {ssh.KeyAlgoECDSA384},
	ssh.KeyAlgoECDSA521:   {ssh.KeyAlgoECDSA521},
	ssh.KeyAlgoRSA:        {ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256},
	ssh.KeyAlgoSKED25519:  {ssh.KeyAlgoSKED25519},
	ssh.KeyAlgoSKECDSA256: {ssh.KeyAlgoSKECDSA256},
}

// plainKey returns the key itself, or a certificate's key.
func plainKey(k ssh.PublicKey) ssh.PublicKey {
	if c, ok := k.(*ssh.Certificate); ok {
		return c.Key
	}
	return k
}

func checkKeyType(k ssh.PublicKey) error {
	if _, ok := keyTypes[plainKey(k).Type()]; !ok {
		return malformed("unsupported key type %q", k.Type())
	}
	return nil
}

func signatureFits(k ssh.PublicKey, format string) bool {
	for _, f := range keyTypes[plainKey(k).Type()] {
		if f == format {
			return true
		}
	}
	return false
}

func hashFor(alg string) (hash.Hash, error) {
	switch alg {
	case "sha512":
		return sha512.New(), nil
	case "sha256":
		return sha256.New(), nil
	}
	return nil, malformed("unsupported hash algorithm %q", alg)
}

// signedData is what the key signs: the SSHSIG preamble, namespace, hash
// algorithm and the hash of the message.
func signedData(namespace, hashAlg string, message []byte) ([]byte, error) {
	h, err := hashFor(hashAlg)
	if err != nil {
		return nil, err
	}
	h.Write(message)
	var b []byte
	b = append(b, sigMagic...)
	b = appendString(b, []byte(namespace))
	b = appendString(b, nil) // reserved
	b = appendString(b, []byte(hashAlg))
	return appendString(b, h.Sum(nil)), nil
}

// verify checks the signature over message, in the signature's own
// namespace. The caller checks that the namespace is the right one.
func (s *signature) verify(message []byte) error {
	data, err := signedData(s.namespace, s.hashAlg, message)
	if err != nil {
		return err
	}
	return s.key.Verify(data, s.sig)
}

// Sign signs payload with signer in the blast-signoff namespace and returns
// the armored SSHSIG signature, byte for byte what `ssh-keygen -Y sign -n
// blast-signoff` writes for the same key (ECDSA and RSA signatures differ
// between runs, as they do with ssh-keygen). RSA keys sign with
// rsa-sha2-512. The signature is verified before it is returned.
func Sign(signer ssh.Signer, payload []byte) ([]byte, error) {
	return sign(signer, Namespace, payload)
}

func sign(signer ssh.Signer, namespace string, payload []byte) ([]byte, error) {
	if signer == nil {
		return nil, errors.New("signing: no key")
	}
	pub := signer.PublicKey()
	if _, ok := keyTypes[plainKey(pub).Type()]; !ok {
		return nil, fmt.Errorf("signing: key type %s cannot make sign-offs", pub.Type())
	}
	const alg = "sha512"
	data, err := signedData(namespace, alg, payload)
	if err != nil {
		return nil, err
	}
	var sig *ssh.Signature
	if plainKey(pub).Type() == ssh.KeyAlgoRSA {
		as, ok := signer.(ssh.AlgorithmSigner)
		if !ok {
			return nil, errors.New("signing: this RSA signer cannot make rsa-sha2-512 signatures")
		}
		sig, err = as.SignWithAlgorithm(rand.Reader, data, ssh.KeyAlgoRSASHA512)
	} else {
		sig, err = signer.Sign(rand.Reader, data)
	}
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	s := &signature{key: pub, namespace: namespace, hashAlg: alg, sig: sig}
	if !signatureFits(pub, sig.Format) {
		return nil, fmt.Errorf("signing: the signer made a %s signature for a %s key", sig.Format, pub.Type())
	}
	if err := s.verify(payload); err != nil {
		return nil, fmt.Errorf("signing: the signature does not verify: %w", err)
	}
	return s.armor(), nil
}

// blob encodes the signature in the SSHSIG wire format.
func (s *signature) blob() []byte {
	var b []byte
	b = append(b, sigMagic...)
	b = binary.BigEndian.AppendUint32(b, sigVersion)
	b = appendString(b, s.key.Marshal())
	b = appendString(b, []byte(s.namespace))
	b = appendString(b, nil)
	b = appendString(b, []byte(s.hashAlg))
	return appendString(b, ssh.Marshal(s.sig))
}

// armor encodes the signature as ssh-keygen writes it.
func (s *signature) armor() []byte {
	enc := base64.StdEncoding.EncodeToString(s.blob())
	var b bytes.Buffer
	b.WriteString(armorBegin + "\n")
	for len(enc) > armorWidth {
		b.WriteString(enc[:armorWidth] + "\n")
		enc = enc[armorWidth:]
	}
	b.WriteString(enc + "\n")
	b.WriteString(armorEnd + "\n")
	return b.Bytes()
}

func appendString(b, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// reader reads SSH wire-format fields; bad turns true, for good, on the
// first read past the end.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) bytes(n int) []byte {
	if r.bad || n < 0 || n > len(r.b) {
		r.b, r.bad = nil, true
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) uint32() uint32 {
	b := r.bytes(4)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}

func (r *reader) string() []byte {
	n := r.uint32()
	if uint64(n) > uint64(len(r.b)) {
		r.b, r.bad = nil, true
		return nil
	}
	return r.bytes(int(n))
}
