// Package scoring turns an analyzed plan into a risk score and a gate decision.
//
// It is the third step of the flow load -> analyze -> score -> gate -> render.
// Every change is weighed by the criticality of its resource type, taken from a
// built-in catalog (catalog.tsv, embedded in the binary) that groups resource
// types of AWS, Google Cloud, Azure, Kubernetes, Helm and the common SaaS
// providers into a small set of classes with weights; a policy can override
// them. The score adds up points per change and per finding, each traceable to
// the change and factor that produced it, and the gate compares it with the
// policy's threshold and the sign-offs presented.
package scoring
