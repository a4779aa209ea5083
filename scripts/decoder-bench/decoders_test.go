// Package decoderbench measures general-purpose JSON decoders on a generated
// plan, decoding what blast's reference decoder decodes into terraform-json's
// types, for the comparison in BENCHMARKS.md. It is a module of its own, so
// that blast does not depend on the decoders it measures:
//
//	cd scripts/decoder-bench && go test -bench . -benchtime 3x
//	GOEXPERIMENT=jsonv2 go test -bench . -benchtime 3x
package decoderbench

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/bytedance/sonic"
	gojson "github.com/goccy/go-json"
	tfjson "github.com/hashicorp/terraform-json"
)

// plan is what blast's reference decoder decodes: terraform-json's types for
// the keys blast reads.
type plan struct {
	FormatVersion   string                   `json:"format_version"`
	ResourceChanges []*tfjson.ResourceChange `json:"resource_changes"`
	PlannedValues   *tfjson.StateValues      `json:"planned_values"`
	PriorState      struct {
		Values *tfjson.StateValues `json:"values"`
	} `json:"prior_state"`
	Configuration struct {
		RootModule *tfjson.ConfigModule `json:"root_module"`
	} `json:"configuration"`
}

func data(b *testing.B) []byte {
	path := os.Getenv("BENCH_PLAN")
	if path == "" {
		path = "../../bench-data/plan-15000.json"
	}
	d, err := os.ReadFile(path)
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(d)))
	b.ReportAllocs()
	return d
}

func BenchmarkEncodingJSON(b *testing.B) {
	d := data(b)
	for b.Loop() {
		var p plan
		dec := json.NewDecoder(bytes.NewReader(d))
		dec.UseNumber()
		if err := dec.Decode(&p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGoccy(b *testing.B) {
	d := data(b)
	for b.Loop() {
		var p plan
		dec := gojson.NewDecoder(bytes.NewReader(d))
		dec.UseNumber()
		if err := dec.Decode(&p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSonic(b *testing.B) {
	d := data(b)
	api := sonic.Config{UseNumber: true}.Froze()
	for b.Loop() {
		var p plan
		if err := api.Unmarshal(d, &p); err != nil {
			b.Fatal(err)
		}
	}
}
