package guard

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzRun: no event may crash the guard into a code that lets a command
// run: Run answers ExitAllow or ExitBlock, and allows only what it judged.
func FuzzRun(f *testing.F) {
	f.Add(Claude, `{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"terraform apply"}}`)
	f.Add(Cursor, `{"command":"ls","cwd":"/"}`)
	f.Add(Copilot, `{"toolName":"bash","toolArgs":"{\"command\":\"tofu destroy\"}"}`)
	f.Add(Gemini, `{"tool_name":"run_shell_command","tool_input":{"command":"bash -c 'x'","directory":"a"}}`)
	f.Add(Claude, `{"tool_name":"Bash","tool_input":{"command":"`+"\\u0000"+`"}}`)
	f.Fuzz(func(t *testing.T, protocol, event string) {
		var stdout, stderr bytes.Buffer
		code := Run(Options{Protocol: protocol, Policy: "/nonexistent/.blast.yml"}, strings.NewReader(event), &stdout, &stderr)
		switch code {
		case ExitBlock:
		case ExitAllow:
			// Allowed only a readable event that is not a shell command
			// (the policy cannot be read, so any shell command blocks).
			ev, err := DecodeEvent(protocol, strings.NewReader(event))
			if err != nil || ev.Shell {
				t.Fatalf("allowed %q (%v, %+v)", event, err, ev)
			}
		default:
			t.Fatalf("exit %d", code)
		}
	})
}

// FuzzJudge: the command walk never panics, and nothing written after a
// destructive command can make the guard let it through.
func FuzzJudge(f *testing.F) {
	for _, tc := range judgeCases {
		f.Add(tc.cmd)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, cmd string) {
		Judge(cmd, dir, Settings{})
		if d := Judge("terraform apply -auto-approve; "+cmd, dir, Settings{}); d.Allowed() {
			t.Fatalf("allowed terraform apply followed by %q", cmd)
		}
		// The same command inside a hook event.
		event, _ := json.Marshal(map[string]any{"tool_name": "Bash", "tool_input": map[string]string{"command": "terraform apply;" + cmd}, "cwd": dir})
		if code := Run(Options{Protocol: Claude}, bytes.NewReader(event), &bytes.Buffer{}, &bytes.Buffer{}); code != ExitBlock {
			t.Fatalf("exit %d for terraform apply followed by %q", code, cmd)
		}
	})
}
