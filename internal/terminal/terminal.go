// Package terminal is what blast knows about the terminal it writes to and
// reads from: whether there is one, how wide it is, whether it shows
// colour, and how to ask a person there a yes-or-no question.
package terminal

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// The table report fits where it is going.
//
// Width: COLUMNS when it holds a positive number (the shell's convention,
// and how to ask for a width in a pipe), else the width of the terminal
// standard output is, else no limit: a file, a pipe or a CI log keeps every
// address whole on its line, for grep and for a log viewer that scrolls.
//
// Colour: never when NO_COLOR is set and not empty (no-color.org), which
// wins; else always when FORCE_COLOR is set and not empty, "0" or "false";
// else on a terminal that is not TERM=dumb. --output files get neither:
// they are read later, elsewhere.

// Fit is the width (0: no limit) and the colour of a table written to w.
func Fit(w io.Writer) (width int, color bool) {
	fd, tty := descriptor(w)
	return outputWidth(fd, tty), useColor(fd, tty)
}

// IsInput says whether r is a terminal, so that an answer to a question
// can come from a person there.
func IsInput(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Confirm writes question to w and reads one line of answer from r: y or
// yes, in any case, is yes; anything else, or no answer, is no.
func Confirm(r io.Reader, w io.Writer, question string) (bool, error) {
	fmt.Fprint(w, question)
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(w)
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		return false, fmt.Errorf("reading the answer: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// descriptor reports whether w is a terminal, and its descriptor.
func descriptor(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok {
		return -1, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

func outputWidth(fd int, tty bool) int {
	if n, err := strconv.Atoi(strings.TrimSpace(os.Getenv("COLUMNS"))); err == nil && n > 0 {
		return n
	}
	if tty {
		if w, _, err := term.GetSize(fd); err == nil && w > 0 {
			return w
		}
	}
	return 0
}

func useColor(fd int, tty bool) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	switch v := os.Getenv("FORCE_COLOR"); v {
	case "", "0", "false":
	default:
		return true
	}
	return tty && os.Getenv("TERM") != "dumb" && enableColor(fd)
}
