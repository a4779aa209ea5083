// Package check is blast as a library: it runs the whole judgement of
// `blast check` — load the plans, build each plan's dependency graph once,
// assess them against the policy, verify the sign-offs, and gate — and
// returns the report and the decision without printing anything.
//
// It also establishes the gate's inputs that come from around the plans:
// the policy file (found up to the repository root) and its environment, and
// from git the authors of the change and whether it was AI-assisted.
//
// Command blast is a thin client: it binds flags to Options, calls Run,
// renders the report and maps the decision to an exit code.
package check
