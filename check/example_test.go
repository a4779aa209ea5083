package check_test

import (
	"fmt"
	"log"

	"github.com/blast-dev/blast/check"
)

// Judge the embedded teardown plan with its policy, as `blast check` would,
// and read the decision and the score from the result.
func ExampleRun() {
	res, err := check.Run(check.Options{
		Plans:      []string{"../fixtures/demo-teardown/plan.json"},
		PolicyFile: "../fixtures/demo-teardown/blast.yml",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Decision, res.Assessment.Score, res.Assessment.Threshold)
	for _, f := range res.Assessment.Findings {
		fmt.Printf("%s %s %q\n", f.Severity, f.Rule, f.Address) // "" is the whole configuration
	}
	// Output:
	// signoff_required 100 50
	// critical environment-teardown ""
	// critical environment-teardown "module.env"
}
