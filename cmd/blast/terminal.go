package main

import (
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/blast-dev/blast/report"
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

// stdoutOptions are opts for what blast writes to standard output.
func (a *app) stdoutOptions(opts report.Options) report.Options {
	fd, tty := terminal(a.stdout)
	opts.Table.Width = outputWidth(fd, tty)
	opts.Table.Color = useColor(fd, tty)
	return opts
}

// terminal reports whether w is a terminal, and its descriptor.
func terminal(w io.Writer) (int, bool) {
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
