package planjson

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/blast-dev/blast/fixtures"
	"github.com/blast-dev/blast/fixtures/gen/scale"
	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson/internal/jsonscan"
)

// samePlans fails unless the fast decoder read data itself and built plans
// identical to the reference decoder's.
func samePlans(t *testing.T, name string, data []byte) {
	t.Helper()
	want, err := parseReference(name, data)
	if err != nil {
		t.Fatalf("reference: %v", err)
	}
	text, _, err := checkText(name, data)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := parseFast(name, text)
	if !ok {
		t.Fatalf("the fast decoder gave up on a plan the reference reads (%s)", whyFast(name, text))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the fast decoder disagrees with the reference:\n%s", planDiff(got, want))
	}
}

// whyFast says why the fast decoder gave up, for test failures.
func whyFast(name string, data []byte) (why string) {
	defer func() {
		if v := recover(); v != nil {
			why = fmt.Sprint(v)
		}
	}()
	r := &fastRun{data: data, inline: newWorker(data)} // inline: panics reach here
	s := &jsonscan.Scanner{Data: data}
	s.Space()
	fp := r.plan(s)
	if _, err := fp.finish(name); err != nil {
		return err.Error()
	}
	return "?"
}

func planDiff(got, want []*plan.Plan) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d plans, want %d", len(got), len(want))
	}
	var b strings.Builder
	for i := range got {
		g, w := *got[i], *want[i]
		gv, wv := reflect.ValueOf(g), reflect.ValueOf(w)
		for f := range gv.NumField() {
			if !reflect.DeepEqual(gv.Field(f).Interface(), wv.Field(f).Interface()) {
				name := gv.Type().Field(f).Name
				if name == "Changes" && len(g.Changes) == len(w.Changes) {
					for j := range g.Changes {
						if !reflect.DeepEqual(g.Changes[j], w.Changes[j]) {
							fmt.Fprintf(&b, "plan %d change %d:\n got %+v\nwant %+v\n", i, j, g.Changes[j], w.Changes[j])
							break
						}
					}
					continue
				}
				fmt.Fprintf(&b, "plan %d field %s:\n got %+v\nwant %+v\n", i, name, gv.Field(f).Interface(), wv.Field(f).Interface())
			}
		}
	}
	return b.String()
}

func TestFastMatchesReferenceCorpus(t *testing.T) {
	for _, f := range corpusFiles(t, "plans") {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			samePlans(t, f, data)
		})
	}
}

func TestFastMatchesReferenceFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "fixtures", "*", "plan.json"))
	if len(files) < 10 {
		t.Fatalf("found %d fixture plans", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			samePlans(t, f, data)
		})
	}
}

