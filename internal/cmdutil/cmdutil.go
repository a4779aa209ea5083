// Package cmdutil is what command blast needs from around its commands
// that is not a flag or a line of output: the version it was built as, and
// cobra's errors made into blast's, one line and a hint.
package cmdutil

import (
	"fmt"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
)

// Version is set when the build set it (-ldflags "-X main.version=v1.2.3"),
// else the module version go install recorded, else "dev".
func Version(set string) string {
	if set != "" {
		return set
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// cobraUnknown is how cobra says a command does not exist, followed, on
// lines of their own, by its suggestions.
var cobraUnknown = regexp.MustCompile(`^unknown command ("(?:[^"\\]|\\.)*") for ("(?:[^"\\]|\\.)*")`)

// UnknownCommand makes cobra's unknown-command error, several lines with a
// tab, one line and a hint: the commands it may have meant, or where the
// list is. Any other error is returned as it is.
func UnknownCommand(root *cobra.Command, err error) error {
	m := cobraUnknown.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	name, err1 := strconv.Unquote(m[1])
	path, err2 := strconv.Unquote(m[2])
	if err1 != nil || err2 != nil {
		return err
	}
	parent := root
	if c, _, ferr := root.Find(strings.Fields(path)[1:]); ferr == nil {
		parent = c
	}
	hint := "see " + path + " --help for the commands"
	if s := parent.SuggestionsFor(name); len(s) > 0 {
		hint = "did you mean " + path + " " + strings.Join(s, ", or "+path+" ") + "?"
	}
	return check.WithHint(fmt.Errorf("unknown command %q for %s", name, path), hint)
}
