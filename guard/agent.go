package guard

import "strings"

// agentVariables are set by coding agents in the shell commands they run.
// Each is documented by its agent, or read in its source where there is no
// document; the first that is set names the agent:
//
//   - CLAUDECODE=1: Claude Code, "set to 1 in subprocesses Claude Code
//     spawns (Bash and PowerShell tools ...)" (its environment variables
//     reference).
//   - GEMINI_CLI=1: Gemini CLI, in the environment of run_shell_command.
//   - CURSOR_AGENT=1: Cursor's agent terminals.
//   - CODEX_SANDBOX (any value, e.g. seatbelt): OpenAI Codex CLI's sandbox.
//   - VSCODE_AGENT: VS Code (Copilot agent mode) for agent-run terminal
//     commands, since 1.121.
//   - AUGMENT_AGENT=1, CLINE_ACTIVE=true, OPENCODE_CLIENT: Augment, Cline,
//     OpenCode.
//   - AGENT, AI_AGENT: the cross-agent convention proposed on agents.md
//     (Goose, Amp set AGENT to their name).
//   - BLAST_AI_ASSISTED: blast's own, for an agent that sets none of the
//     above (export it in the agent's shell setup).
//
// A false positive only applies the stricter AI-assisted threshold, which is
// the safe direction; a value of 0 or false means not set.
var agentVariables = []struct{ name, agent string }{
	{"CLAUDECODE", "Claude Code"},
	{"GEMINI_CLI", "Gemini CLI"},
	{"CURSOR_AGENT", "Cursor"},
	{"CODEX_SANDBOX", "Codex CLI"},
	{"VSCODE_AGENT", "VS Code agent"},
	{"AUGMENT_AGENT", "Augment"},
	{"CLINE_ACTIVE", "Cline"},
	{"OPENCODE_CLIENT", "OpenCode"},
	{"BLAST_AI_ASSISTED", "an AI coding agent"},
	{"AGENT", ""},
	{"AI_AGENT", ""},
}

// DetectAgent tells from an environment (os.Environ's form) whether blast
// runs under an AI coding agent, and names the agent and the variable that
// says so. blast check and blast apply use it to apply the policy's
// stricter ai_assisted threshold.
func DetectAgent(environ []string) (agent, variable string, ok bool) {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, found := strings.Cut(kv, "="); found {
			env[k] = v
		}
	}
	for _, av := range agentVariables {
		v := strings.TrimSpace(env[av.name])
		switch strings.ToLower(v) {
		case "", "0", "false", "no":
			continue
		}
		name := av.agent
		if name == "" {
			name = v
		}
		return name, av.name, true
	}
	return "", "", false
}

// AgentVariables lists the environment variables DetectAgent reads, in the
// order it reads them.
func AgentVariables() []string {
	names := make([]string, len(agentVariables))
	for i, av := range agentVariables {
		names[i] = av.name
	}
	return names
}

// isAgentVariable: the guard blocks commands that set or unset these, so an
// agent cannot hide from DetectAgent.
func isAgentVariable(name string) bool {
	for _, av := range agentVariables {
		if av.name == name {
			return true
		}
	}
	return false
}
