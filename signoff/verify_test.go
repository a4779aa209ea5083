package signoff

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blast-dev/blast/plan"
)

func mustParse(t testing.TB, text string) *AllowedSigners {
	t.Helper()
	a, err := ParseAllowedSigners("allowed_signers", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustVerify(t testing.TB, opts VerifyOptions) *Result {
	t.Helper()
	res, err := Verify(opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// wantReasons checks the reason of every sign-off, in file order, and that
// Valid goes with ok.
func wantReasons(t testing.TB, res *Result, want ...Reason) {
	t.Helper()
	var got []Reason
	for _, so := range res.SignOffs {
		got = append(got, so.Reason)
		if so.Valid != (so.Reason == ReasonOK) {
			t.Errorf("%s: Valid %v with reason %s", so.File, so.Valid, so.Reason)
		}
		if so.Detail == "" {
			t.Errorf("%s: no detail", so.File)
		}
	}
	if !slices.Equal(got, want) {
		for _, so := range res.SignOffs {
			t.Logf("%s: %s (%s) principal %q: %s", so.File, so.Reason, so.Reason.Text(), so.Principal, so.Detail)
		}
		t.Errorf("reasons %v, want %v", got, want)
	}
}

// team is a set of people with keys, and an allowed_signers file:
// alice and bob are seniors, carol is listed but not a senior, dave's key
// has expired, erin's key is for git commits only, frank's is not valid
// yet, and mallory is not in the file at all.
type team struct {
	keys    map[string]keyPair
	signers *AllowedSigners
	seniors []string
}

func newTeam(t *testing.T) *team {
	t.Helper()
	needSSHKeygen(t)
	dir := t.TempDir()
	tm := &team{keys: map[string]keyPair{}, seniors: []string{"alice@example.com", "bob@example.com"}}
	types := map[string]string{"alice": "ed25519", "bob": "ecdsa-256", "carol": "ed25519", "dave": "rsa", "erin": "ed25519", "frank": "ed25519", "mallory": "ed25519"}
	for name, typ := range types {
		tm.keys[name] = genKey(t, dir, name, typ, "")
	}
	text := "# seniors\n" +
		"alice@example.com " + tm.keys["alice"].pub + " alice's laptop\n" +
		`"bob@example.com" namespaces="git,blast-*" ` + tm.keys["bob"].pub + "\n" +
		"\n" +
		"carol@example.com " + tm.keys["carol"].pub + "\n" +
		`dave@example.com valid-before="20200101Z" ` + tm.keys["dave"].pub + "\n" +
		`erin@example.com namespaces="git" ` + tm.keys["erin"].pub + "\n" +
		`frank@example.com valid-after="29990101" ` + tm.keys["frank"].pub + "\n"
	tm.signers = mustParse(t, text)
	return tm
}

// sign has name sign payload with ssh-keygen, in the namespace.
func (tm *team) sign(t *testing.T, name, namespace string, payload []byte) []byte {
	return sshKeygenSign(t, tm.keys[name], namespace, payload)
}

// The attacks of issue 5, each alone in a directory, against plan A.
func TestVerifyAttacks(t *testing.T) {
	tm := newTeam(t)
	planA := loadPlan(t, "replace")
	payloadA := Payload(planA)
	payloadB := Payload(loadPlan(t, "delete"))
	good := tm.sign(t, "alice", Namespace, payloadA)

	// Plan A, changed after alice signed it: one action, one value.
	m := rawPlan(t, "replace")
	resourceChange(t, m, "terraform_data.database")["change"].(map[string]any)["actions"] = []any{"create", "delete"}
	changedAction := Payload(parseRaw(t, "plan.json", m))
	m = rawPlan(t, "replace")
	after := resourceChange(t, m, "terraform_data.database")["change"].(map[string]any)["after"].(map[string]any)
	after["triggers_replace"].(map[string]any)["engine_version"] = "17"
	changedValue := Payload(parseRaw(t, "plan.json", m))

	cases := []struct {
		name    string
		sig     []byte
		payload []byte // what is being checked; payloadA when nil
		author  string
		want    Reason
	}{
		{name: "valid", sig: good, want: ReasonOK},
		{name: "key not in the file", sig: tm.sign(t, "mallory", Namespace, payloadA), want: ReasonUnknownKey},
		{name: "principal not a senior", sig: tm.sign(t, "carol", Namespace, payloadA), want: ReasonNotASenior},
		{name: "another namespace", sig: tm.sign(t, "alice", "other", payloadA), want: ReasonWrongNamespace},
		{name: "git commit signature", sig: tm.sign(t, "alice", "git", payloadA), want: ReasonWrongNamespace},
		{name: "key only for git", sig: tm.sign(t, "erin", Namespace, payloadA), want: ReasonWrongNamespace},
		{name: "sign-off for a different plan", sig: tm.sign(t, "alice", Namespace, payloadB), want: ReasonWrongPlan},
		{name: "plan changed after signing: one action", sig: good, payload: changedAction, want: ReasonWrongPlan},
		{name: "plan changed after signing: one value", sig: good, payload: changedValue, want: ReasonWrongPlan},
		{name: "replayed old sign-off", sig: good, payload: payloadB, want: ReasonWrongPlan},
		{name: "self-approval", sig: good, author: "Alice <ALICE@example.com>", want: ReasonSelfApproval},
		{name: "someone else's change", sig: good, author: "bob@example.com", want: ReasonOK},
		{name: "expired key", sig: tm.sign(t, "dave", Namespace, payloadA), want: ReasonExpiredKey},
		{name: "key not yet valid", sig: tm.sign(t, "frank", Namespace, payloadA), want: ReasonExpiredKey},
		{name: "senior with namespace patterns", sig: tm.sign(t, "bob", Namespace, payloadA), want: ReasonOK},
		{name: "truncated", sig: good[:len(good)/2], want: ReasonMalformed},
		{name: "truncated inside the base64", sig: []byte(strings.Replace(string(good), "\n-----END", "AAAA\n-----END", 1)[:len(good)-60] + "\n-----END SSH SIGNATURE-----\n"), want: ReasonMalformed},
		{name: "garbage", sig: []byte("\x00\xff garbage \x7f"), want: ReasonMalformed},
		{name: "empty", sig: []byte{}, want: ReasonMalformed},
		{name: "armor around garbage", sig: []byte("-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"), want: ReasonMalformed},
		{name: "a public key, not a signature", sig: []byte(tm.keys["alice"].pub), want: ReasonMalformed},
		{name: "too large", sig: append(good, make([]byte, MaxSignatureBytes)...), want: ReasonMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "signoff.sig", c.sig)
			payload := c.payload
			if payload == nil {
				payload = payloadA
			}
			res := mustVerify(t, VerifyOptions{Payload: payload, Dir: dir, AllowedSigners: tm.signers, Seniors: tm.seniors, Author: c.author})
			wantReasons(t, res, c.want)
			if want := 0; c.want == ReasonOK {
				want = 1
				if res.Count() != want {
					t.Errorf("count %d, want %d", res.Count(), want)
				}
			} else if res.Count() != want {
				t.Errorf("count %d, want %d", res.Count(), want)
			}
		})
	}
}

// Without a list of seniors, every principal in the file is one.
func TestVerifyDefaultSeniors(t *testing.T) {
	tm := newTeam(t)
	payload := Payload(loadPlan(t, "replace"))
	dir := t.TempDir()
	writeFile(t, dir, "carol.sig", tm.sign(t, "carol", Namespace, payload))
	res := mustVerify(t, VerifyOptions{Payload: payload, Dir: dir, AllowedSigners: tm.signers})
	wantReasons(t, res, ReasonOK)
}

// A directory of sign-offs: sorted by name, one principal counts once, and
// two seniors count twice.
func TestVerifyDirectory(t *testing.T) {
	tm := newTeam(t)
	payload := Payload(loadPlan(t, "demo-teardown"))
	dir := t.TempDir()
	writeFile(t, dir, "b-alice-again.sig", tm.sign(t, "alice", Namespace, payload))
	writeFile(t, dir, "a-alice.sig", tm.sign(t, "alice", Namespace, payload))
	writeFile(t, dir, "c-bob.sig", tm.sign(t, "bob", Namespace, payload))
	writeFile(t, dir, "d-mallory.sig", tm.sign(t, "mallory", Namespace, payload))
	writeFile(t, dir, "e-garbage.sig", []byte("garbage"))
	writeFile(t, dir, "README.md", []byte("not a sign-off"))
	writeFile(t, dir, "payload", payload)
	if err := os.Mkdir(filepath.Join(dir, "f-dir.sig"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "g-fifo.sig"), 0o600); err != nil {
		t.Logf("no named pipe: %v", err)
	}
	done := make(chan *Result)
	go func() {
		res, err := Verify(VerifyOptions{Payload: payload, Dir: dir, AllowedSigners: tm.signers, Seniors: tm.seniors, Now: time.Now()})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	var res *Result
	select {
	case res = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Verify blocked (on the named pipe?)")
	}
	var files []string
	for _, so := range res.SignOffs {
		files = append(files, so.File)
	}
	wantFiles := []string{"a-alice.sig", "b-alice-again.sig", "c-bob.sig", "d-mallory.sig", "e-garbage.sig"}
	want := []Reason{ReasonOK, ReasonDuplicateSigner, ReasonOK, ReasonUnknownKey, ReasonMalformed}
	if _, err := os.Stat(filepath.Join(dir, "g-fifo.sig")); err == nil {
		wantFiles = append(wantFiles, "g-fifo.sig")
		want = append(want, ReasonMalformed)
	}
	if !slices.Equal(files, wantFiles) {
		t.Errorf("files %v, want %v", files, wantFiles)
	}
	wantReasons(t, res, want...)
	if !slices.Equal(res.Approvers, []string{"alice@example.com", "bob@example.com"}) || res.Count() != 2 {
		t.Errorf("approvers %v", res.Approvers)
	}
	if p := res.SignOffs[1].Principal; p != "alice@example.com" {
		t.Errorf("duplicate: principal %q", p)
	}
}

// Re-running the plan keeps a sign-off valid; changing it does not.
func TestVerifyRerunKeepsSignOff(t *testing.T) {
	tm := newTeam(t)
	payload := Payload(loadPlan(t, "tainted"))
	dir := t.TempDir()
	writeFile(t, dir, "alice.sig", tm.sign(t, "alice", Namespace, payload))

	m := rawPlan(t, "tainted")
	m["timestamp"] = "2030-06-01T00:00:00Z"
	slices.Reverse(m["resource_changes"].([]any))
	rerun := Payload(parseRaw(t, "/tmp/elsewhere/plan.json", m))
	res := mustVerify(t, VerifyOptions{Payload: rerun, Dir: dir, AllowedSigners: tm.signers, Seniors: tm.seniors})
	wantReasons(t, res, ReasonOK)

	ch := resourceChange(t, m, "terraform_data.app_server")["change"].(map[string]any)
	ch["before"].(map[string]any)["id"] = "another-object"
	res = mustVerify(t, VerifyOptions{Payload: Payload(parseRaw(t, "plan.json", m)), Dir: dir, AllowedSigners: tm.signers, Seniors: tm.seniors})
	wantReasons(t, res, ReasonWrongPlan)
	if res.SignOffs[0].Principal != "alice@example.com" {
		t.Errorf("wrong plan: principal %q, want the known signer", res.SignOffs[0].Principal)
	}
}

// A sign-off made by an older blast, over the version 1 payload of this very
// plan, does not count, and says why: the old digest bound less than apply
// does. One over another plan's old payload is for another plan.
func TestVerifyOldFormat(t *testing.T) {
	tm := newTeam(t)
	plans := loadPlan(t, "tainted")
	dir := t.TempDir()
	writeFile(t, dir, "alice.sig", tm.sign(t, "alice", Namespace, OldPayloads(plans)[0]))
	writeFile(t, dir, "bob.sig", tm.sign(t, "bob", Namespace, OldPayloads(loadPlan(t, "replace"))[0]))
	res := mustVerify(t, VerifyOptions{Payload: Payload(plans), OldPayloads: OldPayloads(plans), Dir: dir, AllowedSigners: tm.signers, Seniors: tm.seniors})
	wantReasons(t, res, ReasonOldFormat, ReasonWrongPlan)
	if d := res.SignOffs[0].Detail; !strings.Contains(d, "digest format v1") {
		t.Errorf("detail %q does not name the old format", d)
	}
	if res.Count() != 0 {
		t.Error("an old-format sign-off counted")
	}
	// Without the old payloads, it is a sign-off for another plan.
	res = mustVerify(t, VerifyOptions{Payload: Payload(plans), Dir: dir, AllowedSigners: tm.signers, Seniors: tm.seniors})
	wantReasons(t, res, ReasonWrongPlan, ReasonWrongPlan)
}

func TestVerifyDirectoryErrors(t *testing.T) {
	signers := mustParse(t, "")
	_, err := Verify(VerifyOptions{Dir: filepath.Join(t.TempDir(), "missing"), AllowedSigners: signers})
	if !errors.Is(err, ErrNoSignoffDir) {
		t.Errorf("missing directory: err %v", err)
	}
	file := writeFile(t, t.TempDir(), "file", nil)
	if _, err := Verify(VerifyOptions{Dir: file, AllowedSigners: signers}); err == nil {
		t.Error("a file for a directory: no error")
	}
	if _, err := Verify(VerifyOptions{Dir: t.TempDir()}); err == nil {
		t.Error("no allowed signers: no error")
	}
	res := mustVerify(t, VerifyOptions{Dir: t.TempDir(), AllowedSigners: signers})
	if res.Count() != 0 || len(res.SignOffs) != 0 || res.SignOffs == nil {
		t.Errorf("empty directory: %+v", res)
	}
}

// When several lines hold one key, a line that allows the namespace and is
// valid now is used, and the author is caught through any of them.
func TestVerifySharedKeyLines(t *testing.T) {
	needSSHKeygen(t)
	dir := t.TempDir()
	key := genKey(t, dir, "k", "ed25519", "")
	payload := Payload([]*plan.Plan{{Changes: []plan.Change{change("x", "delete")}}})
	sigs := t.TempDir()
	writeFile(t, sigs, "k.sig", sshKeygenSign(t, key, Namespace, payload))
	text := `old@example.com valid-before="20000101Z" ` + key.pub + "\n" +
		`git@example.com namespaces="git" ` + key.pub + "\n" +
		`lead@example.com,lead@corp.example ` + key.pub + "\n"
	signers := mustParse(t, text)
	res := mustVerify(t, VerifyOptions{Payload: payload, Dir: sigs, AllowedSigners: signers, Seniors: []string{"lead@corp.example"}})
	wantReasons(t, res, ReasonOK)
	if p := res.SignOffs[0].Principal; p != "lead@example.com,lead@corp.example" {
		t.Errorf("principal %q", p)
	}
	res = mustVerify(t, VerifyOptions{Payload: payload, Dir: sigs, AllowedSigners: signers, Author: "LEAD@example.com"})
	wantReasons(t, res, ReasonSelfApproval)
	res = mustVerify(t, VerifyOptions{Payload: payload, Dir: sigs, AllowedSigners: signers, Seniors: []string{"old@example.com"}})
	wantReasons(t, res, ReasonNotASenior)
	// Wildcards: a line for *@example.com except the author's team.
	signers = mustParse(t, `*@example.com,!intern@example.com `+key.pub+"\n")
	res = mustVerify(t, VerifyOptions{Payload: payload, Dir: sigs, AllowedSigners: signers, Seniors: []string{"intern@example.com"}})
	wantReasons(t, res, ReasonNotASenior)
	res = mustVerify(t, VerifyOptions{Payload: payload, Dir: sigs, AllowedSigners: signers, Seniors: []string{"boss@example.com"}})
	wantReasons(t, res, ReasonOK)
}

func TestReasonText(t *testing.T) {
	for _, r := range []Reason{ReasonOK, ReasonWrongPlan, ReasonUnknownKey, ReasonNotASenior, ReasonWrongNamespace,
		ReasonSelfApproval, ReasonExpiredKey, ReasonMalformed, ReasonDuplicateSigner, ReasonOldFormat} {
		if r.Text() == "" || r.Text() == string(r) {
			t.Errorf("%s: no text", r)
		}
	}
}
