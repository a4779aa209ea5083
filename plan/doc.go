// Package plan is blast's model of a Terraform or OpenTofu plan: the plans,
// their resource changes classified into one Kind each, the parts of the
// configuration the dependency graph needs, and resource addresses.
//
// It holds addresses, types and attribute paths, never an attribute value
// (values are digests by the time they reach it), and imports nothing but the
// standard library, so every other package can depend on it. Package planjson
// fills it from plan JSON.
package plan
