// Package report renders one Report value in every output format blast
// writes: table, json, markdown, sarif, junit, github, and the graph as dot and mermaid. A Report holds addresses, types,
// attribute paths and numbers only; no attribute value of a plan can reach it,
// so no renderer can leak one.
package report
