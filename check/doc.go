// Package check is blast as a library: it runs the whole judgement of
// `blast check` — load the plans, build each plan's dependency graph once,
// assess them against the policy, verify the sign-offs, and gate — and
// returns the report and the decision without printing anything.
//
// It also establishes the gate's inputs that come from around the plans:
// the policy and the seniors' keys, the environment, and from git the
// authors of the change and whether it was AI-assisted.
//
// # Trust
//
// A gate is worth what its weakest input is worth, and in a pull- or
// merge-request pipeline the change under review controls the working
// tree, the CI files and therefore every flag. So:
//
//   - The policy (.blast.yml) and the allowed_signers file it names are
//     read with git from a trusted ref, never from the working tree. In a
//     request pipeline (GITHUB_BASE_REF; CI_MERGE_REQUEST_IID) that ref is
//     the target: origin/<base> on GitHub, CI_MERGE_REQUEST_DIFF_BASE_SHA or
//     origin/<target> on GitLab. If it is not in the clone, blast stops
//     with exit 1 and the git fetch that fixes it; it fetches nothing and
//     never falls back. Elsewhere --trusted-ref REF opts in, and the
//     working tree is the default. allowed_signers is resolved relative to
//     the policy inside the trusted tree and may not leave it; a symlink
//     there is read as the link's text, never followed.
//   - Sign-off files (.sig) come from the working tree: each is checked
//     against the trusted keys, so the change can add them but not forge
//     them.
//   - Environment paths are matched against each plan's path relative to
//     the repository root, with symlinks, "..", "." and "//" resolved,
//     whatever the working folder. Standard input and files outside the
//     root match no environment; the report says so, and unmatched:
//     strictest judges them under the strictest environment.
//   - The change is merge-base(trusted ref, HEAD)..HEAD, over the whole
//     repository. Its authors and committers may not approve it, except
//     the committers of commits that only add files under the sign-off
//     folder. Where it cannot be read (a shallow clone whose history is
//     cut, no common history, no git, no range at all) no sign-off counts
//     (author-unknown) and the report says how to fix it.
//   - Sign-offs count distinct people: the policy's people group
//     principals and git e-mails, and self-approval covers all of them.
//
// Flags only tighten, because a request pipeline's flags are the change's
// to write. What each flag may do:
//
//   - --threshold: lower than the effective threshold (the policy's or its
//     environment's), never higher (exit 1), unless the trusted policy sets
//     allow_overrides: true.
//   - --environment (alias --env): chooses for plans no environment's paths
//     match; for a plan whose path matches one, both apply and the
//     strictest setting of each wins, unless allow_overrides.
//   - --trusted-ref: elsewhere, any commit; in a request pipeline only the
//     pipeline's own target (the same commit), else exit 1.
//   - --policy: in trusted mode names a file of the trusted tree; in a
//     request pipeline only .blast.yml at the root, unless that file sets
//     allow_overrides.
//   - --allowed-signers: in trusted mode names a file of the trusted tree.
//   - --commits: adds a range of commits whose authors may not approve and
//     whose messages are checked for AI markers; in a request pipeline it
//     never narrows the trusted range nor makes unknown authors known. On
//     a machine without a trusted ref it is the range.
//   - --author: adds an author. On a machine it vouches for the authors
//     when there is no range; in a request pipeline it cannot.
//   - --ai-assisted: can only switch the stricter threshold on. So can
//     an agent's variable in the environment (CLAUDECODE=1, see
//     AgentFromEnv): a command an agent runs is AI-assisted.
//   - --signoffs: any folder; only signatures by trusted keys count.
//   - --context: adds other stacks' state to the policy's context entries
//     (never removes one); context only adds dependents, so it can only
//     raise the score, and a missing or bad file is exit 1.
//
// Outputs: --output, approve --out and policy init write through a fresh
// temporary file in the target's folder, then rename; a link or a folder
// at the target (or a linked folder on a relative path) is exit 1 with
// the target untouched. File names of sign-offs are escaped in reports.
//
// Apply: blast apply copies the binary plan into a private folder (0700,
// the copy created with O_EXCL), judges that copy and runs terraform apply
// on that copy, so a plan swapped after the check is never applied; options
// that change what a saved plan does are refused, in TF_CLI_ARGS and
// TF_CLI_ARGS_apply too (CheckApplyArgs). Sign-off pruning removes only
// regular files that verify as wrong-plan, never through a link.
//
// What blast cannot protect: the plan itself and its path are made by the
// pipeline the change can edit; the team protects the target branch (its
// .blast.yml, allowed_signers and CI files) with branch protection and
// CODEOWNERS, and gives apply only plans the gate passed (blast apply).
//
// Command blast is a thin client: it binds flags to Options, calls Run,
// renders the report and maps the decision to an exit code.
package check
