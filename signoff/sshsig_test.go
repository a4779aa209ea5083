package signoff

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

var keyTypeNames = []string{"ed25519", "ecdsa-256", "ecdsa-384", "ecdsa-521", "rsa"}

// Signatures made by stock ssh-keygen over the payload count in blast.
func TestSSHKeygenSignOffVerifiesInBlast(t *testing.T) {
	needSSHKeygen(t)
	payload := Payload(loadPlan(t, "replace"))
	for _, typ := range keyTypeNames {
		t.Run(typ, func(t *testing.T) {
			dir := t.TempDir()
			key := genKey(t, dir, "id", typ, "")
			signers := mustParse(t, "alice@example.com "+key.pub+"\n")
			sigs := t.TempDir()
			writeFile(t, sigs, "alice.sig", sshKeygenSign(t, key, Namespace, payload))
			res := mustVerify(t, VerifyOptions{Payload: payload, Dir: sigs, AllowedSigners: signers})
			wantReasons(t, res, ReasonOK)
			if res.Count() != 1 || res.Approvers[0] != "alice@example.com" {
				t.Errorf("approvers %v", res.Approvers)
			}
			so := res.SignOffs[0]
			fp := strings.Fields(string(run(t, nil, "ssh-keygen", "-l", "-f", key.priv+".pub")))[1]
			if so.KeyFingerprint != fp {
				t.Errorf("fingerprint %s, ssh-keygen says %s", so.KeyFingerprint, fp)
			}
		})
	}
}

// Signatures made by blast are accepted by ssh-keygen -Y verify with the
// same allowed_signers file, and not for another namespace or payload.
func TestBlastSignOffVerifiesInSSHKeygen(t *testing.T) {
	needSSHKeygen(t)
	payload := Payload(loadPlan(t, "replace"))
	for _, typ := range append(keyTypeNames, "rsa-3072") {
		t.Run(typ, func(t *testing.T) {
			dir := t.TempDir()
			key := genKey(t, dir, "id", typ, "")
			allowed := writeFile(t, dir, "allowed_signers", []byte("alice@example.com "+key.pub+"\n"))
			signer, err := SignerFromFile(key.priv)
			if err != nil {
				t.Fatal(err)
			}
			sig, err := Sign(signer, payload)
			if err != nil {
				t.Fatal(err)
			}
			if out, err := sshKeygenVerify(t, allowed, "alice@example.com", Namespace, sig, payload); err != nil {
				t.Fatalf("ssh-keygen -Y verify rejected blast's signature: %v\n%s\n%s", err, out, sig)
			}
			if _, err := sshKeygenVerify(t, allowed, "alice@example.com", "other", sig, payload); err == nil {
				t.Error("ssh-keygen accepted the signature for another namespace")
			}
			other := Payload(loadPlan(t, "delete"))
			if _, err := sshKeygenVerify(t, allowed, "alice@example.com", Namespace, sig, other); err == nil {
				t.Error("ssh-keygen accepted the signature for another plan")
			}
			if typ == "ed25519" {
				// ed25519 signatures are deterministic: the very same bytes.
				if want := sshKeygenSign(t, key, Namespace, payload); !bytes.Equal(sig, want) {
					t.Errorf("blast wrote\n%s\nssh-keygen writes\n%s", sig, want)
				}
			}
		})
	}
}

