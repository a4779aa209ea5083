package scoring

import (
	"fmt"
	"sort"

	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
)

// Points of a capacity gap. A gap of a cluster's node capacity, of a load
// balancer or its backends, of a cluster, or of the last instance behind a
// load balancer or DNS name, adds capacityGapPoints: with the destroy-first
// kind points of its class (0.6 x 50 for node capacity, 0.5 x 50 for an
// instance) that reaches the default threshold on its own. A lone instance
// that nothing routes to adds as much in production, and only
// capacityGapLonePoints where every environment applied says
// production: false.
const (
	capacityGapPoints     = 25.0
	capacityGapLonePoints = 5.0
)

// A capacity family is a kind of serving capacity: the instances of one
// family can stand in for each other, so one left serving means no gap.
type capacityFamily int

const (
	familyNodes capacityFamily = iota
	familyInstances
	familyLoadBalancers
	familyBackends
	familyClusters
)

// capacityFamilies describes each family: what its members are called, and
// what a gap does.
var capacityFamilies = [...]struct{ plural, gap string }{
	familyNodes:         {"node pools, node groups, instance groups and scale sets", "every workload scheduled on it is evicted and has nowhere to run until the new capacity is up"},
	familyInstances:     {"instances", "what runs on it is down until the new instance is up"},
	familyLoadBalancers: {"load balancers", "nothing answers its clients until the new one is up, and a new one may get a new address"},
	familyBackends:      {"target groups and backends", "its load balancer has nothing to send traffic to until the new one is up"},
	familyClusters:      {"clusters", "every workload on it goes down with it"},
}

// capacityTypes maps the types that serve to their family. An EKS node group
// and a self-managed auto-scaling group serve the same cluster, so they are
// one family, as are node pools, scale sets and instance groups.
var capacityTypes = map[string]capacityFamily{
	"aws_autoscaling_group":                          familyNodes,
	"aws_ec2_fleet":                                  familyNodes,
	"aws_eks_fargate_profile":                        familyNodes,
	"aws_eks_node_group":                             familyNodes,
	"aws_spot_fleet_request":                         familyNodes,
	"azurerm_kubernetes_cluster_node_pool":           familyNodes,
	"azurerm_linux_virtual_machine_scale_set":        familyNodes,
	"azurerm_orchestrated_virtual_machine_scale_set": familyNodes,
	"azurerm_virtual_machine_scale_set":              familyNodes,
	"azurerm_windows_virtual_machine_scale_set":      familyNodes,
	"digitalocean_kubernetes_node_pool":              familyNodes,
	"google_compute_instance_group":                  familyNodes,
	"google_compute_instance_group_manager":          familyNodes,
	"google_compute_region_instance_group_manager":   familyNodes,
	"google_container_node_pool":                     familyNodes,
	"oci_containerengine_node_pool":                  familyNodes,

	"aws_instance":                          familyInstances,
	"aws_lightsail_instance":                familyInstances,
	"aws_spot_instance_request":             familyInstances,
	"azurerm_linux_virtual_machine":         familyInstances,
	"azurerm_virtual_machine":               familyInstances,
	"azurerm_windows_virtual_machine":       familyInstances,
	"digitalocean_droplet":                  familyInstances,
	"google_compute_instance":               familyInstances,
	"google_compute_instance_from_template": familyInstances,
	"hcloud_server":                         familyInstances,
	"oci_core_instance":                     familyInstances,

	"aws_alb":                               familyLoadBalancers,
	"aws_elb":                               familyLoadBalancers,
	"aws_lb":                                familyLoadBalancers,
	"azurerm_application_gateway":           familyLoadBalancers,
	"azurerm_lb":                            familyLoadBalancers,
	"digitalocean_loadbalancer":             familyLoadBalancers,
	"google_compute_forwarding_rule":        familyLoadBalancers,
	"google_compute_global_forwarding_rule": familyLoadBalancers,

	"aws_alb_target_group":                  familyBackends,
	"aws_lb_target_group":                   familyBackends,
	"azurerm_lb_backend_address_pool":       familyBackends,
	"google_compute_backend_service":        familyBackends,
	"google_compute_region_backend_service": familyBackends,

	"aws_ecs_cluster":                 familyClusters,
	"aws_eks_cluster":                 familyClusters,
	"azurerm_kubernetes_cluster":      familyClusters,
	"digitalocean_kubernetes_cluster": familyClusters,
	"google_container_cluster":        familyClusters,
	"oci_containerengine_cluster":     familyClusters,
}

