// Package guard is blast's gate at the agent's terminal: a pre-command hook
// for AI coding agents (Claude Code's PreToolUse, Gemini CLI's BeforeTool,
// Cursor's beforeShellExecution, GitHub Copilot's preToolUse) that blocks a
// shell command which would change infrastructure outside blast's gate.
//
// blast exists because a coding agent, asked to fix an environment, deleted
// and recreated it. blast check guards the pull request and blast apply the
// engineer's own apply; an agent that types terraform apply -auto-approve
// skips both. The agent lets a hook judge every command first. The guard is
// that hook: the way through it is the gate itself (make a plan, blast check
// it, blast apply it, which needs a senior's sign-off above the threshold).
//
// # How it judges
//
// The command line is parsed with a real shell parser (mvdan.cc/sh), never
// matched with regular expressions: every simple command in it is judged,
// in lists, pipes, subshells, command and process substitutions, function
// bodies and here-documents. Quoting, backslashes, ANSI-C strings and brace
// expansion are resolved as the shell would. Commands that run other
// commands are followed: sudo, doas, env (also -S), command, builtin, exec,
// nohup, nice, ionice, timeout, stdbuf, time, setsid, chroot, taskset,
// xargs, find -exec, watch, ssh, su -c, script -c, flock, trap, shells with
// -c, a script file, a here-document or a here-string, docker run of a
// Terraform image, go run ./cmd/blast, and aliases defined in the line. Any
// other command whose arguments name a Terraform-family tool (aws-vault exec
// p -- terraform apply, kubectl exec pod -- sh -c '...') is judged from that
// argument on.
//
// Blocked (Changes): terraform and tofu apply (with or without a plan file,
// -auto-approve, -destroy), destroy, import, taint, untaint, force-unlock,
// refresh, test (it creates real infrastructure), state other than list,
// show, pull and identities, workspace delete, and any subcommand not known
// to be read-only; terragrunt with any of those words among its arguments
// (apply, run-all apply, run --all apply, run -- apply, apply-all ...);
// cdktf deploy and destroy. Allowed: init, plan, show, validate, fmt,
// output, graph, providers, version, console, get, login, logout, state
// list/show/pull, workspace list/show/new/select, `terraform SUB -help`
// alone, and blast apply, which is the gate (with --terraform-bin only
// terraform or tofu). blast approve, and ssh-keygen -Y sign in blast's
// namespace, are blocked (SignOff): a sign-off is a senior's act.
//
// Blocked because the guard cannot tell (Undecidable), so that it fails
// closed: a line it cannot parse; eval; a command name or a Terraform
// subcommand from a variable, a substitution or a glob; a shell reading a
// pipe; a here-document with expansions given to a shell; a script it
// cannot find or read (after a cd it cannot follow, say); code for
// python, node, ruby, perl, php, lua, awk that mentions a Terraform-family
// tool or decodes strings at run time (base64, eval, chr ...); a Makefile,
// package.json (npm run, yarn, pnpm, bun) or non-shell script that
// mentions one; setting TF_CLI_ARGS (it can turn a bare terraform into
// terraform apply) or changing the variables that tell blast an agent is at
// work. The policy can allow named scripts unread (guard.allow_scripts).
//
// Allowed as ordinary commands: names the guard does not know (an alias
// defined outside the line is unknown to it, tf excepted), compiled
// programs, python -m, and commands that only print their arguments (echo,
// grep, git commit -m ...).
//
// What a hook cannot stop: a program that calls terraform itself, a
// compiled binary, a script whose text hides the tool's name from the
// guard's reading, a PATH that puts another terraform first, or a change to
// the hook's configuration; the documentation says how to protect those.
//
// # Failing closed
//
// Claude Code lets a command run when its hook exits with any code but 2, a
// crash included. So Run never returns anything but ExitAllow or ExitBlock:
// a malformed event, an unreadable or invalid policy, a panic (recovered)
// and a decision not made within a timeout all block, with the reason on
// stderr and, for Cursor and Copilot, a deny decision on stdout.
//
// DetectAgent tells from the environment whether blast runs under a coding
// agent, so that blast check and blast apply can apply the stricter
// AI-assisted threshold.
package guard
