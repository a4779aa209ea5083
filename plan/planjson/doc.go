// Package planjson reads Terraform and OpenTofu plan JSON into blast's model
// (package plan).
//
// It is the first step of the flow load -> graph -> score -> gate -> render:
// it reads plans (JSON, newline-delimited JSON, or binary plan files through
// `terraform show -json`), validates them, and classifies every resource
// change into one plan.Kind. terraform-json's types are the edge: everything
// past this package sees only plan's small typed structs, never raw values,
// so no attribute value from a plan can reach a report by accident.
//
// Two decoders read the same bytes: a fast scanner (fast.go, decode_*.go)
// that does the work, and terraform-json's reference decoder
// (parse.go, analyze.go), which takes over whenever the scanner meets
// something it does not handle. Differential tests and a fuzz target hold
// them to the same result.
package planjson
