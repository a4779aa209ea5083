// Command blast judges Terraform and OpenTofu plans: it finds the changes that
// destroy infrastructure, scores their blast radius, and blocks CI until a
// senior signs off on that exact plan.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
