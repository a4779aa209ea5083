package guard

import (
	"encoding/json"
	"fmt"
	"io"
)

// Exit codes. Every agent documented here blocks a command on 2 (Claude
// Code, Codex and Gemini CLI read the reason on stderr; Cursor and Copilot
// also read a JSON decision on stdout); 0 lets it run. The guard never
// exits with anything else: 1, or a crash, lets Claude Code run the command.
const (
	ExitAllow = 0
	ExitBlock = 2
)

// Respond writes the outcome in the protocol's form and returns the exit
// code. Allowing says nothing (Gemini: an empty JSON object), so the
// agent's own permission rules still apply: the guard only ever says no.
func Respond(protocol string, d Decision, stdout, stderr io.Writer) int {
	if d.Allowed() {
		if protocol == Gemini {
			fmt.Fprintln(stdout, "{}")
		}
		return ExitAllow
	}
	return refuse(protocol, Message(d), stdout, stderr)
}

// Refuse blocks with a message about the guard itself failing (bad input, a
// bad policy, a bug): it fails closed.
func Refuse(protocol, msg string, stdout, stderr io.Writer) int {
	return refuse(protocol, "blast guard blocked this command: "+msg+".\nblast guard fails closed: it blocks what it cannot judge. Tell the user; the hook or .blast.yml needs fixing.\n", stdout, stderr)
}

func refuse(protocol, msg string, stdout, stderr io.Writer) int {
	var out any
	switch protocol {
	case Cursor:
		out = map[string]string{"permission": "deny", "user_message": "blast guard blocked this command", "agent_message": msg}
	case Copilot:
		out = map[string]string{"permissionDecision": "deny", "permissionDecisionReason": msg}
	}
	if out != nil {
		data, _ := json.Marshal(out)
		fmt.Fprintf(stdout, "%s\n", data)
	}
	fmt.Fprint(stderr, msg)
	return ExitBlock
}
