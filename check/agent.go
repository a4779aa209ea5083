package check

import (
	"fmt"

	"github.com/blast-dev/blast/guard"
)

// AgentVariables are the environment variables AgentFromEnv reads (those of
// guard.DetectAgent). Tests that run blast under an agent unset them, as they
// do PipelineVariables.
var AgentVariables = guard.AgentVariables()

// AgentFromEnv says whether blast was started by a coding agent, from the
// environment the agent sets in the commands it runs (environ is in the
// form of os.Environ; of a variable given twice the last counts, as for a
// child process). It returns the reason for the report, or "" when no
// agent is known.
//
// The agents and their variables are guard's (guard.DetectAgent). A command
// run by an agent counts as AI-assisted, so that an agent applying its own
// change meets the policy's ai_assisted threshold even when no commit says
// who wrote it. It can only switch the stricter threshold on, never off.
func AgentFromEnv(environ []string) string {
	agent, variable, ok := guard.DetectAgent(environ)
	if !ok {
		return ""
	}
	if agent == "" || variable == "AGENT" || variable == "AI_AGENT" {
		// The generic variables carry the agent's own name: a value from
		// the environment is not printed, its variable is.
		return fmt.Sprintf("run by an AI coding agent (%s is set)", variable)
	}
	return fmt.Sprintf("run by %s (%s is set)", agent, variable)
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
