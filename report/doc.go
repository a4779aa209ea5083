// Package report renders what blast found in every output format it writes.
//
// It is the last step of the flow load -> analyze -> score -> gate -> render.
// New turns an assessment and the gate's decision into one Report value, and
// every format renders that value: table, json, markdown, sarif, junit and
// github for blast check, and the dependency graph as dot and mermaid for
// blast graph (NewGraph, when nothing was judged). Each format file registers
// itself in the one registry of render.go. The graph formats draw the graphs
// and blast radii scoring already measured, never building them again.
//
// A Report holds addresses, types, attribute paths and numbers only; no
// attribute value of a plan can reach it, so no renderer can leak one.
package report
