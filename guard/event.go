package guard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Protocols the guard speaks: how each agent hands over a command before it
// runs, and how it is told no. Only what each agent documents is used.
const (
	Claude  = "claude"  // Claude Code PreToolUse (also Codex CLI's, and Copilot CLI reading .claude/settings.json)
	Gemini  = "gemini"  // Gemini CLI BeforeTool
	Cursor  = "cursor"  // Cursor beforeShellExecution
	Copilot = "copilot" // GitHub Copilot CLI and cloud agent preToolUse
)

// Protocols lists the --agent values.
var Protocols = []string{Claude, Copilot, Cursor, Gemini}

// maxEventBytes bounds the event: a command line of a few megabytes is
// already more than an agent writes.
const maxEventBytes = 8 << 20

// Event is what the guard judges: a shell command and where it runs, or a
// tool call that is not a shell command (an edit, a read), which it allows.
type Event struct {
	Tool    string
	Shell   bool
	Command string
	Dir     string // the command's working directory; "" when not given
}

// ErrBadEvent is an event the guard cannot read: it blocks.
var ErrBadEvent = errors.New("not a hook event blast guard can read")

// DecodeEvent reads one event in the protocol's format.
func DecodeEvent(protocol string, r io.Reader) (Event, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxEventBytes+1))
	if err != nil {
		return Event{}, fmt.Errorf("%w: reading standard input: %v", ErrBadEvent, err)
	}
	if len(data) > maxEventBytes {
		return Event{}, fmt.Errorf("%w: larger than %d bytes", ErrBadEvent, maxEventBytes)
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return Event{}, fmt.Errorf("%w: expected a JSON object on standard input", ErrBadEvent)
	}
	if dec.More() {
		return Event{}, fmt.Errorf("%w: more than one JSON value on standard input", ErrBadEvent)
	}
	switch protocol {
	case Claude:
		return toolEvent(raw, "hook_event_name", "PreToolUse", "tool_name", "tool_input", map[string]bool{"Bash": true}, map[string]bool{"PowerShell": true})
	case Gemini:
		return toolEvent(raw, "hook_event_name", "BeforeTool", "tool_name", "tool_input", map[string]bool{"run_shell_command": true}, nil)
	case Copilot:
		if _, ok := raw["toolName"]; !ok {
			// Copilot CLI sends the snake_case form for a PascalCase PreToolUse.
			return toolEvent(raw, "hook_event_name", "PreToolUse", "tool_name", "tool_input", map[string]bool{"Bash": true, "bash": true}, map[string]bool{"powershell": true, "PowerShell": true})
		}
		return toolEvent(raw, "", "", "toolName", "toolArgs", map[string]bool{"bash": true}, map[string]bool{"powershell": true})
	case Cursor:
		var name string
		if err := optional(raw, "hook_event_name", &name); err != nil {
			return Event{}, err
		}
		if name != "" && name != "beforeShellExecution" {
			return Event{}, fmt.Errorf("%w: a %s event; blast guard --agent cursor judges beforeShellExecution", ErrBadEvent, name)
		}
		ev := Event{Tool: "shell", Shell: true}
		if err := required(raw, "command", &ev.Command); err != nil {
			return Event{}, err
		}
		if err := optional(raw, "cwd", &ev.Dir); err != nil {
			return Event{}, err
		}
		return ev, nil
	}
	return Event{}, fmt.Errorf("%w: unknown protocol %q", ErrBadEvent, protocol)
}

// toolEvent reads the common shape: an event name, a tool name, the tool's
// input with a command in it, a cwd. Shell tools the guard cannot parse
// (PowerShell) come back with an empty command, which blocks.
func toolEvent(raw map[string]json.RawMessage, eventKey, wantEvent, toolKey, inputKey string, shellTools, otherShells map[string]bool) (Event, error) {
	if eventKey != "" {
		var name string
		if err := optional(raw, eventKey, &name); err != nil {
			return Event{}, err
		}
		if name != "" && name != wantEvent {
			return Event{}, fmt.Errorf("%w: a %s event; blast guard judges %s", ErrBadEvent, name, wantEvent)
		}
	}
	var ev Event
	if err := required(raw, toolKey, &ev.Tool); err != nil {
		return Event{}, err
	}
	if err := optional(raw, "cwd", &ev.Dir); err != nil {
		return Event{}, err
	}
	if otherShells[ev.Tool] {
		return Event{}, fmt.Errorf("%w: the %s tool runs commands blast guard cannot parse (it reads POSIX shell)", ErrBadEvent, ev.Tool)
	}
	if !shellTools[ev.Tool] {
		return ev, nil
	}
	ev.Shell = true
	input := raw[inputKey]
	// Copilot's toolArgs may be a JSON string holding the object.
	var s string
	if json.Unmarshal(input, &s) == nil {
		input = json.RawMessage(s)
	}
	var args map[string]json.RawMessage
	if err := json.Unmarshal(input, &args); err != nil || args == nil {
		return Event{}, fmt.Errorf("%w: %s is not an object", ErrBadEvent, inputKey)
	}
	if err := required(args, "command", &ev.Command); err != nil {
		return Event{}, fmt.Errorf("%s.%w", inputKey, err)
	}
	// Gemini's run_shell_command runs in a directory relative to the project.
	for _, key := range []string{"directory", "dir_path"} {
		var sub string
		if err := optional(args, key, &sub); err != nil {
			return Event{}, err
		}
		if sub != "" {
			ev.Dir = resolve(ev.Dir, sub)
		}
	}
	return ev, nil
}

func required(raw map[string]json.RawMessage, key string, into *string) error {
	v, ok := raw[key]
	if !ok {
		return fmt.Errorf("%w: no %q", ErrBadEvent, key)
	}
	if err := json.Unmarshal(v, into); err != nil {
		return fmt.Errorf("%w: %q is not a string", ErrBadEvent, key)
	}
	return nil
}

func optional(raw map[string]json.RawMessage, key string, into *string) error {
	v, ok := raw[key]
	if !ok || string(v) == "null" {
		return nil
	}
	if err := json.Unmarshal(v, into); err != nil {
		return fmt.Errorf("%w: %q is not a string", ErrBadEvent, key)
	}
	if key == "cwd" && *into != "" && !filepath.IsAbs(*into) {
		return fmt.Errorf("%w: cwd %q is not an absolute path", ErrBadEvent, *into)
	}
	if strings.ContainsRune(*into, 0) {
		return fmt.Errorf("%w: %q holds a NUL byte", ErrBadEvent, key)
	}
	return nil
}
