package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/guard"
)

type guardOptions struct {
	agent  string
	policy string
}

// newGuardCmd is the pre-command hook for coding agents. Unlike every other
// command it never exits 1: for Claude Code that would let the command run.
// Bad flags and stray arguments block (exit 2) like any failure of the guard.
func newGuardCmd(a *app) *cobra.Command {
	opts := &guardOptions{}
	cmd := &cobra.Command{
		Use:   "guard",
		Short: "Block an AI coding agent's shell commands that change infrastructure outside the gate",
		Long: `Read a coding agent's pre-command hook event on standard input and block a
shell command that would change infrastructure outside blast's gate
(terraform apply, destroy, state rm ..., however it is disguised), or that it
cannot see into. Exit 0 lets the command run; exit 2 blocks it, with the
reason for the agent on stderr. It never exits 1: every failure blocks.

Claude Code (.claude/settings.json):
  "hooks": {"PreToolUse": [{"matcher": "Bash",
    "hooks": [{"type": "command", "command": "blast guard || exit 2"}]}]}

--agent picks the event format: claude (Claude Code, Codex CLI), copilot,
cursor, gemini. See docs/integrations.md, "AI coding agents".`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return exitWith(runGuard(a, opts, args))
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.agent, "agent", guard.Claude, "the agent's hook protocol: claude, copilot, cursor, gemini")
	f.StringVar(&opts.policy, "policy", "", "policy file (default: .blast.yml found from the command's directory)")
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return exitWith(guard.Refuse(opts.agent, fmt.Sprintf("bad flags: %v", err), a.stdout, a.stderr))
	})
	return cmd
}

func runGuard(a *app, opts *guardOptions, args []string) int {
	if len(args) > 0 {
		return guard.Refuse(opts.agent, fmt.Sprintf("blast guard takes no arguments, got %q", args[0]), a.stdout, a.stderr)
	}
	return guard.Run(guard.Options{Protocol: opts.agent, Policy: opts.policy}, a.stdin, a.stdout, a.stderr)
}
