//go:build goexperiment.jsonv2

package decoderbench

import (
	jsonv2 "encoding/json/v2"
	"testing"
)

// BenchmarkJSONv2: encoding/json/v2 itself. It refuses terraform-json's
// types: their tag `json:"schema_version,"` is malformed to it.
func BenchmarkJSONv2(b *testing.B) {
	d := data(b)
	for b.Loop() {
		var p plan
		if err := jsonv2.Unmarshal(d, &p); err != nil {
			b.Fatal(err)
		}
	}
}
