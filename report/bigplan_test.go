package report

import (
	"os"
	"sync"
	"testing"

	"github.com/blast-dev/blast/fixtures"
	"github.com/blast-dev/blast/fixtures/gen/scale"
	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/scoring"
)

// The 15,000-resource plan of make bench-data (go run ./fixtures/gen -n
// 15000), made here from the generator with its fixed seed rather than
// committed: 110 MB. Attribute values are kept small, since the report never
// shows one; the changes, the graph and so the report are the same.
var big15k struct {
	once sync.Once
	r    *Report
	err  error
}

func bigPlanReport(t testing.TB) *Report {
	t.Helper()
	if testing.Short() {
		t.Skip("the 15,000-resource plan takes seconds to make: not with -short")
	}
	big15k.once.Do(func() {
		f, err := os.CreateTemp("", "plan-15000-*.json")
		if err != nil {
			big15k.err = err
			return
		}
		defer os.Remove(f.Name())
		if err := scale.Write(f, scale.Options{Resources: 15000, Seed: 1, Base: fixtures.DemoPlan, ValueBytes: 16}); err != nil {
			f.Close()
			big15k.err = err
			return
		}
		if err := f.Close(); err != nil {
			big15k.err = err
			return
		}
		plans, err := planjson.Load(f.Name(), planjson.Options{})
		if err != nil {
			big15k.err = err
			return
		}
		plans[0].Source = "bench-data/plan-15000.json"
		graphs := []*graph.Graph{graph.Build(plans[0])}
		a := scoring.Assess([]*plan.Plan{plans[0]}, graphs, scoring.DefaultPolicy(), scoring.Options{})
		big15k.r = New(a, scoring.Gate(a, 0))
	})
	if big15k.err != nil {
		t.Fatal(big15k.err)
	}
	return big15k.r
}
