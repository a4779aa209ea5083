// Package scoring turns an analyzed plan into a risk score and a gate decision.
//
// It is the third step of the flow load -> analyze -> score -> gate -> render.
// Every change is weighed by the criticality of its resource type, taken from a
// built-in catalog (package catalog, its catalog.tsv embedded in the binary)
// that groups resource types of AWS, Google Cloud, Azure, Kubernetes, Helm
// and the common SaaS providers into a small set of classes with weights; a
// policy can override them. The score adds up points per change and per finding, each traceable to
// the change and factor that produced it, and the gate compares it with the
// policy's threshold and the sign-offs presented. The catalog, the policy
// file (package policy) and AI-assisted detection (package aiassisted) are
// packages of their own beneath this one.
//
// # Adding a finding rule
//
// A finding rule is one entry in the registry, rules in rules.go, and its
// function:
//
//	{
//		ID: "runs-commands", Severity: SeverityMedium,
//		Title: "Apply runs commands",
//		Help:  "A provisioner runs commands on apply: what they do is not in the plan.",
//		find:  runsCommands,
//	},
//
//	// runsCommands ... (in findings.go, or a file of its own)
//	func runsCommands(in *ruleInput) []Finding
//
// The function looks at one plan (in.p), its dependency graph (in.graph), the
// judged changes (in.risks) and the scorer's class lookups (in.s), and returns
// a Finding per hit with Address, Message, and Points when the finding should
// add to the score (most add none: the change's own factors already count).
// It leaves Rule and Plan empty, and Severity too unless this finding differs
// from the rule's: Assess fills them in. Everything else follows from the
// entry: Assess runs it, a policy may name the id in an ignore rule, SARIF
// describes it with Title and Help, and the tests check that it has both.
// Then run go test ./scoring -run TestRulesDoc -update to list it in
// docs/json-report.md, and add a test of when it fires to findings_test.go.
package scoring
