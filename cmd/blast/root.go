package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/analyzer"
)

// Exit codes: the contract with CI.
const (
	exitPass    = 0 // passed: below the threshold, or signed off
	exitError   = 1 // bad input, policy or flags: nothing was judged
	exitSignoff = 2 // sign-off required and missing or invalid
)

// app carries the streams and the exit code a command decides on. Commands
// never call os.Exit; run maps their outcome to a code in one place.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	exit           int
}

// hinted is an error that knows what the user can do about it.
type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() }
func (h *hinted) Unwrap() error { return h.err }

func withHint(err error, hint string) error { return &hinted{err: err, hint: hint} }

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
	if err := root.Execute(); err != nil {
		printError(stderr, err)
		return exitError
	}
	return a.exit
}

func printError(w io.Writer, err error) {
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	fmt.Fprintf(w, "blast: error: %s\n", msg)
	var ie *analyzer.InputError
	var h *hinted
	switch {
	case errors.As(err, &h) && h.hint != "":
		fmt.Fprintf(w, "blast: hint: %s\n", h.hint)
	case errors.As(err, &ie) && ie.Hint != "":
		fmt.Fprintf(w, "blast: hint: %s\n", ie.Hint)
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
		return withHint(err, "see "+c.CommandPath()+" --help")
	})
	root.AddCommand(newCheckCmd(a), newExplainCmd(a), newGraphCmd(a), newDigestCmd(a), newApproveCmd(a), newPolicyCmd(a), newDemoCmd(a), newVersionCmd(a), newGuardCmd(a))
	return root
}
