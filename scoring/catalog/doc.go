// Package catalog is blast's built-in knowledge of Terraform resource types:
// catalog.tsv, embedded in the binary, puts each type of AWS, Google Cloud,
// Azure, Kubernetes, Helm and the common SaaS providers into one of a small
// set of classes, and each class has a weight (how bad is the day after one
// is destroyed by mistake) and says whether it holds data. Classify finds a
// type's class by an exact entry or the longest prefix rule; ClassifySubtype
// does the same for generic types (azapi_resource, kubernetes_manifest) by
// the kind of object they manage. Package scoring lays a policy's overrides
// on top of it.
package catalog