func generated(t testing.TB, n int, base []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := scale.Write(&buf, scale.Options{Resources: n, Seed: 7, Base: base}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestFastMatchesReferenceGenerated covers the generated benchmark plans,
// large enough to be read in parallel.
func TestFastMatchesReferenceGenerated(t *testing.T) {
	graphModules, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "graph-modules", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	sizes := []int{1, 21, 100, 1000}
	if !testing.Short() {
		sizes = append(sizes, 3000)
	}
	for _, n := range sizes {
		for name, base := range map[string][]byte{"demo": fixtures.DemoPlan, "graph-modules": graphModules} {
			t.Run(fmt.Sprintf("%s-%d", name, n), func(t *testing.T) {
				data := generated(t, n, base)
				if n >= 1000 && len(data) < minParallelBytes {
					t.Fatalf("%d bytes: too small to test the parallel reader", len(data))
				}
				samePlans(t, "plan.json", data)
			})
		}
	}
}

// TestFastAgreesOnOddInput feeds both decoders input the fast one must read
// exactly as encoding/json does, or leave to the reference: the result, plans
// or error, must be the same.
func TestFastAgreesOnOddInput(t *testing.T) {
	// Valid input the fast decoder leaves to the reference on purpose: keys
	// encoding/json matches to a field after unquoting or case folding, and
	// repeated fields, which it merges.
	leftToReference := map[string]bool{
		"key by case": true, "key by fold": true, "escaped field key": true, "repeated field": true,
		"prior by case": true, "top key by case": true, "top key escaped": true, "top key repeated": true,
	}
	for name, input := range oddCases {
		t.Run(name, func(t *testing.T) {
			agree(t, []byte(input))
			if _, err := parseReference("x.json", []byte(input)); err != nil || leftToReference[name] {
				return
			}
			text, _, _ := checkText("x.json", []byte(input))
			if _, ok := parseFast("x.json", text); !ok {
				t.Fatalf("the fast decoder gave up (%s)", whyFast("x.json", text))
			}
		})
	}
}

var oddCases = func() map[string]string {
	const head = `{"format_version":"1.2","resource_changes":[`
	rc := func(before string) string {
		return head + `{"address":"aws_db_instance.a","type":"aws_db_instance","name":"a","change":{"actions":["delete"],"before":` + before + `}}]}`
	}
	return map[string]string{
		"unsorted keys":          rc(`{"z":1,"a":2,"m":{"y":true,"b":null}}`),
		"repeated key":           rc(`{"a":1,"b":2,"a":3}`),
		"repeated key, unsorted": rc(`{"b":1,"a":2,"b":3,"a":{"x":1}}`),
		"escaped keys":           rc(`{"\u0061":1,"a\"b":2,"\u00e9":3}`),
		"same key escaped":       rc(`{"a":1,"\u0061":2}`),
		"html in strings":        rc(`{"p":"<a href=\"x\">&amp;</a>","q":"\u003c\u003e\u0026"}`),
		"html in keys":           rc(`{"<":1,"a&b":2,">":3}`),
		"line separators":        rc("{\"s\":\"a\u2028b\u2029c\",\"t\":\"\\u2028\"}"),
		"escapes":                rc(`{"s":"\"\\\/\b\f\n\r\t\u0000\u001f\u007f\u00e9\u20ac"}`),
		"surrogates":             rc(`{"ok":"\ud83d\ude00","lone":"\ud83d","low":"\ude00x","pair then":"\ud83d\u0041"}`),
		"unicode":                rc(`{"s":"héllo wörld ✓ 日本 😀"}`),
		"numbers":                rc(`{"a":0,"b":-0,"c":1.50,"d":1e10,"e":-2.5E-3,"f":12345678901234567890123,"g":0.0,"backup_retention_period":0.0}`),
		"protections":            rc(`{"deletion_protection":false,"skip_final_snapshot":true,"force_destroy":true,"backup_retention_period":0}`),
		"protections repeated":   rc(`{"deletion_protection":true,"deletion_protection":false}`),
		"protections as strings": rc(`{"deletion_protection":"false","backup_retention_period":"0"}`),
		"nested lists":           rc(`{"a":[[],[[1,2],{}],{"k":[null,true,false]}],"tags":{"b":"x","a":"y"}}`),
		"white space":            " \n" + strings.ReplaceAll(rc(`{ "a" : [ 1 , 2 ] , "b" : { } }`), ",", " ,\n\t") + "\n",
		"null before":            rc(`null`),
		"before a string":        rc(`"x"`),
		"before an array":        rc(`[1,{"b":1,"a":2}]`),
		"no before":              head + `{"address":"a.b","type":"a","change":{"actions":["no-op"]}}]}`,
		"create with unknowns": head + `{"address":"aws_s3_bucket.b","type":"aws_s3_bucket","name":"b","change":{"actions":["create"],` +
			`"after":{"bucket":"x","id":null,"arn":null,"tags":{"a":"1","b":"2"},"list":[1,2,{"x":1}],"blocks":[{"a":1},{"a":2}]},` +
			`"after_unknown":{"id":true,"arn":true,"tags":{"b":true},"list":[false,true],"blocks":true}}}]}`,
		"create all unknown": head + `{"address":"aws_s3_bucket.b","type":"aws_s3_bucket","change":{"actions":["create"],"after":{"a":1},"after_unknown":true}}]}`,
		"many leaves":        head + `{"address":"a.b","type":"a","change":{"actions":["delete"],"before":{"l":[` + strings.Repeat(`1,`, 100) + `1],"a.b":1,"a":{"b":2}}}}]}`,
		"data source":        head + `{"address":"data.a.b","type":"a","change":{"actions":["read"],"after":{"x":1}}}]}`,
		"module data source": head + `{"address":"module.m.data.a.b","type":"a","change":{"actions":["delete"],"before":{"x":1}}}]}`,
		"deposed":            head + `{"address":"a.b","type":"a","change":{"actions":["no-op"]}},{"address":"a.b","deposed":"0001","type":"a","change":{"actions":["delete"]}}]}`,
		"deposed twice":      head + `{"address":"a.b","deposed":"1","type":"a","change":{"actions":["delete"]}},{"address":"a.b","deposed":"1","type":"a","change":{"actions":["delete"]}}]}`,
		"importing":          head + `{"address":"a.b","type":"a","change":{"actions":["no-op"],"importing":{"id":"x"}}}]}`,
		"importing null":     head + `{"address":"a.b","type":"a","change":{"actions":["no-op"],"importing":null}}]}`,
		"importing wrong":    head + `{"address":"a.b","type":"a","change":{"actions":["no-op"],"importing":{"id":1}}}]}`,
		"replace paths":      head + `{"address":"a.b","type":"a","change":{"actions":["delete","create"],"replace_paths":[["tags","a b"],["x",0],"y",[1.5]]}}]}`,
		"escaped address":    head + `{"address":"a.b[\"k\\\"\u00e9\"]","type":"a","change":{"actions":["no-op"]}}]}`,
		"opentofu":           head + `{"address":"a.b","type":"a","provider_name":"registry.opentofu.org/hashicorp/a","change":{"actions":["no-op"]}}]}`,
		"null fields":        head + `{"address":"a.b","type":"a","mode":null,"index":null,"previous_address":null,"change":{"actions":["no-op"],"before":null,"after":null}}]}`,
		"unknown fields":     head + `{"address":"a.b","type":"a","future":{"x":[1]},"change":{"actions":["no-op"],"future":1}}]}`,
		"key by case":        head + `{"Address":"a.b","type":"a","change":{"actions":["no-op"]}}]}`,
		"key by fold":        head + `{"addreſs":"a.b","type":"a","change":{"actions":["no-op"]}}]}`,
		"escaped field key":  head + `{"addr\u0065ss":"a.b","type":"a","change":{"actions":["no-op"]}}]}`,
		"repeated field":     head + `{"address":"a.b","address":"a.c","type":"a","change":{"actions":["no-op"]}}]}`,
		"index of any type":  head + `{"address":"a.b","type":"a","index":{"x":[1]},"change":{"actions":["no-op"]}}]}`,
		"wrong type skipped": `{"format_version":"1.2","resource_changes":[],"planned_values":{"root_module":{"resources":[{"address":"a.b","schema_version":"1"}]}}}`,
		"negative version":   `{"format_version":"1.2","resource_changes":[],"planned_values":{"root_module":{"resources":[{"address":"a.b","schema_version":-1}]}}}`,
		"float version":      `{"format_version":"1.2","resource_changes":[],"planned_values":{"root_module":{"resources":[{"address":"a.b","schema_version":1.0}]}}}`,
		"values not object":  `{"format_version":"1.2","resource_changes":[],"planned_values":{"root_module":{"resources":[{"address":"a.b","values":[1]}]}}}`,
		"outputs":            `{"format_version":"1.2","resource_changes":[],"planned_values":{"outputs":{"o":{"sensitive":false,"value":1,"type":"number"}},"root_module":{}}}`,
		"bad output type":    `{"format_version":"1.2","resource_changes":[],"planned_values":{"outputs":{"o":{"sensitive":false,"type":"nonsense"}},"root_module":{}}}`,
		"states": `{"format_version":"1.2","resource_changes":[],"planned_values":{"root_module":{"resources":[null,{"address":"b.c"}],"child_modules":[null,{"address":"module.m","resources":[{"address":"module.m.x.y"}]}]}},` +
			`"prior_state":{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"b.c","depends_on":["x.y","a.b"]},{"address":"b.c","depends_on":["z.z"]},{"address":"","depends_on":[null]}]}}}}`,
		"prior without root":       `{"format_version":"1.2","resource_changes":[],"prior_state":{"values":{}}}`,
		"prior null values":        `{"format_version":"1.2","resource_changes":[],"prior_state":{"values":null}}`,
		"prior by case":            `{"format_version":"1.2","resource_changes":[],"prior_state":{"Values":{"root_module":{}}}}`,
		"depends_on wrong":         `{"format_version":"1.2","resource_changes":[],"prior_state":{"values":{"root_module":{"resources":[{"address":"b.c","depends_on":"x"}]}}}}`,
		"drift":                    `{"format_version":"1.2","resource_drift":[{"address":"a.b","type":"a","change":{"actions":["update"],"before":{"x":1},"after":{"x":2}}}],"resource_changes":[]}`,
		"drift repeated key":       `{"format_version":"1.2","resource_drift":[{"address":"a.b","type":"a","x":1,"x":2,"change":{"actions":["update"]}}],"resource_changes":[]}`,
		"drift repeated in change": `{"format_version":"1.2","resource_drift":[{"address":"a.b","type":"a","change":{"actions":["update"],"x":1,"x":2}}],"resource_changes":[]}`,
		"drift repeated in member": `{"format_version":"1.2","resource_drift":[{"address":"a.b","type":"a","index":{"k":1,"k":2},"change":{"actions":["update"]}}],"resource_changes":[]}`,
		"drift repeated in value":  `{"format_version":"1.2","resource_drift":[{"address":"a.b","type":"a","change":{"actions":["update"],"before":{"k":1,"k":2}}}],"resource_changes":[]}`,
		"deferred":                 `{"format_version":"1.2","resource_changes":[],"deferred_changes":[{"reason":"provider_config_unknown","resource_change":{"address":"a.b","type":"a","change":{"actions":["create"],"after":{"x":1}}}}]}`,
		"deferred empty":           `{"format_version":"1.2","resource_changes":[],"deferred_changes":[{"reason":"x"}]}`,
		"configuration":            `{"format_version":"1.2","resource_changes":[],"configuration":{"root_module":{"resources":[{"address":"a.b","mode":"managed","type":"a","name":"b","expressions":{"x":{"references":["c.d"]}}}]}}}`,
		"configuration null root":  `{"format_version":"1.2","resource_changes":[],"configuration":{"root_module":null}}`,
		"top key by case":          `{"format_version":"1.2","Resource_Changes":[]}`,
		"top key repeated":         `{"format_version":"1.2","resource_changes":[],"resource_changes":[]}`,
		"top key escaped":          `{"format_version":"1.2","resource_chang\u0065s":[]}`,
		"unknown top keys":         `{"format_version":"1.2","resource_changes":[],"variables":{"a":{"value":[1,"x",{"y":null}]}},"relevant_attributes":[],"timestamp":"x","applyable":true,"errored":false}`,
		"only planned values":      `{"format_version":"1.2","planned_values":{"root_module":{}}}`,
		"ndjson":                   "{\"format_version\":\"1.2\",\"resource_changes\":[]}\n\n{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"a.b\",\"type\":\"a\",\"change\":{\"actions\":[\"delete\"]}}]}\n",
		"ndjson no newline":        `{"format_version":"1.2","resource_changes":[]}{"format_version":"1.1","resource_changes":[]}`,
		"ndjson then scalar":       "{\"format_version\":\"1.2\",\"resource_changes\":[]}\n1\n",
		"trailing garbage":         `{"format_version":"1.2","resource_changes":[]} x`,
		"empty object":             `{}`,
		"state file":               `{"version":4,"serial":1,"lineage":"x"}`,
		"future":                   `{"format_version":"2.0","resource_changes":[]}`,
		"hcp":                      `{"plan_format_version":"1.2","resource_changes":[]}`,
		"complete":                 `{"format_version":"1.2","resource_changes":[],"complete":false}`,
		"complete wrong":           `{"format_version":"1.2","resource_changes":[],"complete":"yes"}`,
		"unknown action":           head + `{"address":"a.b","type":"a","change":{"actions":["explode"]}}]}`,
		"null action":              head + `{"address":"a.b","type":"a","change":{"actions":[null]}}]}`,
		"no type":                  head + `{"address":"a.b","change":{"actions":["no-op"]}}]}`,
		"null change":              head + `{"address":"a.b","type":"a","change":null}]}`,
		"null element":             head + `null]}`,
		"duplicate":                head + `{"address":"a.b","type":"a","change":{"actions":["no-op"]}},{"address":"a.b","type":"a","change":{"actions":["no-op"]}}]}`,
		"actions a string":         head + `{"address":"a.b","type":"a","change":{"actions":"delete"}}]}`,
		"resource_changes object":  `{"format_version":"1.2","resource_changes":{}}`,
		"bad number":               rc(`{"a":01}`),
		"bad number 2":             rc(`{"a":1.}`),
		"bad number 3":             rc(`{"a":-}`),
		"bad literal":              rc(`{"a":tru}`),
		"bad escape":               rc(`{"a":"\x"}`),
		"bad unicode escape":       rc(`{"a":"\u12g4"}`),
		"control character":        rc("{\"a\":\"x\ty\"}"),
		"missing value":            `{"format_version":"1.2","resource_changes":}`,
		"missing comma":            rc(`{"a":1 "b":2}`),
		"trailing comma":           rc(`{"a":1,}`),
		"unbalanced":               rc(`{"a":[1}`),
		"truncated":                head + `{"address":"a.b","type":"a","change":{"actions":["no-op"]`,
		"bad in skipped key":       `{"format_version":"1.2","resource_changes":[],"variables":{"a":[1,]}}`,
		"bad in planned values":    `{"format_version":"1.2","resource_changes":[],"planned_values":{"root_module":{"resources":[{"values":{"a":01}}]}}}`,
		"bad in sensitive values":  head + `{"address":"a.b","type":"a","change":{"actions":["no-op"],"before_sensitive":{"a":[1 2]}}}]}`,
		"deep nesting ok":          rc(strings.Repeat(`[`, 500) + strings.Repeat(`]`, 500)),
		"deep nesting too deep":    rc(strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001)),
	}
}()

// agree fails unless Parse and the reference give the same plans or the same
// error for data.
func agree(t *testing.T, data []byte) {
	t.Helper()
	var bug any
	fastBug = func(v any) { bug = v }
	defer func() { fastBug = nil }()
	defer func() {
		if bug != nil {
			t.Fatalf("the fast decoder panicked: %v", bug)
		}
	}()
	want, werr := parseReference("x.json", data)
	got, gerr := Parse("x.json", data)
	if fmt.Sprint(werr) != fmt.Sprint(gerr) {
		t.Fatalf("error %v, the reference says %v", gerr, werr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Parse disagrees with the reference:\n%s", planDiff(got, want))
	}
}

// FuzzFastMatchesReference: whatever the input, Parse (fast, or the
// reference after the fast decoder gives up) says what the reference says.
func FuzzFastMatchesReference(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "fixtures", "*", "plan.json"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil && len(data) < 10000 {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","change":{"actions":["delete"],"before":{"b":"<\u2028>","a":[1,{"d":null,"c":0.0}]}}}]}`))
	f.Add(append([]byte("\xff\xfe"), []byte("{\x00}\x00")...))
	f.Add([]byte("\xfe\xff\x00{\x00}"))
	f.Add([]byte(`{"format_version":"0.2","resource_changes":[],"resource_drift":[{"module_address":"module.m","type":"a","name":"b","index":"k","change":{"actions":["update"]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		agree(t, data)
	})
}