// An OpenSSH user certificate, vouched for by a cert-authority line.
func TestCertificateSignOff(t *testing.T) {
	needSSHKeygen(t)
	dir := t.TempDir()
	ca := genKey(t, dir, "ca", "ed25519", "")
	user := genKey(t, dir, "user", "ecdsa-256", "")
	run(t, nil, "ssh-keygen", "-q", "-s", ca.priv, "-I", "alice", "-n", "alice@example.com,alice-admin", "-V", "-1h:+1h", user.priv+".pub")
	payload := Payload(loadPlan(t, "replace"))
	file := writeFile(t, dir, "payload", payload)
	run(t, nil, "ssh-keygen", "-q", "-Y", "sign", "-f", user.priv+"-cert.pub", "-n", Namespace, file)
	sig, _ := os.ReadFile(file + ".sig")
	sigs := t.TempDir()
	writeFile(t, sigs, "a.sig", sig)
	signers := mustParse(t, "*@example.com cert-authority "+ca.pub+"\n")
	res := mustVerify(t, VerifyOptions{Payload: payload, Dir: sigs, AllowedSigners: signers})
	wantReasons(t, res, ReasonOK)
	if p := res.SignOffs[0].Principal; p != "alice@example.com" {
		t.Errorf("principal %q, want the certificate's principal that the line allows", p)
	}
	// After the certificate expires it no longer counts.
	res = mustVerify(t, VerifyOptions{Payload: payload, Dir: sigs, AllowedSigners: signers, Now: time.Now().Add(2 * time.Hour)})
	wantReasons(t, res, ReasonExpiredKey)
	// A plain line for the CA key does not vouch for its certificates, and a
	// certificate for principals the line does not allow is unknown.
	res = mustVerify(t, VerifyOptions{Payload: payload, Dir: sigs, AllowedSigners: mustParse(t, "alice@example.com "+ca.pub+"\n")})
	wantReasons(t, res, ReasonUnknownKey)
	res = mustVerify(t, VerifyOptions{Payload: payload, Dir: sigs, AllowedSigners: mustParse(t, "bob@example.com cert-authority "+ca.pub+"\n")})
	wantReasons(t, res, ReasonUnknownKey)
	// A plain line for the user's own key does vouch, as in OpenSSH.
	res = mustVerify(t, VerifyOptions{Payload: payload, Dir: sigs, AllowedSigners: mustParse(t, "carol@example.com "+user.pub+"\n")})
	wantReasons(t, res, ReasonOK)
}

// Keys held by ssh-agent sign through it: start an agent in the test's
// directory, add keys, sign, check with ssh-keygen, stop the agent.
func TestAgentSignOff(t *testing.T) {
	needSSHKeygen(t)
	for _, tool := range []string{"ssh-agent", "ssh-add"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH", tool)
		}
	}
	dir := t.TempDir()
	sock := startAgent(t, dir)
	ed := genKey(t, dir, "ed", "ed25519", "")
	rsa := genKey(t, dir, "rsa", "rsa", "")
	locked := genKey(t, dir, "locked", "ed25519", "correct horse")
	allowed := writeFile(t, dir, "allowed_signers", []byte(
		"alice@example.com "+ed.pub+"\nbob@example.com "+rsa.pub+"\ncarol@example.com "+locked.pub+"\n"))
	payload := Payload(loadPlan(t, "demo-teardown"))

	add := func(key keyPair) {
		cmd := exec.Command("ssh-add", key.priv)
		cmd.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock, "SSH_ASKPASS=", "DISPLAY=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("ssh-add: %v\n%s", err, out)
		}
	}
	add(ed)
	// One key in the agent: no need to name it.
	signAndCheck(t, sock, "", allowed, "alice@example.com", payload)

	add(rsa)
	// Two keys: blast must be told which, and says so.
	if _, _, err := AgentSigner(sock, ""); err == nil || !strings.Contains(err.Error(), "holds 2 keys") {
		t.Errorf("two keys, none named: err %v", err)
	}
	signAndCheck(t, sock, rsa.priv+".pub", allowed, "bob@example.com", payload)
	signAndCheck(t, sock, ed.priv, allowed, "alice@example.com", payload) // the .pub beside it

	// A passphrase-protected key cannot be read from its file; the error
	// says to use the agent, and through the agent it signs. Its public key
	// comes from the key file itself when no .pub lies beside it.
	if _, err := SignerFromFile(locked.priv); !errors.Is(err, ErrEncryptedKey) || !strings.Contains(err.Error(), "ssh-agent") {
		t.Errorf("encrypted key: err %v", err)
	}
	if _, _, err := AgentSigner(sock, locked.priv); err == nil || !strings.Contains(err.Error(), "does not hold key") {
		t.Errorf("key not in agent: err %v", err)
	}
	os.Remove(locked.priv + ".pub")
	addWithPassphrase(t, sock, locked.priv, "correct horse")
	signAndCheck(t, sock, locked.priv, allowed, "carol@example.com", payload)

	if _, _, err := AgentSigner(filepath.Join(dir, "no-such-socket"), ""); err == nil {
		t.Error("no agent at the socket: no error")
	}
	t.Setenv("SSH_AUTH_SOCK", "")
	if _, _, err := AgentSigner("", ""); !errors.Is(err, ErrNoAgent) {
		t.Errorf("no SSH_AUTH_SOCK: err %v", err)
	}
}

