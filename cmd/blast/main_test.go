package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/blast-dev/blast/check"
)

func TestMain(m *testing.M) {
	// Tests that call run in-process judge as on a machine, also when
	// blast's own CI runs them in a pull-request pipeline. Not the blast
	// that scripts run (this binary, under the name blast): scripts set
	// the pipeline's variables themselves, and start from none.
	if filepath.Base(os.Args[0]) != "blast" {
		for _, v := range append(check.PipelineVariables, check.AgentVariables...) {
			os.Unsetenv(v)
		}
		// Nor a width or colour of the terminal the tests run in: the
		// table's width is COLUMNS, its colour FORCE_COLOR and NO_COLOR.
		for _, v := range []string{"COLUMNS", "FORCE_COLOR", "NO_COLOR"} {
			os.Unsetenv(v)
		}
	}
	testscript.Main(m, map[string]func(){
		"blast": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: the command
// lines a user types, the exit codes and the output.
func TestScripts(t *testing.T) {
	fixtures, err := filepath.Abs("../../fixtures")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("FIXTURES", fixtures)
			env.Setenv("CHECKPOINT_DISABLE", "1")
			env.Setenv("TF_IN_AUTOMATION", "1")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// status CODE CMD ARGS... runs a command and asserts its exact
			// exit code; exec only tells zero from non-zero.
			"status": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: status CODE command args...")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("status: bad code %q", args[0])
				}
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("status: %v", err)
					}
					got = ee.ExitCode()
				}
				if got != want {
					ts.Fatalf("exit code %d, want %d", got, want)
				}
			},
		},
		Condition: func(cond string) (bool, error) {
			if cond == "terraform" {
				_, err := exec.LookPath("terraform")
				return err == nil, nil
			}
			return false, errors.New("unknown condition " + cond)
		},
	})
}
