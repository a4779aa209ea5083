package guard

import (
	"fmt"
	"io"
	"os"
	"slices"
	"time"
)

// Options are blast guard's flags.
type Options struct {
	Protocol string        // one of Protocols
	Policy   string        // --policy; "" finds .blast.yml from the command's directory
	Timeout  time.Duration // past it the guard blocks: an agent's own hook timeout lets a command run
}

// DefaultTimeout is well inside every agent's hook timeout (Copilot's is
// the shortest, 30 seconds).
const DefaultTimeout = 10 * time.Second

// Run reads one hook event from stdin, judges it, answers in the protocol's
// form and returns the exit code: ExitAllow or ExitBlock, never anything
// else. A bad event, a bad policy, a panic or a timeout blocks.
func Run(opts Options, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			code = Refuse(opts.Protocol, fmt.Sprintf("internal error: %v", r), stdout, stderr)
		}
	}()
	if !slices.Contains(Protocols, opts.Protocol) {
		return Refuse(opts.Protocol, fmt.Sprintf("unknown --agent %q (known: claude, copilot, cursor, gemini)", opts.Protocol), stdout, stderr)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	type result struct {
		d   Decision
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("internal error: %v", r)}
			}
		}()
		d, err := decide(opts, stdin)
		done <- result{d, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return Refuse(opts.Protocol, r.err.Error(), stdout, stderr)
		}
		return Respond(opts.Protocol, r.d, stdout, stderr)
	case <-time.After(opts.Timeout):
		return Refuse(opts.Protocol, fmt.Sprintf("no decision within %s (is an event on standard input?)", opts.Timeout), stdout, stderr)
	}
}

func decide(opts Options, stdin io.Reader) (Decision, error) {
	ev, err := DecodeEvent(opts.Protocol, stdin)
	if err != nil {
		return Decision{}, err
	}
	if !ev.Shell {
		return Decision{}, nil // an edit, a read: not a command
	}
	dir := ev.Dir
	if dir == "" {
		if wd, err := os.Getwd(); err == nil {
			dir = wd
		}
	}
	s, err := LoadSettings(opts.Policy, dir)
	if err != nil {
		return Decision{}, err
	}
	return Judge(ev.Command, dir, s), nil
}
