package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/blast-dev/blast/internal/cmdutil"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module version go install recorded.
var version = ""

func blastVersion() string { return cmdutil.Version(version) }

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print blast's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(a.stdout, "blast %s\n", blastVersion())
			return err
		},
	}
}
