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
// The payload, version 2, is exactly three lines, each ending in "\n":
//
//	blast-signoff v2
//	digest sha256:<64 lower-case hex digits>
//	changes <N>
//
// where the digest is described below and N, in decimal, is the number of
// resource changes that do something, over all plans: every change but a
// plain no-op (a no-op counts when it moves the object, previous_address
// set, or imports it). N is for the person signing; the digest binds every
// change, no-ops included.
//
// # What the digest binds
//
// A sign-off binds everything `terraform apply PLANFILE` will do: apply
// makes the planned changes, runs the provisioners of the plan's
// configuration (create-time and destroy-time) with its variables, writes
// its outputs, and starts from its refreshed state. So the digest covers,
// of each plan JSON:
//
//   - every entry of resource_changes, whole: every field, read by blast or
//     not (address, mode, type, name, index, module_address, provider_name,
//     deposed, previous_address, action_reason, and in change: actions,
//     before, after, after_unknown, before_sensitive, after_sensitive,
//     replace_paths, importing, generated_config, and any other);
//   - every top-level key but those below, whole: configuration
//     (provisioners, provider configurations, module calls, expressions),
//     variables (their values), output_changes, prior_state (the refreshed
//     state apply starts from, data sources read during planning
//     included), terraform_version, format_version, relevant_attributes,
//     checks, deferred_changes, complete, applyable, errored, and any key a
//     later Terraform adds: a key is left out only for a reason.
//
// Left out, each for its reason:
//
//   - timestamp: the time of planning, different on every run;
//   - resource_drift: changes made outside Terraform, which apply does not
//     act on; the refreshed objects it reports are in prior_state, which is
//     bound;
//   - planned_values: derived from resource_changes and output_changes,
//     which are bound;
//   - resource_changes as a list: bound entry by entry, so that the order
//     of the entries does not matter;
//   - the file's name and path (CI workspaces differ), its whitespace, the
//     order of keys within objects, the order of the plans of a stream.
//
// So planning again on the same code and state, with the same Terraform and
// the same variables, keeps the digest (the tests do it with real
// Terraform); another Terraform version, a changed variable, an edited
// provisioner or output, or a world that drifted (which shows in
// prior_state) gives another one, and the sign-off must be made again.
//
// # Canonical form and digest
//
// The digest is SHA-256 of the canonical form of the plans, version 2. It is
// built from netstrings: N(s) is the decimal length of the byte string s (no
// leading zeros; "0" when empty), ":", s, ",". So N("ab") = "2:ab,".
//
// A value's digest is SHA-256, written as 64 lower-case hex digits, of its
// canonical JSON: what Go's encoding/json Marshal writes for the value that
// encoding/json decodes (no white space, object keys sorted by byte value,
// a key given twice keeping its last value, numbers exactly as written in
// the plan, strings with encoding/json's escaping, which escapes <, > and &
// as \u003c, \u003e, \u0026 and U+2028, U+2029 as \u2028, \u2029). The
// loader keeps these digests (plan.Change.EntryHash, plan.Plan.Sections),
// never the values.
//
// A plan record is
//
//	N( N(sections) N(entries) )
//
// (no spaces: the parts are concatenated) where sections is the
// concatenation, over the bound top-level keys sorted by byte value, of
// N(key) N(digest of the key's value), and entries is the concatenation of
// N(digest of the entry) over the entries of resource_changes, sorted by
// byte value (a multiset: an entry given twice counts twice). The
// canonical form is the 16 bytes "blast-digest v2\n" followed by the
// records of the plans, sorted by byte value. With no plan it is just those
// 16 bytes.
//
// Every plan has a record, one with no change too: applying it still
// writes outputs and state. Two plans (workspaces) may hold the same
// address, and moving a change from one plan to another changes the digest,
// yet the plans have no names. The encoding is prefix-free, so two
// different plans have different canonical forms.
//
// # Older formats
//
// Version 1 ("blast-signoff v1", "blast-digest v1\n") bound the resource
// changes alone: address, deposed key, actions, action_reason, forced-by
// paths, previous_address, whether it imports, and digests of before and of
// [after, after_unknown], plain no-ops left out. It missed the provider,
// sensitivity, import ids, outputs, variables and configuration, so a plan
// whose apply ran another command kept its digest. OldPayloads still
// computes it, so that Verify reports a sign-off made in it as old-format
// rather than as one for another plan; it never counts.
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
// unknown-key (no allowed_signers line holds the key), old-format (the
// signature verifies over one of VerifyOptions.OldPayloads: made for this
// plan by an older blast), wrong-plan (the signature does not verify over
// this payload: made for another plan, a changed plan, or altered),
// wrong-namespace (the key's line has a
// namespaces= option that excludes blast-signoff), expired-key (outside
// valid-after/valid-before, or the certificate's window), self-approval (a
// principal of the key's line matches the author), not-a-senior,
// duplicate-signer (this principal already counted in an earlier file), and
// ok. When several lines hold the key, the ones left after each check are
// used for the next; the principal reported is that of the first. Only ok
// counts. Signatures carry no timestamp, so valid-after/valid-before are
// judged at the time of verification, as ssh-keygen -Y verify does.
package signoff
