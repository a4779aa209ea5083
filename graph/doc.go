// Package graph builds the dependency graph of a plan's resource instances
// and walks it for the blast radius of each destructive change.
//
// Edges come from the plan alone: the configuration's expression references
// (through module calls, count and for_each, depends_on and provider
// configurations) and the depends_on that prior_state records. A node is a
// resource instance address; A depends on B means destroying B affects A.
package graph
