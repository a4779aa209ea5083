package analyzer

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

func emptyModule(rs ...ConfigResource) *ConfigModule {
	return &ConfigModule{Resources: rs, Outputs: map[string][]string{}, ModuleCalls: map[string]*ConfigModuleCall{}}
}

// eksPlan deletes the cluster aws_eks_cluster.main; the kubernetes provider
// reads it, and kubernetes_deployment.app (in the root, and in module apps
// with two instances) uses that provider.
func eksPlan(providers map[string]ProviderConfig, childKey string) *Plan {
	apps := emptyModule(ConfigResource{Address: "kubernetes_deployment.app", Mode: "managed", Type: "kubernetes_deployment", ProviderKey: childKey})
	root := emptyModule(
		ConfigResource{Address: "aws_eks_cluster.main", Mode: "managed", Type: "aws_eks_cluster", ProviderKey: "aws"},
		ConfigResource{Address: "kubernetes_deployment.app", Mode: "managed", Type: "kubernetes_deployment", ProviderKey: "kubernetes"},
	)
	root.ModuleCalls["apps"] = &ConfigModuleCall{Source: "./apps", Inputs: map[string][]string{}, Repetition: []string{"var.n"}, Module: apps}
	return &Plan{
		Changes: []Change{
			{Address: "aws_eks_cluster.main", Mode: "managed", Type: "aws_eks_cluster", Name: "main", Kind: KindDelete, Actions: []string{"delete"}},
		},
		Instances: []string{
			"aws_eks_cluster.main", "kubernetes_deployment.app",
			"module.apps[0].kubernetes_deployment.app", "module.apps[1].kubernetes_deployment.app",
		},
		HasConfiguration: true,
		Config:           &Config{Root: root, Providers: providers},
	}
}

var eksProviders = map[string]ProviderConfig{
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
			g := BuildGraph(p)
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
	providers := map[string]ProviderConfig{
		"module.apps:kubernetes": {Module: "module.apps", References: []string{"var.host"}},
	}
	p := eksPlan(providers, "module.apps:kubernetes")
	p.Config.Root.ModuleCalls["apps"].Inputs["host"] = []string{"aws_eks_cluster.main", "aws_eks_cluster.main.endpoint"}
	p.Config.Root.Resources[1].ProviderKey = ""
	g := BuildGraph(p)
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
	providers["apps:kubernetes"] = ProviderConfig{Module: "apps", References: []string{"var.host"}}
	delete(providers, "module.apps:kubernetes")
	p.Config.Root.ModuleCalls["apps"].Module.Resources[0].ProviderKey = "apps:kubernetes"
	if got := BuildGraph(p).DependsOn("module.apps[1].kubernetes_deployment.app"); !slices.Equal(got, []string{"aws_eks_cluster.main"}) {
		t.Errorf("old module address: depends on %v, want the cluster", got)
	}
}

// A root provider that reads only root variables (the usual region,
// project, credentials) adds no edge.
func TestProviderConfigVarsOnly(t *testing.T) {
	providers := map[string]ProviderConfig{
		"aws":        eksProviders["aws"],
		"kubernetes": {References: []string{"var.host", "var.token"}, ReferenceGroups: [][]string{{"var.host"}, {"var.token"}}},
	}
	g := BuildGraph(eksPlan(providers, "kubernetes"))
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
		plans, err := Parse(filepath.Base(f), data)
		if err != nil {
			continue // the corpus holds inputs blast refuses too
		}
		for _, p := range plans {
			g := BuildGraph(p)
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

// The loader keeps provider_config and provider_config_key, the same through
// both decoders, and the graph follows them.
func TestProviderConfigDecoded(t *testing.T) {
	data := []byte(`{"format_version": "1.2", "terraform_version": "1.9.0",
  "resource_changes": [
    {"address": "aws_eks_cluster.main", "mode": "managed", "type": "aws_eks_cluster", "name": "main",
     "provider_name": "registry.terraform.io/hashicorp/aws", "change": {"actions": ["delete"], "before": {}, "after": null}},
    {"address": "module.apps.kubernetes_deployment.app", "module_address": "module.apps", "mode": "managed",
     "type": "kubernetes_deployment", "name": "app", "provider_name": "registry.terraform.io/hashicorp/kubernetes",
     "change": {"actions": ["no-op"], "before": {}, "after": {}}}
  ],
  "configuration": {
    "provider_config": {
      "aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
              "expressions": {"region": {"references": ["var.region"]}}},
      "kubernetes": {"name": "kubernetes", "full_name": "registry.terraform.io/hashicorp/kubernetes",
              "expressions": {"host": {"references": ["aws_eks_cluster.main.endpoint", "aws_eks_cluster.main"]},
                              "exec": [{"args": {"references": ["aws_eks_cluster.main.name", "aws_eks_cluster.main"]}}]}}
    },
    "root_module": {
      "resources": [{"address": "aws_eks_cluster.main", "mode": "managed", "type": "aws_eks_cluster", "name": "main",
                     "provider_config_key": "aws", "expressions": {"name": {"constant_value": "x"}}}],
      "module_calls": {"apps": {"source": "./apps", "module": {
        "resources": [{"address": "kubernetes_deployment.app", "mode": "managed", "type": "kubernetes_deployment",
                       "name": "app", "provider_config_key": "apps:kubernetes"}]}}}
    }
  }
}`)
	fast, err := Parse("eks.json", data)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := parseReference("eks.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fast, ref) {
		t.Errorf("the decoders disagree:\nfast %+v\nreference %+v", fast[0].Config, ref[0].Config)
	}
	p := fast[0]
	want := ProviderConfig{
		References:      []string{"aws_eks_cluster.main", "aws_eks_cluster.main.endpoint", "aws_eks_cluster.main.name"},
		ReferenceGroups: [][]string{{"aws_eks_cluster.main", "aws_eks_cluster.main.endpoint"}, {"aws_eks_cluster.main", "aws_eks_cluster.main.name"}},
	}
	if got := p.Config.Providers["kubernetes"]; !reflect.DeepEqual(got, want) {
		t.Errorf("kubernetes provider: %+v, want %+v", got, want)
	}
	if got := p.Config.Root.ModuleCalls["apps"].Module.Resources[0].ProviderKey; got != "apps:kubernetes" {
		t.Errorf("provider key %q", got)
	}
	r := BlastRadius(p, nil)["aws_eks_cluster.main"]
	if !slices.Equal(r.Unchanged, []string{"module.apps.kubernetes_deployment.app"}) {
		t.Errorf("radius of the cluster's delete: %+v", r)
	}
}
