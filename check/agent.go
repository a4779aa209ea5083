package check

import "strings"

// AgentVariables are the environment variables AgentFromEnv reads. Tests
// that run blast under an agent unset them, as they do PipelineVariables.
var AgentVariables = []string{"CLAUDECODE"}

// AgentFromEnv says whether blast was started by a coding agent, from the
// environment the agent sets in the commands it runs (environ is in the
// form of os.Environ; of a variable given twice the last counts, as for a
// child process). It returns the reason for the report, or "" when no
// agent is known.
//
// It is the hook for more agents: today Claude Code, which sets
// CLAUDECODE=1. A command run by an agent counts as AI-assisted, so that
// an agent applying its own change meets the policy's ai_assisted
// threshold even when no commit says who wrote it. It can only switch the
// stricter threshold on, never off.
func AgentFromEnv(environ []string) string {
	claude := ""
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "CLAUDECODE="); ok {
			claude = v
		}
	}
	if claude == "1" {
		return "run by Claude Code (CLAUDECODE=1)"
	}
	return ""
}

// agentEnviron is the part of the environment AgentFromEnv reads, from
// getenv (Options.Getenv, so tests choose it).
func agentEnviron(getenv func(string) string) []string {
	var env []string
	for _, v := range AgentVariables {
		if val := getenv(v); val != "" {
			env = append(env, v+"="+val)
		}
	}
	return env
}