func signAndCheck(t *testing.T, sock, keyFile, allowed, principal string, payload []byte) {
	t.Helper()
	signer, done, err := AgentSigner(sock, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := Sign(signer, payload)
	if err := done(); err != nil {
		t.Error(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if out, err := sshKeygenVerify(t, allowed, principal, Namespace, sig, payload); err != nil {
		t.Fatalf("ssh-keygen rejected the agent's signature: %v\n%s", err, out)
	}
	sigs := t.TempDir()
	writeFile(t, sigs, "x.sig", sig)
	signers, err := ReadAllowedSigners(allowed)
	if err != nil {
		t.Fatal(err)
	}
	res := mustVerify(t, VerifyOptions{Payload: payload, Dir: sigs, AllowedSigners: signers})
	wantReasons(t, res, ReasonOK)
	if res.SignOffs[0].Principal != principal {
		t.Errorf("principal %s, want %s", res.SignOffs[0].Principal, principal)
	}
}

// startAgent runs ssh-agent in the foreground on a socket in dir and stops
// it when the test ends.
func startAgent(t *testing.T, dir string) string {
	t.Helper()
	sock := filepath.Join(dir, "agent.sock")
	cmd := exec.Command("ssh-agent", "-D", "-a", sock)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for i := 0; i < 200; i++ {
		if _, err := os.Stat(sock); err == nil {
			return sock
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("ssh-agent did not create its socket")
	return ""
}

// addWithPassphrase adds an encrypted key through SSH_ASKPASS.
func addWithPassphrase(t *testing.T, sock, key, passphrase string) {
	t.Helper()
	askpass := writeFile(t, t.TempDir(), "askpass", []byte("#!/bin/sh\necho '"+passphrase+"'\n"))
	os.Chmod(askpass, 0o700)
	cmd := exec.Command("ssh-add", key)
	cmd.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock, "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0")
	cmd.Stdin = nil
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add %s: %v\n%s", key, err, out)
	}
}

func TestSignerFromFileErrors(t *testing.T) {
	needSSHKeygen(t)
	dir := t.TempDir()
	key := genKey(t, dir, "id", "ed25519", "")
	if _, err := SignerFromFile(key.priv + ".pub"); err == nil || !strings.Contains(err.Error(), "public key") {
		t.Errorf("public key file: err %v", err)
	}
	if _, err := SignerFromFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing key file: no error")
	}
	garbage := writeFile(t, dir, "garbage", []byte("not a key"))
	if _, err := SignerFromFile(garbage); err == nil {
		t.Error("garbage key file: no error")
	}
}

// Hardware keys (sk-ssh-ed25519@openssh.com) cannot be made in a test
// without a token, so the token's part is played here: it signs
// SHA-256(application) || flags || counter || SHA-256(message).
func TestHardwareKeySignOff(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	var blob []byte
	blob = appendString(blob, []byte(ssh.KeyAlgoSKED25519))
	blob = appendString(blob, pub)
	blob = appendString(blob, []byte("ssh:"))
	key, err := ssh.ParsePublicKey(blob)
	if err != nil {
		t.Fatal(err)
	}
	payload := Payload(loadPlan(t, "replace"))
	makeSig := func(flags byte, message []byte) []byte {
		data, _ := signedData(Namespace, "sha512", message)
		app, msg := sha256.Sum256([]byte("ssh:")), sha256.Sum256(data)
		var signed []byte
		signed = append(signed, app[:]...)
		signed = append(signed, flags)
		signed = binary.BigEndian.AppendUint32(signed, 7)
		signed = append(signed, msg[:]...)
		rest := binary.BigEndian.AppendUint32([]byte{flags}, 7)
		sig := &ssh.Signature{Format: ssh.KeyAlgoSKED25519, Blob: ed25519.Sign(priv, signed), Rest: rest}
		return (&signature{key: key, namespace: Namespace, hashAlg: "sha512", sig: sig}).armor()
	}
	line := "alice@example.com " + string(bytes.TrimSpace(ssh.MarshalAuthorizedKey(key))) + "\n"
	signers := mustParse(t, line)
	sigs := t.TempDir()
	writeFile(t, sigs, "1-touched.sig", makeSig(0x01, payload))
	writeFile(t, sigs, "2-untouched.sig", makeSig(0x00, payload))
	writeFile(t, sigs, "3-other-plan.sig", makeSig(0x01, Payload(loadPlan(t, "delete"))))
	res := mustVerify(t, VerifyOptions{Payload: payload, Dir: sigs, AllowedSigners: signers})
	wantReasons(t, res, ReasonOK, ReasonMalformed, ReasonWrongPlan)
	if d := res.SignOffs[1].Detail; !strings.Contains(d, "user presence") {
		t.Errorf("untouched: detail %q", d)
	}
}

// RSA signatures with SHA-1 (ssh-rsa) are refused, as OpenSSH refuses them.
func TestRSASHA1Refused(t *testing.T) {
	needSSHKeygen(t)
	dir := t.TempDir()
	key := genKey(t, dir, "id", "rsa", "")
	signer, err := SignerFromFile(key.priv)
	if err != nil {
		t.Fatal(err)
	}
	payload := Payload(loadPlan(t, "replace"))
	data, _ := signedData(Namespace, "sha512", payload)
	sig, err := signer.(ssh.AlgorithmSigner).SignWithAlgorithm(rand.Reader, data, ssh.KeyAlgoRSA)
	if err != nil {
		t.Fatal(err)
	}
	sigs := t.TempDir()
	armored := (&signature{key: signer.PublicKey(), namespace: Namespace, hashAlg: "sha512", sig: sig}).armor()
	writeFile(t, sigs, "sha1.sig", armored)
	res := mustVerify(t, VerifyOptions{Payload: payload, Dir: sigs, AllowedSigners: mustParse(t, "alice@example.com "+key.pub)})
	wantReasons(t, res, ReasonMalformed)
	allowed := writeFile(t, dir, "allowed_signers", []byte("alice@example.com "+key.pub+"\n"))
	if _, err := sshKeygenVerify(t, allowed, "alice@example.com", Namespace, armored, payload); err == nil {
		t.Error("ssh-keygen accepts ssh-rsa SSHSIG signatures: blast is stricter than it needs to be")
	}
}

func TestParseSignatureRoundTrip(t *testing.T) {
	needSSHKeygen(t)
	dir := t.TempDir()
	key := genKey(t, dir, "id", "ed25519", "")
	sig := sshKeygenSign(t, key, "file", []byte("hello\n"))
	s, err := parseSignature(sig)
	if err != nil {
		t.Fatal(err)
	}
	if s.namespace != "file" || s.hashAlg != "sha512" {
		t.Errorf("namespace %q hash %q", s.namespace, s.hashAlg)
	}
	if !bytes.Equal(s.armor(), sig) {
		t.Errorf("re-armored:\n%s\nwant\n%s", s.armor(), sig)
	}
	if err := s.verify([]byte("hello\n")); err != nil {
		t.Error(err)
	}
	if err := s.verify([]byte("hello")); err == nil {
		t.Error("verified over another message")
	}
	// CRLF line ends and surrounding blank lines are fine.
	crlf := "\r\n" + strings.ReplaceAll(string(sig), "\n", "\r\n") + "\r\n"
	if _, err := parseSignature([]byte(crlf)); err != nil {
		t.Errorf("CRLF: %v", err)
	}
}
