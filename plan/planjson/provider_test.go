package planjson

import (
	"reflect"
	"slices"
	"testing"

	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
)

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
	want := plan.ProviderConfig{
		References:      []string{"aws_eks_cluster.main", "aws_eks_cluster.main.endpoint", "aws_eks_cluster.main.name"},
		ReferenceGroups: [][]string{{"aws_eks_cluster.main", "aws_eks_cluster.main.endpoint"}, {"aws_eks_cluster.main", "aws_eks_cluster.main.name"}},
	}
	if got := p.Config.Providers["kubernetes"]; !reflect.DeepEqual(got, want) {
		t.Errorf("kubernetes provider: %+v, want %+v", got, want)
	}
	if got := p.Config.Root.ModuleCalls["apps"].Module.Resources[0].ProviderKey; got != "apps:kubernetes" {
		t.Errorf("provider key %q", got)
	}
	r := graph.BlastRadius(p, nil)["aws_eks_cluster.main"]
	if !slices.Equal(r.Unchanged, []string{"module.apps.kubernetes_deployment.app"}) {
		t.Errorf("radius of the cluster's delete: %+v", r)
	}
}
