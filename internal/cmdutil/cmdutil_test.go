package cmdutil

import (
	"errors"
	"testing"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/check"
)

func TestUnknownCommand(t *testing.T) {
	root := &cobra.Command{Use: "blast", SilenceUsage: true, SilenceErrors: true}
	root.AddCommand(&cobra.Command{Use: "check", Run: func(*cobra.Command, []string) {}})
	root.SetArgs([]string{"chek"})
	err := UnknownCommand(root, root.Execute())
	if err == nil || err.Error() != `unknown command "chek" for blast` || check.Hint(err) != "did you mean blast check?" {
		t.Errorf("got %v, hint %q", err, check.Hint(err))
	}
	root.SetArgs([]string{"zzz"})
	err = UnknownCommand(root, root.Execute())
	if err == nil || check.Hint(err) != "see blast --help for the commands" {
		t.Errorf("got %v, hint %q", err, check.Hint(err))
	}
	other := errors.New("reading plan.json: no such file")
	if UnknownCommand(root, other) != other {
		t.Error("another error was rewritten")
	}
}

func TestVersion(t *testing.T) {
	if got := Version("v1.2.3"); got != "v1.2.3" {
		t.Errorf("Version(v1.2.3) = %q", got)
	}
	if got := Version(""); got == "" {
		t.Error("no version")
	}
}
