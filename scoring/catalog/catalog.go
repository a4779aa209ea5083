package catalog

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Class is a named group of resource types with a default weight.
type Class struct {
	Name        string  // e.g. "stateful_data"
	Weight      float64 // criticality, 0 (harmless) .. 1 (most critical)
	Stateful    bool    // deleting it loses data (drives the data-loss finding)
	Description string
}

// How Classify matched a type.
const (
	matchExact   = "exact"
	matchPrefix  = "prefix"
	matchDefault = "default"
)

// defaultClass is the name of the class of types the catalog does not know.
const defaultClass = "default"

// builtinClasses are the classes of the catalog. A weight answers one
// question: if a change destroys a resource of this class by mistake, how bad
// is the day that follows? The score multiplies a destructive change's points
// by it, so 1.0 means one delete alone reaches the default threshold.
//
//   - 1.0: the loss is permanent. Data that no apply can bring back
//     (stateful_data), keys without which encrypted data is unreadable
//     (encryption_key), and scopes whose deletion takes everything inside
//     them along (account_scope: projects, resource groups, namespaces).
//   - 0.9: recoverable only slowly and with wide impact. A DNS zone gets new
//     name servers when recreated, so every delegation breaks until the
//     registrar is updated and caches expire; a Kubernetes or ECS cluster
//     takes every workload scheduled on it down with it.
//   - 0.8: outages that spread. Networks, routes, gateways and firewalls
//     carry every service above them; a deleted secret stops every consumer
//     and its value may exist nowhere else.
//   - 0.7: identity. A deleted role, binding or user breaks access for
//     whatever used it, often far from the change, and a wrong policy
//     swap can lock people out.
//   - 0.6: the public edge (records, certificates, load balancers, CDNs):
//     users see the outage at once, but the objects are recreated from
//     configuration. Audit and threat detection sit here too: turning them
//     off hides incidents rather than causing one. Cluster capacity (node
//     pools and groups, instance groups, scale sets, auto-scaling groups)
//     too: rebuilt from configuration like an instance, but every workload
//     scheduled on it is evicted at once, so it weighs more than one
//     instance; the capacity-gap finding adds what a gap costs.
//   - 0.5: compute and container workloads: recreated from images and
//     configuration; the cost is downtime, not loss.
//   - 0.4: managed functions and apps, settings attached to data stores, and
//     the glue that wires services together: quick to restore.
//   - 0.3: SaaS account settings and types we do not know. Unknown types
//     get the middle of the scale rather than zero, so a new provider's
//     delete is not silently ignored.
//   - 0.2: monitoring: losing it blinds you but breaks nothing. Log groups
//     are here, not in stateful_data: logs are telemetry kept for a
//     retention period, usually exported, and flagging every log group
//     replace as data loss would drown the real findings. Audit trails are
//     in security_audit.
//   - 0.05: objects that exist only in Terraform's state (null_resource,
//     random_*, time_*, local files, test and mock providers): recreated
//     by the next apply with no effect outside it.
var builtinClasses = []Class{
	{Name: "access_config", Weight: 0.4, Description: "glue that exposes or wires services: API gateway routes and integrations, invoke permissions, event rules, subscriptions, notification topics"},
	{Name: "account_scope", Weight: 1.0, Stateful: true, Description: "accounts, projects, folders, resource groups, compartments and namespaces: deleting one deletes everything inside it"},
	{Name: "cluster", Weight: 0.9, Description: "Kubernetes control planes and ECS clusters: every workload on them goes down with them"},
	{Name: "cluster_capacity", Weight: 0.6, Description: "node pools and node groups, instance groups, scale sets and auto-scaling groups: every workload scheduled on them is evicted when they go"},
	{Name: "compute", Weight: 0.5, Description: "instances, their templates, disk attachments and extensions: rebuilt from images and configuration"},
	{Name: "container_workload", Weight: 0.5, Description: "Kubernetes objects, Helm releases and ECS services and tasks: redeployed from configuration"},
	{Name: defaultClass, Weight: 0.3, Description: "resource types the catalog does not know"},
	{Name: "dns_edge", Weight: 0.6, Description: "DNS records, certificates, load balancers, CDNs and public API endpoints: what users reach first"},
	{Name: "dns_zone", Weight: 0.9, Stateful: true, Description: "DNS zones and domains: a recreated zone gets new name servers and every delegation breaks"},
	{Name: "encryption_key", Weight: 1.0, Stateful: true, Description: "KMS keys, key rings, key vaults and certificate authorities: losing a key loses the data it encrypts"},
	{Name: "ephemeral", Weight: 0.05, Description: "objects that exist only in Terraform state or in test and mock providers: null, random, time, local files"},
	{Name: "identity", Weight: 0.7, Description: "roles, policies, users, groups, service accounts, bindings and identity providers"},
	{Name: "network_core", Weight: 0.8, Description: "networks, subnets, routes, gateways, peering, VPN, firewalls, security groups and static public addresses"},
	{Name: "observability", Weight: 0.2, Description: "alarms, dashboards, monitors, log groups and paging: losing them blinds but breaks nothing"},
	{Name: "saas_config", Weight: 0.3, Description: "settings of SaaS and cloud accounts: teams, memberships, branch rules, tags, variables"},
	{Name: "secret", Weight: 0.8, Stateful: true, Description: "secrets, secure parameters and private keys: the value may exist nowhere else"},
	{Name: "security_audit", Weight: 0.6, Description: "audit trails, flow logs, threat detection and guardrails: removing them hides incidents"},
	{Name: "serverless", Weight: 0.4, Description: "functions, managed apps and runtimes, state machines and build projects: redeployed from code"},
	{Name: "stateful_data", Weight: 1.0, Stateful: true, Description: "databases, buckets, volumes, file systems, queues and streams, persistent caches, registries, repositories, backups and snapshots"},
	{Name: "storage_config", Weight: 0.4, Description: "settings attached to a data store but not the data: bucket policies, lifecycle and versioning, parameter and subnet groups, uploaded objects"},
}

