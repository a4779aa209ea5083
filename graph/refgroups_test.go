package graph

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/blast-dev/blast/plan"
)

// web[0].id in one expression and web[*].id in another read every instance;
// web[0].id alone reads web[0] only.
func TestReferenceGroupsKeepSplats(t *testing.T) {
	pl := func(groups [][]string) *plan.Plan {
		var refs []string
		for _, g := range groups {
			refs = append(refs, g...)
		}
		return &plan.Plan{
			Instances: []string{"aws_instance.web[0]", "aws_instance.web[1]", "aws_lb.front"},
			Config: &plan.Config{Root: &plan.ConfigModule{
				Resources: []plan.ConfigResource{
					{Address: "aws_instance.web", Mode: "managed", Type: "aws_instance"},
					{Address: "aws_lb.front", Mode: "managed", Type: "aws_lb", References: uniqueSorted(refs), ReferenceGroups: groups},
				},
				Outputs: map[string][]string{}, ModuleCalls: map[string]*plan.ConfigModuleCall{},
			}},
		}
	}
	both := Build(pl([][]string{{"aws_instance.web", "aws_instance.web[0]", "aws_instance.web[0].id"}, {"aws_instance.web"}}))
	if got := both.DependsOn("aws_lb.front"); !slices.Equal(got, []string{"aws_instance.web[0]", "aws_instance.web[1]"}) {
		t.Errorf("web[0] and web[*]: depends on %v", got)
	}
	one := Build(pl([][]string{{"aws_instance.web", "aws_instance.web[0]", "aws_instance.web[0].id"}}))
	if got := one.DependsOn("aws_lb.front"); !slices.Equal(got, []string{"aws_instance.web[0]"}) {
		t.Errorf("web[0] alone: depends on %v", got)
	}
}

// A chain of destroys has a radius quadratic in its length: the lists stop
// at MaxRadiusListed, the counts and the visitor see every dependent.
func TestRadiusListsAreBounded(t *testing.T) {
	const n = MaxRadiusListed + 100
	p := &plan.Plan{PriorDependsOn: map[string][]string{}}
	for i := 0; i < n; i++ {
		addr := fmt.Sprintf("aws_instance.a%04d", i)
		p.Changes = append(p.Changes, plan.Change{Address: addr, Mode: "managed", Type: "aws_instance", Kind: plan.KindDelete, Actions: []string{"delete"}})
		p.Instances = append(p.Instances, addr)
		if i > 0 {
			p.PriorDependsOn[addr] = []string{fmt.Sprintf("aws_instance.a%04d", i-1)}
		}
	}
	visited := 0
	radii := BlastRadius(p, nil, func(c *plan.Change, dep int32, changed bool) {
		if c.Address == "aws_instance.a0000" {
			visited++
		}
	})
	r := radii["aws_instance.a0000"]
	if r.Size() != n-1 || r.NumChanged != n-1 || len(r.Changed) != MaxRadiusListed || visited != n-1 {
		t.Errorf("radius of the chain's root: size %d, %d listed, %d visited; want %d, %d, %d", r.Size(), len(r.Changed), visited, n-1, MaxRadiusListed, n-1)
	}
	if r.Changed[0] != "aws_instance.a0001" {
		t.Errorf("the list does not start at the first address: %s", r.Changed[0])
	}
}

// Thousands of resources that each read a whole module of thousands ask for
// millions of edges from a small file: the graph stops at its limit and says
// so, instead of taking the runner's memory.
func TestGraphStopsAtEdgeLimit(t *testing.T) {
	defer func(old int) { edgeLimit = old }(edgeLimit)
	edgeLimit = 1000
	p := &plan.Plan{Config: &plan.Config{Root: &plan.ConfigModule{
		Resources: []plan.ConfigResource{{Address: "aws_instance.b", Mode: "managed", Type: "aws_instance",
			References: []string{"module.m"}, ReferenceGroups: [][]string{{"module.m"}}}},
		Outputs: map[string][]string{},
		ModuleCalls: map[string]*plan.ConfigModuleCall{"m": {Inputs: map[string][]string{}, Module: &plan.ConfigModule{
			Resources:   []plan.ConfigResource{{Address: "aws_instance.a", Mode: "managed", Type: "aws_instance"}},
			Outputs:     map[string][]string{},
			ModuleCalls: map[string]*plan.ConfigModuleCall{},
		}}},
	}}}
	for i := 0; i < 100; i++ {
		p.Instances = append(p.Instances, fmt.Sprintf("module.m.aws_instance.a[%d]", i), fmt.Sprintf("aws_instance.b[%d]", i))
	}
	g := Build(p)
	if !g.Truncated() || g.NumEdges() > 1000 {
		t.Fatalf("truncated %v with %d edges", g.Truncated(), g.NumEdges())
	}
	if notes := strings.Join(g.Notes(), " "); !strings.Contains(notes, "stopped growing") {
		t.Errorf("notes %q", notes)
	}
}
