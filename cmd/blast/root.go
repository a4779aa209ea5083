package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
	"github.com/blast-dev/blast/internal/cmdutil"
)

// Exit codes: the contract with CI.
const (
	exitPass    = 0 // passed: below the threshold, or signed off
	exitError   = 1 // bad input, policy or flags: nothing was judged
	exitSignoff = 2 // sign-off required and missing or invalid
)

// app carries the streams. Commands never call os.Exit; run maps what they
// return to an exit code in one place.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// print writes out, a command's whole output, to stdout, unless err.
func (a *app) print(out []byte, err error) error {
	if err != nil {
		return err
	}
	_, err = a.stdout.Write(out)
	return err
}

// errSignoffRequired is how a command says the gate did not pass: run maps
// it to exit 2, and prints nothing, since the report has said it.
var errSignoffRequired = errors.New("sign-off required")

// exitCode is a command's own exit code, for a command whose output has
// already said everything (blast guard speaks an agent's hook protocol).
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit %d", int(c)) }

// exitWith returns nil for 0, else the code as an error run maps silently.
func exitWith(code int) error {
	if code == 0 {
		return nil
	}
	return exitCode(code)
}

// gateRefusal is a gate that did not pass, with a line to say what was not
// done (blast apply: nothing applied): run prints it after the report and
// exits 2.
type gateRefusal string

func (g gateRefusal) Error() string        { return string(g) }
func (g gateRefusal) Is(target error) bool { return target == errSignoffRequired }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	defer func() {
		// The last line of defence: a bug must still end in one line and
		// exit 1, never a stack trace in someone's CI log.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "blast: internal error: %v\n", r)
			fmt.Fprintln(stderr, "blast: hint: this is a bug in blast; please report it with the command line")
			code = exitError
		}
	}()
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	var own exitCode
	switch {
	case errors.As(err, &own):
		return int(own)
	case err == nil:
		return exitPass
	case errors.Is(err, errSignoffRequired):
		if g, ok := err.(gateRefusal); ok {
			fmt.Fprintf(stderr, "blast: %s\n", g)
		}
		return exitSignoff
	default:
		printError(stderr, cmdutil.UnknownCommand(root, err))
		return exitError
	}
}

// printError writes the error on one line, whatever line breaks or tabs
// its text holds, and its hint, if it has one, on a second.
func printError(w io.Writer, err error) {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	fmt.Fprintf(w, "blast: error: %s\n", msg)
	if hint := check.Hint(err); hint != "" {
		fmt.Fprintf(w, "blast: hint: %s\n", hint)
	}
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "blast",
		Short: "Judge the blast radius of a Terraform or OpenTofu plan",
		Long: `blast reads a Terraform or OpenTofu plan, finds the changes that destroy or
recreate infrastructure, scores how far the damage would spread, and blocks
the change until a senior engineer signs off on that exact plan.

Exit codes: 0 passed, 1 error (nothing was judged), 2 sign-off required.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return check.WithHint(err, "see "+c.CommandPath()+" --help")
	})
	root.AddCommand(newCheckCmd(a), newExplainCmd(a), newGraphCmd(a), newDigestCmd(a), newApproveCmd(a), newApplyCmd(a), newSignoffsCmd(a), newPolicyCmd(a), newDemoCmd(a), newVersionCmd(a), newGuardCmd(a))
	return root
}