//go:embed catalog.tsv
var catalogTSV string

// catalog is the parsed catalog.tsv.
type catalog struct {
	classes   []Class               // sorted by name
	byName    map[string]int        // class name -> index in classes
	exact     map[string]int        // resource type -> class index
	prefixes  map[string]prefixRule // prefix without "*" -> its rule
	prefixLen []int                 // distinct prefix lengths, longest first
}

type prefixRule struct {
	class int    // index in classes
	rule  string // as written in catalog.tsv, e.g. "aws_db_*"
}

var (
	loadOnce sync.Once
	builtin  *catalog
)

func theCatalog() *catalog {
	loadOnce.Do(func() {
		c, err := parseCatalog(catalogTSV, builtinClasses)
		if err != nil {
			// catalog.tsv is compiled in and checked by the tests; a
			// failure here is a build defect, not bad input.
			panic("scoring/catalog: built-in catalog.tsv: " + err.Error())
		}
		builtin = c
	})
	return builtin
}

// parseCatalog reads the catalog format: "type<TAB>class" lines, "#"
// comments and blank lines, types in strictly increasing byte order, a
// trailing "*" marking a prefix rule.
func parseCatalog(data string, classes []Class) (*catalog, error) {
	c := &catalog{
		classes:  append([]Class(nil), classes...),
		byName:   make(map[string]int, len(classes)),
		exact:    make(map[string]int, 1400),
		prefixes: make(map[string]prefixRule),
	}
	sort.Slice(c.classes, func(i, j int) bool { return c.classes[i].Name < c.classes[j].Name })
	for i, cl := range c.classes {
		if _, dup := c.byName[cl.Name]; dup {
			return nil, fmt.Errorf("class %q defined twice", cl.Name)
		}
		c.byName[cl.Name] = i
	}
	if _, ok := c.byName[defaultClass]; !ok {
		return nil, fmt.Errorf("no %q class", defaultClass)
	}

	prev := ""
	lens := map[int]bool{}
	for n := 1; data != ""; n++ {
		var line string
		line, data, _ = strings.Cut(data, "\n")
		line = strings.TrimSuffix(line, "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		typ, class, ok := strings.Cut(line, "\t")
		if !ok || typ == "" || class == "" || strings.ContainsAny(class, "\t ") || strings.ContainsAny(typ, " ") {
			return nil, fmt.Errorf("line %d: want \"type<TAB>class\", got %q", n, line)
		}
		if typ <= prev {
			if typ == prev {
				return nil, fmt.Errorf("line %d: duplicate type %q", n, typ)
			}
			return nil, fmt.Errorf("line %d: %q is out of order: it sorts before %q", n, typ, prev)
		}
		prev = typ
		idx, ok := c.byName[class]
		if !ok {
			return nil, fmt.Errorf("line %d: %s: unknown class %q", n, typ, class)
		}
		if p, isPrefix := strings.CutSuffix(typ, "*"); isPrefix {
			if p == "" || strings.Contains(p, "*") {
				return nil, fmt.Errorf("line %d: bad prefix rule %q", n, typ)
			}
			c.prefixes[p] = prefixRule{class: idx, rule: typ}
			lens[len(p)] = true
			continue
		}
		if strings.Contains(typ, "*") {
			return nil, fmt.Errorf("line %d: %q: \"*\" is allowed only at the end", n, typ)
		}
		c.exact[typ] = idx
	}
	for l := range lens {
		c.prefixLen = append(c.prefixLen, l)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(c.prefixLen)))
	return c, nil
}

