package analyzer

import (
	"slices"
	"testing"
)

// web[0].id in one expression and web[*].id in another read every instance;
// web[0].id alone reads web[0] only.
func TestReferenceGroupsKeepSplats(t *testing.T) {
	plan := func(groups [][]string) *Plan {
		var refs []string
		for _, g := range groups {
			refs = append(refs, g...)
		}
		return &Plan{
			Instances: []string{"aws_instance.web[0]", "aws_instance.web[1]", "aws_lb.front"},
			Config: &Config{Root: &ConfigModule{
				Resources: []ConfigResource{
					{Address: "aws_instance.web", Mode: "managed", Type: "aws_instance"},
					{Address: "aws_lb.front", Mode: "managed", Type: "aws_lb", References: uniqueSorted(refs), ReferenceGroups: groups},
				},
				Outputs: map[string][]string{}, ModuleCalls: map[string]*ConfigModuleCall{},
			}},
		}
	}
	both := BuildGraph(plan([][]string{{"aws_instance.web", "aws_instance.web[0]", "aws_instance.web[0].id"}, {"aws_instance.web"}}))
	if got := both.DependsOn("aws_lb.front"); !slices.Equal(got, []string{"aws_instance.web[0]", "aws_instance.web[1]"}) {
		t.Errorf("web[0] and web[*]: depends on %v", got)
	}
	one := BuildGraph(plan([][]string{{"aws_instance.web", "aws_instance.web[0]", "aws_instance.web[0].id"}}))
	if got := one.DependsOn("aws_lb.front"); !slices.Equal(got, []string{"aws_instance.web[0]"}) {
		t.Errorf("web[0] alone: depends on %v", got)
	}
}