// linkTypes join capacity to what serves it without being the public edge:
// an Azure VM reaches its load balancer's backend pool through its network
// interface and an association.
var linkTypes = map[string]bool{
	"azurerm_network_interface": true,
	"azurerm_network_interface_application_gateway_backend_address_pool_association": true,
	"azurerm_network_interface_backend_address_pool_association":                     true,
}

// isConsumer reports whether a type ties serving capacity together: the
// public edge (load balancers, listeners, target groups and their
// attachments, backends, DNS records), clusters, and the links above.
func (s *scorer) isConsumer(typ string) bool {
	if linkTypes[typ] {
		return true
	}
	switch s.classOf(typ).class.Name {
	case "dns_edge", "cluster":
		return true
	}
	return false
}

// capacityGaps finds deletes and destroy-before-create replaces that remove
// every instance of a serving family in their scope, so that nothing of that
// kind serves during the apply.
//
// The scope of a removed object is its family in the same module instance,
// and the family members tied to it through the consumers it references: a
// target group (an ASG's target_group_arns), a cluster (a node pool's
// cluster), a network interface, with the load balancers, listeners,
// attachments and DNS records connected to them. A consumer that references
// the removed object (an attachment, a DNS record) does not widen its scope:
// DESIGN.md wants a new dependent never to lower the score, and one that
// also names a serving peer would remove the gap. Only a member the plan leaves in place (no change, an update,
// a forget) and that depends on nothing the plan destroys (inRadius) serves:
// a create is not ordered before the destroy, a replaced member is in a
// window of its own, and a member whose dependencies are destroyed may break
// with them (a member that depends on the removed object consumes it, it
// cannot stand in for it). A consumer that does not serve by the same test
// ties nothing together. So adding a destructive change, or a dependent of a
// destroyed object, can only add gaps, never remove one.
//
// A change the policy ignores counts as kept, as in teardownFindings: its
// gap adds no points behind the policy's back.
//
// The gaps of one family in one module instance are one finding, at the
// first address, since they are one outage.
func (s *scorer) capacityGaps(p *plan.Plan, g *graph.Graph, risks []ChangeRisk, inRadius map[string]bool) []Finding {
	var removed []*plan.Change
	kinds := map[string]plan.Kind{}
	for _, r := range risks {
		c := r.Change
		if c.Deposed != "" || c.Mode != "managed" || r.Ignored != "" {
			continue
		}
		kinds[c.Address] = c.Kind
		if _, ok := capacityTypes[c.Type]; ok && (c.Kind == plan.KindDelete || c.Kind == plan.KindReplace) {
			removed = append(removed, c)
		}
	}
	if len(removed) == 0 {
		return nil
	}
	serves := func(addr string) bool {
		k, changed := kinds[addr]
		return !inRadius[addr] && (!changed || (!k.Destructive() && k != plan.KindCreate))
	}
	typeOf := func(addr string) (string, string, bool) {
		i, ok := g.Index(addr)
		if !ok {
			return "", "", false
		}
		a, ok := g.Address(i)
		if !ok || a.Mode != "managed" {
			return "", "", false
		}
		return a.Type, a.ModulePath(), true
	}

	// Module scope: the members left serving per module instance and family.
	type scope struct {
		module string
		family capacityFamily
	}
	servingIn := map[scope]int{}
	for _, addr := range p.Instances {
		typ, module, ok := typeOf(addr)
		if !ok {
			continue
		}
		if f, ok := capacityTypes[typ]; ok && serves(addr) {
			servingIn[scope{module, f}]++
		}
	}

	// Consumer scope: consumers the plan keeps, joined into groups where
	// they reference each other; a member touching a group is served by it.
	parent := map[string]string{}
	find := func(a string) string {
		for parent[a] != a {
			parent[a] = parent[parent[a]]
			a = parent[a]
		}
		return a
	}
	edge := map[string]bool{} // consumers of the public edge, for "behind a load balancer or DNS name"
	consumer := func(addr string) bool {
		if _, ok := parent[addr]; ok {
			return true
		}
		typ, _, ok := typeOf(addr)
		if !ok || !s.isConsumer(typ) {
			return false
		}
		if s.classOf(typ).class.Name == "dns_edge" {
			edge[addr] = true
		}
		if !serves(addr) {
			return false
		}
		parent[addr] = addr
		return true
	}
	neighbours := func(addr string) []string {
		return append(g.DependsOn(addr), g.Dependents(addr)...)
	}
	for _, addr := range g.Nodes() {
		if !consumer(addr) {
			continue
		}
		for _, n := range neighbours(addr) {
			if consumer(n) {
				parent[find(n)] = find(addr)
			}
		}
	}
	servingVia := map[string]map[capacityFamily]int{} // group root -> family -> members left serving
	for addr := range parent {
		for _, n := range append(neighbours(addr), addr) {
			typ, _, ok := typeOf(n)
			if !ok {
				continue
			}
			if f, ok := capacityTypes[typ]; ok && serves(n) {
				root := find(addr)
				if servingVia[root] == nil {
					servingVia[root] = map[capacityFamily]int{}
				}
				servingVia[root][f]++
			}
		}
	}

	type gap struct {
		addrs  []string
		served bool // behind a load balancer or a DNS name
	}
	gaps := map[scope]*gap{}
	for _, c := range removed {
		f := capacityTypes[c.Type]
		if servingIn[scope{c.Module, f}] > 0 {
			continue
		}
		served, covered := false, false
		for _, n := range neighbours(c.Address) {
			consumer(n) // marks edge consumers even when the plan destroys them
			served = served || edge[n]
		}
		for _, n := range append(g.DependsOn(c.Address), c.Address) {
			if _, ok := parent[n]; ok && servingVia[find(n)][f] > 0 {
				covered = true
			}
		}
		if covered {
			continue
		}
		k := scope{c.Module, f}
		if gaps[k] == nil {
			gaps[k] = &gap{}
		}
		gaps[k].addrs = append(gaps[k].addrs, c.Address)
		gaps[k].served = gaps[k].served || served
	}

	keys := make([]scope, 0, len(gaps))
	for k := range gaps {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].module != keys[j].module {
			return keys[i].module < keys[j].module
		}
		return keys[i].family < keys[j].family
	})
	var out []Finding
	for _, k := range keys {
		gp := gaps[k]
		sort.Strings(gp.addrs)
		fam := capacityFamilies[k.family]
		where := "the root module"
		if k.module != "" {
			where = k.module
		}
		what := gp.addrs[0] + " is"
		if n := len(gp.addrs); n > 1 {
			what = fmt.Sprintf("%s and %d more are", gp.addrs[0], n-1)
		}
		f := Finding{Severity: SeverityHigh, Address: gp.addrs[0], Points: capacityGapPoints,
			Message: fmt.Sprintf("%s destroyed before any replacement exists, and nothing of its kind (%s) in %s, or behind the same load balancer, DNS name or cluster, is left serving: %s",
				what, fam.plural, where, fam.gap)}
		switch {
		case gp.served:
			f.Message += "; it is the last of its kind behind a load balancer or DNS name"
		case k.family == familyInstances && s.pol.NonProduction:
			// Only a lone instance: node capacity, load balancers and
			// clusters serve others whatever the environment.
			f.Severity, f.Points = SeverityMedium, capacityGapLonePoints
			f.Message += "; the environment is not production"
		}
		f.Message += "; create_before_destroy, or the new capacity added in an earlier apply, avoids the gap"
		out = append(out, f)
	}
	return out
}
