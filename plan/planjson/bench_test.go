package planjson_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/blast-dev/blast/fixtures"
	"github.com/blast-dev/blast/fixtures/gen/scale"
	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/report"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/scoring/policy"
)

// The benchmarks of BENCHMARKS.md. They read the generated plans of
// bench-data/ (make bench-data), and generate a missing one there first with
// the same generator and seed, so `go test -bench` works on its own.

var benchSizes = []int{1000, 15000, 50000}

// benchPlan returns the path of the generated plan of n resources.
func benchPlan(b *testing.B, n int) string {
	b.Helper()
	return benchFile(b, fmt.Sprintf("plan-%d.json", n), scale.Options{Resources: n, Seed: 1, Base: fixtures.DemoPlan})
}

// benchFile returns the path of bench-data/name, which the generator makes
// with opts.
func benchFile(b *testing.B, name string, opts scale.Options) string {
	b.Helper()
	path := filepath.Join("..", "..", "bench-data", name)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.Fatal(err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".bench-*.json")
	if err != nil {
		b.Fatal(err)
	}
	defer os.Remove(tmp.Name())
	if err := scale.Write(tmp, opts); err != nil {
		b.Fatal(err)
	}
	if err := tmp.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		b.Fatal(err)
	}
	return path
}

func loadBench(b *testing.B, n int) (string, []byte, []*plan.Plan) {
	b.Helper()
	path := benchPlan(b, n)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	plans, err := planjson.Parse(path, data)
	if err != nil {
		b.Fatal(err)
	}
	return path, data, plans
}

func eachSize(b *testing.B, fn func(b *testing.B, n int)) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) { fn(b, n) })
	}
}

// BenchmarkPlanLoad: read the file, decode and classify every change.
func BenchmarkPlanLoad(b *testing.B) {
	eachSize(b, func(b *testing.B, n int) {
		path := benchPlan(b, n)
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(fi.Size())
		b.ReportAllocs()
		for b.Loop() {
			if _, err := planjson.Load(path, planjson.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPlanClassify: decode and classify from memory, with the fast
// decoder.
func BenchmarkPlanClassify(b *testing.B) {
	eachSize(b, func(b *testing.B, n int) {
		path, data, _ := loadBench(b, n)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := planjson.Parse(path, data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPlanClassifyNested: the same on the nested plan of 15,000
// resources (bench-data/nested-15000.json), whose peak memory is a budget of
// issue 14: what it allocates is what the process holds beside the file
// until the parse is done.
func BenchmarkPlanClassifyNested(b *testing.B) {
	path := benchFile(b, "nested-15000.json", scale.Options{Resources: 15000, Seed: 1, Base: fixtures.DemoPlan, Nested: true})
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := planjson.Parse(path, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlanClassifyReference: the same with terraform-json and
// encoding/json, the decoder blast had before; 50,000 resources take
// minutes and gigabytes, so that size is left out.
func BenchmarkPlanClassifyReference(b *testing.B) {
	for _, n := range benchSizes[:2] {
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			path, data, _ := loadBench(b, n)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := planjson.ParseReference(path, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPlanGraph: the dependency graph and every blast radius.
func BenchmarkPlanGraph(b *testing.B) {
	eachSize(b, func(b *testing.B, n int) {
		_, _, plans := loadBench(b, n)
		b.ReportAllocs()
		for b.Loop() {
			g := graph.Build(plans[0])
			graph.BlastRadius(plans[0], g)
		}
	})
}

// BenchmarkPlanScore: the whole assessment (graph included) and the gate.
func BenchmarkPlanScore(b *testing.B) {
	eachSize(b, func(b *testing.B, n int) {
		_, _, plans := loadBench(b, n)
		b.ReportAllocs()
		for b.Loop() {
			a := scoring.Assess(plans, nil, policy.Default(), scoring.Options{})
			scoring.Gate(a, 0)
		}
	})
}

// BenchmarkPlanRender: the report in JSON and as a table.
func BenchmarkPlanRender(b *testing.B) {
	for _, format := range []string{"json", "table"} {
		b.Run(format, func(b *testing.B) {
			eachSize(b, func(b *testing.B, n int) {
				_, _, plans := loadBench(b, n)
				a := scoring.Assess(plans, nil, policy.Default(), scoring.Options{})
				d := scoring.Gate(a, 0)
				b.ReportAllocs()
				for b.Loop() {
					r := report.New(a, d)
					if _, err := report.Render(r, format, report.Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