func (c *catalog) classify(resourceType string) (Class, string, string) {
	if i, ok := c.exact[resourceType]; ok {
		return c.classes[i], matchExact, ""
	}
	for _, l := range c.prefixLen {
		if l > len(resourceType) {
			continue
		}
		if p, ok := c.prefixes[resourceType[:l]]; ok {
			return c.classes[p.class], matchPrefix, p.rule
		}
	}
	return c.classes[c.byName[defaultClass]], matchDefault, ""
}

// Classes returns every class, sorted by name.
func Classes() []Class {
	return append([]Class(nil), theCatalog().classes...)
}

// ClassByName returns a class by name.
func ClassByName(name string) (Class, bool) {
	c := theCatalog()
	i, ok := c.byName[name]
	if !ok {
		return Class{}, false
	}
	return c.classes[i], true
}

// Classify returns the class of a resource type and how it was matched:
// "exact", "prefix" (with the prefix in rule, e.g. "aws_db_*") or
// "default". An exact entry beats any prefix, and the longest matching
// prefix wins.
func Classify(resourceType string) (class Class, how string, rule string) {
	return theCatalog().classify(resourceType)
}

// ClassifySubtype is Classify for a generic type by what the object
// manages (plan.Change.Subtype): catalog.tsv lists those as "type/subtype"
// entries and prefixes (azapi_resource/microsoft.sql/*,
// kubernetes_manifest/Namespace). A subtype the catalog does not list
// falls back to the type's own class, never to a broader prefix.
func ClassifySubtype(resourceType, subtype string) (class Class, how string, rule string) {
	c := theCatalog()
	if subtype != "" {
		key := resourceType + "/" + subtype
		class, how, rule := c.classify(key)
		if how == matchExact || (how == matchPrefix && strings.HasPrefix(rule, resourceType+"/")) {
			return class, how, rule
		}
	}
	return c.classify(resourceType)
}

// Size returns the number of exact type entries (for tests and docs).
func Size() int {
	return len(theCatalog().exact)
}

// Entries returns every entry of catalog.tsv: a resource type, or a prefix
// rule as written (ending in "*"), to its class.
func Entries() map[string]Class {
	c := theCatalog()
	out := make(map[string]Class, len(c.exact)+len(c.prefixes))
	for typ, i := range c.exact {
		out[typ] = c.classes[i]
	}
	for _, p := range c.prefixes {
		out[p.rule] = c.classes[p.class]
	}
	return out
}
