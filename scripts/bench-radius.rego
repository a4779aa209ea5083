# The blast radius as a Rego policy, for the whole-command comparison in
# BENCHMARKS.md: every destroyed resource, and how many resources depend on
# it, directly or not, through the depends_on that prior_state records.
# Nodes are resources within their module instance
# (module.shard[3].module.env.aws_subnet.subnet_private), a little coarser
# than blast's resource instances.
#
#   opa eval -d scripts/bench-radius.rego -i plan.json --format raw 'count(data.blast.deny)'
package blast

import rego.v1

# node drops the instance key of the resource itself, keeping its module's.
node(addr) := regex.replace(addr, `\[[^\]]*\]$`, "")

# modules are the module instances of prior_state, three levels deep in the
# benchmark plans.
modules contains m.address if some m in input.prior_state.values.root_module.child_modules

modules contains c.address if {
	some m in input.prior_state.values.root_module.child_modules
	some c in m.child_modules
}

# ancestors[mod] lists, for module instance mod, each of its ancestors (itself
# included) and the same path without instance keys: module.shard[3] and
# module.shard., then module.shard[3].module.env and module.shard.module.env.
ancestors[mod] := [[prefix, concat("", [regex.replace(prefix, `\[[^\]]*\]`, ""), "."])] |
	segs := regex.find_n(`module\.[^.\[]+(\[[^\]]*\])?`, mod, -1)
	some i in numbers.range(1, count(segs))
	prefix := concat(".", array.slice(segs, 0, i))
] if {
	some mod in modules
}

# target is the node a depends_on entry of a resource in module instance mod
# names: depends_on gives no module keys, which are the dependent's own.
target(dep, _) := dep if not startswith(dep, "module.")

target(dep, mod) := concat(".", [a[0], local]) if {
	some a in ancestors[mod]
	startswith(dep, a[1])
	local := trim_prefix(dep, a[1])
	not startswith(local, "module.")
}

destroyed contains rc.address if {
	some rc in input.resource_changes
	"delete" in rc.change.actions
}

# edges lists [n, d]: node d depends on node n. Modules nest three levels
# deep in the benchmark plans.
edges := array.concat(
	array.concat(
		[[target(dep, ""), node(r.address)] |
			some r in input.prior_state.values.root_module.resources
			some dep in r.depends_on
		],
		[[target(dep, m.address), node(r.address)] |
			some m in input.prior_state.values.root_module.child_modules
			some r in m.resources
			some dep in r.depends_on
		],
	),
	[[target(dep, c.address), node(r.address)] |
		some m in input.prior_state.values.root_module.child_modules
		some c in m.child_modules
		some r in c.resources
		some dep in r.depends_on
	],
)

# dependents[n] is the set of nodes that depend on n (an indexed
# comprehension: OPA groups the edges once).
dependents := {n: ds |
	some n in {e[0] | some e in edges}
	ds := {d | some j; edges[j][0] == n; d := edges[j][1]}
}

# graph.reachable leaves out nodes nothing depends on: count the dependents
# of what it reaches instead.
radius[addr] := count({d | some n in graph.reachable(dependents, {node(addr)}); some d in dependents[n]} - {node(addr)}) if {
	some addr in destroyed
}

deny contains sprintf("%s is destroyed with %d resources depending on it", [addr, n]) if {
	some addr, n in radius
	n > 0
}
