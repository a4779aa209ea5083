package signoff

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
)

// fixture returns the path of a real plan made by Terraform.
func fixture(name string) string {
	return filepath.Join("..", "fixtures", name, "plan.json")
}

// loadPlan loads a fixture plan through planjson, as blast check does.
func loadPlan(t testing.TB, name string) []*plan.Plan {
	t.Helper()
	plans, err := planjson.Load(fixture(name), planjson.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return plans
}

// rawPlan decodes a fixture plan's JSON, numbers kept as written.
func rawPlan(t testing.TB, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(fixture(name))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// parseRaw encodes a decoded plan (indented, so whitespace differs from the
// fixture) and analyses it under the given source name.
func parseRaw(t testing.TB, source string, m map[string]any) []*plan.Plan {
	t.Helper()
	data, err := json.MarshalIndent(m, "", "   ")
	if err != nil {
		t.Fatal(err)
	}
	plans, err := planjson.Parse(source, data)
	if err != nil {
		t.Fatal(err)
	}
	return plans
}

// resourceChange returns the resource change of a decoded plan at address.
func resourceChange(t testing.TB, m map[string]any, address string) map[string]any {
	t.Helper()
	for _, rc := range m["resource_changes"].([]any) {
		rc := rc.(map[string]any)
		if rc["address"] == address {
			return rc
		}
	}
	t.Fatalf("no resource change %s", address)
	return nil
}

// needSSHKeygen skips the test when OpenSSH's tools are missing.
func needSSHKeygen(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen is not on PATH: the interoperability tests need OpenSSH's ssh-keygen")
	}
}

// run runs a command and fails the test if it fails.
func run(t testing.TB, stdin []byte, name string, args ...string) []byte {
	t.Helper()
	out, err := runErr(stdin, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func runErr(stdin []byte, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Env = append(os.Environ(), "SSH_AUTH_SOCK=")
	return cmd.CombinedOutput()
}

// keyPair is a key made by ssh-keygen.
type keyPair struct {
	priv string // private key file
	pub  string // public key line, without comment
}

// genKey makes a key with ssh-keygen: typ is "ed25519", "ecdsa-256",
// "ecdsa-384", "ecdsa-521", "rsa" or "rsa-3072", passphrase "" for none.
func genKey(t testing.TB, dir, name, typ, passphrase string) keyPair {
	t.Helper()
	path := filepath.Join(dir, name)
	args := []string{"-q", "-N", passphrase, "-C", name, "-f", path}
	switch {
	case strings.HasPrefix(typ, "ecdsa-"):
		args = append(args, "-t", "ecdsa", "-b", strings.TrimPrefix(typ, "ecdsa-"))
	case typ == "rsa":
		args = append(args, "-t", "rsa", "-b", "2048")
	case strings.HasPrefix(typ, "rsa-"):
		args = append(args, "-t", "rsa", "-b", strings.TrimPrefix(typ, "rsa-"))
	default:
		args = append(args, "-t", typ)
	}
	run(t, nil, "ssh-keygen", args...)
	pub, err := os.ReadFile(path + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(pub))
	return keyPair{priv: path, pub: f[0] + " " + f[1]}
}

// sshKeygenSign signs payload with ssh-keygen -Y sign and returns the .sig.
func sshKeygenSign(t testing.TB, key keyPair, namespace string, payload []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "payload")
	if err := os.WriteFile(file, payload, 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, nil, "ssh-keygen", "-q", "-Y", "sign", "-f", key.priv, "-n", namespace, file)
	sig, err := os.ReadFile(file + ".sig")
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// sshKeygenVerify runs ssh-keygen -Y verify and returns its error.
func sshKeygenVerify(t testing.TB, allowedSigners, principal, namespace string, sig, payload []byte) ([]byte, error) {
	t.Helper()
	dir := t.TempDir()
	sigFile := filepath.Join(dir, "payload.sig")
	if err := os.WriteFile(sigFile, sig, 0o600); err != nil {
		t.Fatal(err)
	}
	return runErr(payload, "ssh-keygen", "-Y", "verify", "-f", allowedSigners, "-I", principal, "-n", namespace, "-s", sigFile)
}

// writeFile writes a file in dir and returns its path.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
