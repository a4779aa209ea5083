package guard

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
)

// Every failure of the guard ends in ExitBlock, in every protocol.
func TestRunFailsClosed(t *testing.T) {
	for _, tc := range []struct {
		name, protocol, event, want string
	}{
		{"empty input", Claude, "", "expected a JSON object"},
		{"not JSON", Claude, "terraform apply", "expected a JSON object"},
		{"truncated", Claude, `{"tool_name":"Bash","tool_input":{"command":"ls"`, "expected a JSON object"},
		{"an array", Claude, `[1,2]`, "expected a JSON object"},
		{"null", Claude, `null`, "expected a JSON object"},
		{"two values", Claude, `{"tool_name":"Edit"} {"tool_name":"Bash"}`, "more than one JSON value"},
		{"no tool name", Claude, `{"tool_input":{"command":"ls"}}`, `no "tool_name"`},
		{"tool name not a string", Claude, `{"tool_name":1,"tool_input":{"command":"ls"}}`, `"tool_name" is not a string`},
		{"no tool input", Claude, `{"tool_name":"Bash"}`, "tool_input is not an object"},
		{"command not a string", Claude, `{"tool_name":"Bash","tool_input":{"command":["terraform","apply"]}}`, `"command" is not a string`},
		{"relative cwd", Claude, `{"tool_name":"Bash","tool_input":{"command":"ls"},"cwd":"infra"}`, "not an absolute path"},
		{"another event", Claude, `{"hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}`, "a PostToolUse event"},
		{"powershell", Claude, `{"tool_name":"PowerShell","tool_input":{"command":"terraform apply"}}`, "cannot parse"},
		{"cursor no command", Cursor, `{"hook_event_name":"beforeShellExecution","cwd":"/"}`, `no "command"`},
		{"cursor other event", Cursor, `{"hook_event_name":"beforeReadFile","file_path":"/x"}`, "a beforeReadFile event"},
		{"copilot bad args", Copilot, `{"toolName":"bash","toolArgs":"{not json"}`, "toolArgs is not an object"},
		{"gemini no input", Gemini, `{"hook_event_name":"BeforeTool","tool_name":"run_shell_command"}`, "tool_input is not an object"},
		{"unknown protocol", "aider", `{}`, `unknown --agent "aider"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Run(Options{Protocol: tc.protocol}, strings.NewReader(tc.event), &stdout, &stderr)
			if code != ExitBlock {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitBlock, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr %q, want %q", stderr.String(), tc.want)
			}
			if !strings.Contains(stderr.String(), "fails closed") {
				t.Errorf("stderr %q does not say the guard fails closed", stderr.String())
			}
		})
	}
}

// The exit code and the message, per protocol, for a blocked and an allowed
// command.
func TestRunProtocols(t *testing.T) {
	for _, tc := range []struct {
		protocol, blocked, allowed, stdoutBlocked, stdoutAllowed string
	}{
		{Claude, `{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"terraform apply"},"cwd":"/"}`,
			`{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"terraform plan"},"cwd":"/"}`, "", ""},
		{Gemini, `{"hook_event_name":"BeforeTool","tool_name":"run_shell_command","tool_input":{"command":"terraform apply","directory":"infra"},"cwd":"/"}`,
			`{"hook_event_name":"BeforeTool","tool_name":"run_shell_command","tool_input":{"command":"terraform plan"},"cwd":"/"}`, "", "{}\n"},
		{Cursor, `{"hook_event_name":"beforeShellExecution","command":"terraform apply","cwd":"/"}`,
			`{"hook_event_name":"beforeShellExecution","command":"terraform plan","cwd":"/"}`, `"permission":"deny"`, ""},
		{Copilot, `{"toolName":"bash","toolArgs":{"command":"terraform apply"},"cwd":"/"}`,
			`{"toolName":"bash","toolArgs":{"command":"terraform plan"},"cwd":"/"}`, `"permissionDecision":"deny"`, ""},
		{Copilot, `{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"terraform apply"},"cwd":"/"}`,
			`{"hook_event_name":"PreToolUse","tool_name":"Edit","tool_input":{"file_path":"/x"},"cwd":"/"}`, `"permissionDecision":"deny"`, ""},
	} {
		t.Run(tc.protocol, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Run(Options{Protocol: tc.protocol}, strings.NewReader(tc.blocked), &stdout, &stderr); code != ExitBlock {
				t.Fatalf("blocked: exit %d, stderr %s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "`terraform apply` changes infrastructure") || !strings.Contains(stderr.String(), "blast apply --ai-assisted tfplan") {
				t.Errorf("blocked: stderr %q", stderr.String())
			}
			if tc.stdoutBlocked == "" && stdout.Len() > 0 || !strings.Contains(stdout.String(), tc.stdoutBlocked) {
				t.Errorf("blocked: stdout %q, want %q", stdout.String(), tc.stdoutBlocked)
			}
			stdout.Reset()
			stderr.Reset()
			if code := Run(Options{Protocol: tc.protocol}, strings.NewReader(tc.allowed), &stdout, &stderr); code != ExitAllow {
				t.Fatalf("allowed: exit %d, stderr %s", code, stderr.String())
			}
			if stdout.String() != tc.stdoutAllowed || stderr.Len() > 0 {
				t.Errorf("allowed: stdout %q stderr %q, want stdout %q and no stderr", stdout.String(), stderr.String(), tc.stdoutAllowed)
			}
		})
	}
}

type panicReader struct{}

func (panicReader) Read([]byte) (int, error) { panic("boom") }

type blockingReader struct{ done chan struct{} }

func (r blockingReader) Read([]byte) (int, error) { <-r.done; return 0, io.EOF }

// A panic, or no event at all, blocks within the timeout.
func TestRunPanicAndTimeout(t *testing.T) {
	var stderr bytes.Buffer
	if code := Run(Options{Protocol: Claude}, panicReader{}, io.Discard, &stderr); code != ExitBlock || !strings.Contains(stderr.String(), "internal error: boom") {
		t.Errorf("panic: exit %d, stderr %q", code, stderr.String())
	}
	stderr.Reset()
	r := blockingReader{done: make(chan struct{})}
	defer close(r.done)
	start := time.Now()
	if code := Run(Options{Protocol: Claude, Timeout: 50 * time.Millisecond}, r, io.Discard, &stderr); code != ExitBlock || !strings.Contains(stderr.String(), "no decision within 50ms") {
		t.Errorf("timeout: exit %d, stderr %q", code, stderr.String())
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("timeout took %s", time.Since(start))
	}
}

func TestDetectAgent(t *testing.T) {
	for _, tc := range []struct {
		env         []string
		agent, from string
	}{
		{[]string{"HOME=/h", "CLAUDECODE=1"}, "Claude Code", "CLAUDECODE"},
		{[]string{"GEMINI_CLI=1"}, "Gemini CLI", "GEMINI_CLI"},
		{[]string{"CURSOR_AGENT=1"}, "Cursor", "CURSOR_AGENT"},
		{[]string{"CODEX_SANDBOX=seatbelt"}, "Codex CLI", "CODEX_SANDBOX"},
		{[]string{"AGENT=goose"}, "goose", "AGENT"},
		{[]string{"BLAST_AI_ASSISTED=true"}, "an AI coding agent", "BLAST_AI_ASSISTED"},
		{[]string{"CLAUDECODE=0", "AGENT=false", "PATH=/bin"}, "", ""},
		{nil, "", ""},
	} {
		agent, from, ok := DetectAgent(tc.env)
		if agent != tc.agent || from != tc.from || ok != (tc.agent != "") {
			t.Errorf("DetectAgent(%q) = %q, %q, %v; want %q, %q", tc.env, agent, from, ok, tc.agent, tc.from)
		}
	}
}
