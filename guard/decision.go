package guard

// Kind says why a command is blocked, which decides the way through the
// message offers.
type Kind int

const (
	// Changes: the command changes infrastructure, or its state, outside
	// blast's gate.
	Changes Kind = iota
	// Undecidable: the guard cannot tell what the command runs (eval, a
	// variable as the command, a script it cannot read), so it fails closed.
	Undecidable
	// SignOff: the command would make a sign-off, which is a person's act.
	SignOff
)

// Block is one command the guard refuses, and why.
type Block struct {
	Command string // the shell source of the command, as the agent wrote it
	Via     string // the agent's command that runs it, when that is another (a script, a bash -c)
	Why     string
	Kind    Kind
	Tool    string // terraform, tofu or terragrunt when Kind is Changes, for the hint
}

// Decision is the guard's answer for one shell command line: it runs only
// when nothing in it is blocked.
type Decision struct {
	Blocks []Block
}

// Allowed reports whether the command may run.
func (d Decision) Allowed() bool { return len(d.Blocks) == 0 }
