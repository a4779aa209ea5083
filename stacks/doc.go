// Package stacks reads other stacks' Terraform state and finds the resources
// in them that refer to what a plan destroys: the blast radius past the edge
// of the planned stack.
//
// A plan shows its own stack only. The VPC, database or role it replaces is
// often used by other stacks too, through terraform_remote_state, data
// sources, or ids copied into their variables. Those stacks' state, which
// every team keeps, records the values they hold; a resource there depends on
// a destroyed resource when one of its attribute values equals an identity
// (id, arn, self_link ...) of that resource or of one in its in-stack radius.
// terraform_remote_state needs no special case: its state keeps the outputs it
// read under its "outputs" attribute, so a reference through it is found at
// the path outputs.NAME like any other attribute.
//
// Load reads context stacks (a state file, `terraform show -json` of a state,
// or a folder of them) and keeps no value: every string that could be an
// identity is reduced to a Digest as it is decoded, with its attribute path.
// The plan side digests the identities of the destroyed resources with the
// same ValueDigest, puts them in a Query with the owners they stand for, and
// Match returns, per stack, the resources that hold one of them and at which
// attribute paths. Nothing here can print a value: a Stack holds addresses,
// types, attribute paths and digests only, and digests are not printed either.
//
// Which values can be identities (see Candidate): strings of 8 to 1,024 bytes.
// Shorter strings are where the words and small numbers every stack repeats
// live ("true", "default", "80", "main"); longer ones are documents (policies,
// certificates, user data), never an identity. A link needs an exact match
// with a destroyed resource's identity, which is specific by nature (an id, an
// ARN, a self link), so values that merely recur across stacks do not link by
// themselves: a shared VPC id held by hundreds of resources is exactly what
// this package exists to find, so frequency is not a filter.
package stacks
