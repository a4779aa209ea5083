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
// Input is UTF-8 text; UTF-8 with a byte-order mark and UTF-16 with one (what
// a PowerShell redirect writes) are read as the same text, with a warning on
// the plan, and UTF-16 that is not valid is refused (parse.go, checkText).
//
// Two decoders read the same bytes: a fast decoder (fast.go, on the scanner
// of internal/jsonscan) that does the work, and terraform-json's reference
// decoder (parse.go, analyze.go), which takes over whenever the scanner
// meets something it does not handle, and words every error. They differ only in reading: each turns
// a resource change into a rawChange (strings decoded, values as canonical
// JSON, the bytes json.Marshal writes for them) and a plan into planParts,
// and one converter (convert.go: convertChange, assemble) makes the
// plan.Change and plan.Plan of them. Differential tests and a fuzz target
// hold the two readings to the same result; TestCanonMatchesMarshal holds
// the scanner's canonical bytes to encoding/json's.
//
// Entries without an address (Terraform 1.0 wrote its resource_drift so) get
// one rebuilt from module_address, mode, type, name and index, as Terraform
// writes addresses; drift and deferred entries that name nothing are left
// out with a warning, since neither is scored, while a resource change that
// names nothing is refused.
package planjson
