// Package signoff binds a senior's approval to one exact plan: a digest of
// what the plans will do, the payload a sign-off signs, SSH signatures in
// OpenSSH's SSHSIG format over it, and their verification against a git-style
// allowed_signers file.
//
// A sign-off is a file, NAME.sig, holding what
//
//	blast digest plan.json > payload
//	ssh-keygen -Y sign -f ~/.ssh/id_ed25519 -n blast-signoff payload
//
// writes to payload.sig, or what Sign writes for the same payload. Any change
// to what the plans do changes the payload, so an old sign-off no longer
// verifies; re-running the same plan does not, so it stays valid.
//
// # Payload
//
// The payload, version 1, is exactly three lines, each ending in "\n":
//
//	blast-signoff v1
//	digest sha256:<64 lower-case hex digits>
//	changes <N>
//
// where the digest is described below and N, in decimal, is the number of
// change lines in it (changes that count, over all plans).
//
// # Canonical form and digest
//
// The digest is SHA-256 of the canonical form of the plans, version 1. It is
// built from netstrings: N(s) is the decimal length of the byte string s (no
// leading zeros; "0" when empty), ":", s, ",". So N("ab") = "2:ab,".
//
// Every change of a plan counts except a plain no-op: a change whose kind is
// no_op counts only if it moves the object (previous_address set) or
// imports it, since that changes the state. Resource drift, deferred changes,
// output changes and data not tied to changes are not part of the digest.
// A change that counts is the change line
//
//	N( N(address) N(deposed) N(actions) N(reason) N(forced_by)
//	   N(moved_from) N(imported) N(before_hash) N(after_hash) )
//
// (no spaces or newlines: the fields are concatenated) where
//   - address is the full instance address, deposed the deposed key ("" for
//     the current object), reason Terraform's action_reason ("" for none),
//     moved_from the previous_address ("" when not moved);
//   - actions is the concatenation of N(action) for Terraform's actions in
//     Terraform's order ("delete","create" differs from "create","delete");
//   - forced_by is the concatenation of N(path) for the replace_paths
//     rendered as planjson renders them (network_interface.0.subnet_id,
//     tags["team"]), sorted by byte value;
//   - imported is "true" or "false";
//   - before_hash and after_hash are plan.Change.BeforeHash and
//     AfterHash, lower-case hex: SHA-256 of the Go encoding/json encoding
//     (object keys sorted, numbers as written in the plan) of change.before,
//     and of the two-element array [change.after, change.after_unknown].
//
// A plan record is N(the concatenation of the plan's change lines, sorted by
// byte value); a plan with no change that counts has no record. The canonical
// form is the 16 bytes "blast-digest v1\n" followed by the plan records,
// sorted by byte value. With no record at all it is just those 16 bytes.
//
// So the digest ignores everything that varies between two runs of the same
// plan: the timestamp, terraform_version and format_version, the file's name
// and path (CI workspaces differ), whitespace, and the order of the plans and
// of their resource changes. It keeps which changes are planned together: two
// plans (workspaces) may hold the same address, and moving a change from one
// plan to another changes the digest, yet the plans have no names, only their
// changes. Duplicate change lines are kept (a multiset). The encoding is
// prefix-free, so two different sets of changes have different canonical
// forms.
//
// # Signatures
//
// A sign-off is an armored SSHSIG signature (OpenSSH PROTOCOL.sshsig) in the
// namespace "blast-signoff", hash sha512 (sha256 is accepted too). Keys may be
// ed25519, ECDSA (P-256, P-384, P-521), RSA (signing with rsa-sha2-512;
// rsa-sha2-256 is accepted, SHA-1 ssh-rsa is refused as OpenSSH refuses it),
// and the hardware-backed sk-ssh-ed25519@openssh.com and
// sk-ecdsa-sha2-nistp256@openssh.com (which must carry the user-presence
// flag), or OpenSSH user certificates of these, vouched for by a
// cert-authority line.
//
// SSHSIG is implemented here, over golang.org/x/crypto/ssh, rather than with
// a module such as github.com/hiddeco/sshsig: the format is one fixed record
// and one signed preamble (about 150 lines with the armor), x/crypto/ssh
// already does the key types and the signature check, and owning the parser
// lets Verify bound what it reads, tell a malformed file from a wrong
// namespace or a wrong plan, and refuse SHA-1 RSA signatures, with no
// dependency beyond x/crypto. The tests check it against ssh-keygen both ways.
//
// # Verification
//
// Verify judges every .sig file of a directory, in name order, and gives each
// one Reason, checked in this order: malformed (not an SSHSIG file, or over
// MaxSignatureBytes), wrong-namespace (signed for another namespace),
// unknown-key (no allowed_signers line holds the key), wrong-plan (the
// signature does not verify over this payload: made for another plan, a
// changed plan, or altered), wrong-namespace (the key's line has a
// namespaces= option that excludes blast-signoff), expired-key (outside
// valid-after/valid-before, or the certificate's window), self-approval (a
// principal of the key's line matches the author), not-a-senior,
// duplicate-signer (this principal already counted in an earlier file), and
// ok. When several lines hold the key, the ones left after each check are
// used for the next; the principal reported is that of the first. Only ok
// counts. Signatures carry no timestamp, so valid-after/valid-before are
// judged at the time of verification, as ssh-keygen -Y verify does.
package signoff
