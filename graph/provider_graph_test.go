package graph

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
)

func emptyModule(rs ...plan.ConfigResource) *plan.ConfigModule {
	return &plan.ConfigModule{Resources: rs, Outputs: map[string][]string{}, ModuleCalls: map[string]*plan.ConfigModuleCall{}}
}

// eksPlan deletes the cluster aws_eks_cluster.main; the kubernetes provider
// reads it, and kubernetes_deployment.app (in the root, and in module apps
// with two instances) uses that provider.
func eksPlan(providers map[string]plan.ProviderConfig, childKey string) *plan.Plan {
	apps := emptyModule(plan.ConfigResource{Address: "kubernetes_deployment.app", Mode: "managed", Type: "kubernetes_deployment", ProviderKey: childKey})
	root := emptyModule(plan.ConfigResource{Address: "aws_eks_cluster.main", Mode: "managed", Type: "aws_eks_cluster", ProviderKey: "aws"}, plan.ConfigResource{Address: "kubernetes_deployment.app", Mode: "managed", Type: "kubernetes_deployment", ProviderKey: "kubernetes"})
	root.ModuleCalls["apps"] = &plan.ConfigModuleCall{Source: "./apps", Inputs: map[string][]string{}, Repetition: []string{"var.n"}, Module: apps}
	return &plan.Plan{
		Changes: []plan.Change{
			{Address: "aws_eks_cluster.main", Mode: "managed", Type: "aws_eks_cluster", Name: "main", Kind: plan.KindDelete, Actions: []string{"delete"}},
		},
		Instances: []string{
			"aws_eks_cluster.main", "kubernetes_deployment.app",
			"module.apps[0].kubernetes_deployment.app", "module.apps[1].kubernetes_deployment.app",
		},
		HasConfiguration: true,
		Config:           &plan.Config{Root: root, Providers: providers},
	}
}

var eksProviders = map[string]plan.ProviderConfig{
	"aws": {References: []string{"var.region"}, ReferenceGroups: [][]string{{"var.region"}}},
	"kubernetes": {
		References: []string{"aws_eks_cluster.main", "aws_eks_cluster.main.certificate_authority", "aws_eks_cluster.main.endpoint"},
		ReferenceGroups: [][]string{
			{"aws_eks_cluster.main", "aws_eks_cluster.main.certificate_authority"},
			{"aws_eks_cluster.main", "aws_eks_cluster.main.endpoint"},
		},
	},
}

func TestProviderConfigEdges(t *testing.T) {
	deployments := []string{"kubernetes_deployment.app", "module.apps[0].kubernetes_deployment.app", "module.apps[1].kubernetes_deployment.app"}
	for _, tc := range []struct{ name, childKey string }{
		{"child names the root's key", "kubernetes"},                          // Terraform 1.x resolves inherited providers
		{"child names its own inherited key", "apps:kubernetes"},              // absent from provider_config: fall back to the root's
		{"child names a module-path inherited key", "module.apps:kubernetes"}, // the same, newer key form
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := eksPlan(eksProviders, tc.childKey)
			g := Build(p)
			for _, d := range deployments {
				if got := g.DependsOn(d); !slices.Equal(got, []string{"aws_eks_cluster.main"}) {
					t.Errorf("%s depends on %v, want the cluster", d, got)
				}
			}
			if got := g.DependsOn("aws_eks_cluster.main"); len(got) != 0 {
				t.Errorf("the cluster depends on %v, want nothing (its provider reads only var.region)", got)
			}
			r := BlastRadius(p, g)["aws_eks_cluster.main"]
			if !slices.Equal(r.Unchanged, deployments) || r.Size() != len(deployments) {
				t.Errorf("radius of the cluster's delete: %+v, want %v", r, deployments)
			}
		})
	}
}

// A provider declared inside a module reads there: var.* through the
// module call's inputs, to the cluster in the root.
func TestProviderConfigInModule(t *testing.T) {
	providers := map[string]plan.ProviderConfig{
		"module.apps:kubernetes": {Module: "module.apps", References: []string{"var.host"}},
	}
	p := eksPlan(providers, "module.apps:kubernetes")
	p.Config.Root.ModuleCalls["apps"].Inputs["host"] = []string{"aws_eks_cluster.main", "aws_eks_cluster.main.endpoint"}
	p.Config.Root.Resources[1].ProviderKey = ""
	g := Build(p)
	for _, d := range []string{"module.apps[0].kubernetes_deployment.app", "module.apps[1].kubernetes_deployment.app"} {
		if got := g.DependsOn(d); !slices.Equal(got, []string{"aws_eks_cluster.main"}) {
			t.Errorf("%s depends on %v, want the cluster", d, got)
		}
	}
	if got := g.DependsOn("kubernetes_deployment.app"); len(got) != 0 {
		t.Errorf("the root deployment depends on %v, want nothing", got)
	}
	if r := BlastRadius(p, g)["aws_eks_cluster.main"]; r.Size() != 2 {
		t.Errorf("radius of the cluster's delete: %+v, want the two module deployments", r)
	}

	// Old Terraform writes the module address without "module.".
	providers["apps:kubernetes"] = plan.ProviderConfig{Module: "apps", References: []string{"var.host"}}
	delete(providers, "module.apps:kubernetes")
	p.Config.Root.ModuleCalls["apps"].Module.Resources[0].ProviderKey = "apps:kubernetes"
	if got := Build(p).DependsOn("module.apps[1].kubernetes_deployment.app"); !slices.Equal(got, []string{"aws_eks_cluster.main"}) {
		t.Errorf("old module address: depends on %v, want the cluster", got)
	}
}

// A root provider that reads only root variables (the usual region,
// project, credentials) adds no edge.
func TestProviderConfigVarsOnly(t *testing.T) {
	providers := map[string]plan.ProviderConfig{
		"aws":        eksProviders["aws"],
		"kubernetes": {References: []string{"var.host", "var.token"}, ReferenceGroups: [][]string{{"var.host"}, {"var.token"}}},
	}
	g := Build(eksPlan(providers, "kubernetes"))
	if g.NumEdges() != 0 {
		for _, n := range g.Nodes() {
			if d := g.DependsOn(n); len(d) > 0 {
				t.Errorf("%s depends on %v", n, d)
			}
		}
	}
}

// Every corpus plan still builds its graph and radii with provider edges.
func TestProviderConfigCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../shared/corpus/plans/*.json")
	if len(files) == 0 {
		t.Skip("no corpus beside the repository: skipping")
	}
	withProviders := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		plans, err := planjson.Parse(filepath.Base(f), data)
		if err != nil {
			continue // the corpus holds inputs blast refuses too
		}
		for _, p := range plans {
			g := Build(p)
			_ = BlastRadius(p, g)
			if p.Config != nil && len(p.Config.Providers) > 0 {
				withProviders++
			}
		}
	}
	if withProviders == 0 {
		t.Errorf("no corpus plan kept its provider configurations")
	}
}
