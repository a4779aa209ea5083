package analyzer

// ParseReference exposes the reference decoder to the benchmarks of package
// analyzer_test.
var ParseReference = parseReference
