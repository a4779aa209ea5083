package check

import (
	"github.com/blast-dev/blast/fixtures"
	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/report"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/scoring/policy"
)

// DemoSource is the name blast demo's report gives its plan.
const DemoSource = "demo-teardown (embedded)"

// Demo is the report of blast demo: the plan embedded in blast, in which
// one changed input tears a whole environment down, judged by its policy.
func Demo() (*report.Report, error) {
	plans, err := planjson.Parse(DemoSource, fixtures.DemoPlan)
	if err != nil {
		return nil, err
	}
	pol, err := policy.Parse("demo-teardown/blast.yml (embedded)", fixtures.DemoPolicy, scoring.RuleIDs())
	if err != nil {
		return nil, err
	}
	assessment := scoring.Assess(plans, nil, pol, scoring.Options{})
	return report.New(assessment, scoring.Gate(assessment, 0)), nil
}
