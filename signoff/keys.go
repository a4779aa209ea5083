package signoff

import (
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// maxKeyBytes bounds the size of a key file.
const maxKeyBytes = 1 << 20

// Errors a caller may want to tell apart, to fall back to ssh-agent or to
// print a hint.
var (
	// ErrEncryptedKey: the private key file needs a passphrase, which blast
	// never asks for.
	ErrEncryptedKey = errors.New("the key is protected by a passphrase")
	// ErrNoAgent: SSH_AUTH_SOCK is not set.
	ErrNoAgent = errors.New("no ssh-agent: SSH_AUTH_SOCK is not set")
)

// SignerFromFile loads an unencrypted private key file (OpenSSH, PKCS#1,
// PKCS#8 or SEC 1). For a key protected by a passphrase it returns an error
// wrapping ErrEncryptedKey that says to use ssh-agent or ssh-keygen -Y sign;
// for a hardware-backed (sk) key, one that says the same, since only
// OpenSSH can talk to the device.
func SignerFromFile(path string) (ssh.Signer, error) {
	data, err := readFileMax(path, maxKeyBytes)
	if err != nil {
		return nil, fmt.Errorf("reading key: %w", err)
	}
	if _, _, _, _, err := ssh.ParseAuthorizedKey(data); err == nil {
		return nil, fmt.Errorf("reading key %s: this is a public key: give the private key, or add it to ssh-agent and sign through the agent", path)
	}
	signer, err := ssh.ParsePrivateKey(data)
	if err == nil {
		return signer, nil
	}
	var pm *ssh.PassphraseMissingError
	if errors.As(err, &pm) {
		return nil, fmt.Errorf("reading key %s: %w: add it to ssh-agent (ssh-add %s) and sign through the agent, or sign with ssh-keygen -Y sign -n %s", path, ErrEncryptedKey, path, Namespace)
	}
	if k := embeddedPublicKey(data); k != nil && strings.HasPrefix(k.Type(), "sk-") {
		return nil, fmt.Errorf("reading key %s: %s is a hardware-backed key: sign through ssh-agent, or with ssh-keygen -Y sign -n %s", path, k.Type(), Namespace)
	}
	return nil, fmt.Errorf("reading key %s: %s", path, strings.TrimPrefix(err.Error(), "ssh: "))
}

// embeddedPublicKey returns the public key that an OpenSSH private key
// file carries in the clear, encrypted or not, or nil.
func embeddedPublicKey(data []byte) ssh.PublicKey {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "OPENSSH PRIVATE KEY" {
		return nil
	}
	const magic = "openssh-key-v1\x00"
	r := reader{b: block.Bytes}
	if string(r.bytes(len(magic))) != magic {
		return nil
	}
	r.string() // cipher
	r.string() // kdf
	r.string() // kdf options
	r.uint32() // number of keys
	blob := r.string()
	if r.bad {
		return nil
	}
	k, err := ssh.ParsePublicKey(blob)
	if err != nil {
		return nil
	}
	return k
}

// AgentSigner returns a signer for a key held by the ssh-agent listening on
// socket (SSH_AUTH_SOCK when socket is ""), and a function that closes the
// connection once signing is done. keyFile names the key to use: a public
// key file, or a private key file with its .pub beside it. With keyFile ""
// the agent must hold exactly one key. Keys on hardware tokens work through
// the agent.
func AgentSigner(socket, keyFile string) (ssh.Signer, func() error, error) {
	var want ssh.PublicKey
	if keyFile != "" {
		var err error
		if want, err = readPublicKey(keyFile); err != nil {
			return nil, nil, err
		}
	}
	if socket == "" {
		socket = os.Getenv("SSH_AUTH_SOCK")
	}
	if socket == "" {
		return nil, nil, ErrNoAgent
	}
	conn, err := net.Dial("unix", socket)
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to ssh-agent: %w", err)
	}
	signers, err := agent.NewClient(conn).Signers()
	if err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("listing ssh-agent keys: %w", err)
	}
	pick, err := pickSigner(signers, want)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	return pick, conn.Close, nil
}

func pickSigner(signers []ssh.Signer, want ssh.PublicKey) (ssh.Signer, error) {
	if want != nil {
		wantBlob := want.Marshal()
		wantPlain := plainKey(want).Marshal()
		var plain ssh.Signer
		for _, s := range signers {
			switch string(s.PublicKey().Marshal()) {
			case string(wantBlob):
				return s, nil
			case string(wantPlain):
				plain = s
			}
		}
		if plain != nil {
			return plain, nil
		}
		return nil, fmt.Errorf("ssh-agent does not hold key %s: add it with ssh-add", ssh.FingerprintSHA256(plainKey(want)))
	}
	switch len(signers) {
	case 0:
		return nil, errors.New("ssh-agent holds no keys: add one with ssh-add")
	case 1:
		return signers[0], nil
	}
	var fps []string
	for _, s := range signers {
		fps = append(fps, ssh.FingerprintSHA256(s.PublicKey()))
	}
	return nil, fmt.Errorf("ssh-agent holds %d keys (%s): name the one to sign with", len(signers), strings.Join(fps, ", "))
}

// readPublicKey reads a public key file, or the .pub beside a private key.
func readPublicKey(path string) (ssh.PublicKey, error) {
	data, err := readFileMax(path, maxKeyBytes)
	if err != nil {
		return nil, fmt.Errorf("reading key: %w", err)
	}
	if k, _, _, _, err := ssh.ParseAuthorizedKey(data); err == nil {
		return k, nil
	}
	if !strings.HasSuffix(path, ".pub") {
		if k, err := readPublicKey(path + ".pub"); err == nil {
			return k, nil
		}
		if k := embeddedPublicKey(data); k != nil {
			return k, nil
		}
		if s, err := ssh.ParsePrivateKey(data); err == nil {
			return s.PublicKey(), nil
		}
	}
	return nil, fmt.Errorf("reading key %s: not a public key", path)
}
