package planjson

// ParseReference exposes the reference decoder to the benchmarks of package
// planjson_test.
var ParseReference = parseReference
