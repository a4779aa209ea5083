// Package sarif is the subset of SARIF 2.1.0 (the Static Analysis Results
// Interchange Format) that blast writes for GitHub code scanning, as Go
// types to encode with encoding/json: a log of runs, the tool and its
// rules, the results and where they are, in a file or in logical terms.
// The order of the fields is the order of the output. It holds no logic;
// package report fills it.
package sarif
