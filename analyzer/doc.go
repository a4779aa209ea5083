// Package analyzer turns Terraform and OpenTofu plan JSON into blast's own model.
//
// It is the first step of the flow load -> analyze -> score -> gate -> render:
// it reads plans (JSON, newline-delimited JSON, or binary plan files through
// `terraform show -json`), validates them, and classifies every resource change
// into one Kind. terraform-json's types are the edge: everything past this
// package sees only the small typed structs defined here, never raw values, so
// no attribute value from a plan can reach a report by accident.
package analyzer
