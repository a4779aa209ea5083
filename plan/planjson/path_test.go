package planjson

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// A step into a set of strings is the element itself: a value, never shown.
func TestRenderPathHidesSetElements(t *testing.T) {
	// Canonical JSON, as the converter holds values: what json.Marshal
	// writes.
	before, _ := json.Marshal(map[string]any{
		"security_groups":   []any{"sg-SECRET-1"},
		"tags":              map[string]any{"Team": "x"},
		"network_interface": []any{map[string]any{"subnet_id": "s"}},
	})
	for _, c := range []struct {
		path []any
		want string
	}{
		{[]any{"security_groups", "sg-SECRET-1"}, "security_groups[*]"},
		{[]any{"tags", "Team"}, "tags.Team"},
		{[]any{"network_interface", json.Number("0"), "subnet_id"}, "network_interface.0.subnet_id"},
		{[]any{"password_wo", "hunter2 with spaces"}, "[*][*]"},
		{[]any{"triggers_replace"}, "[*]"},
	} {
		if got := renderPath(c.path, before, []byte("null")); got != c.want {
			t.Errorf("%v: %q, want %q", c.path, got, c.want)
		}
	}
	if got := renderPath([]any{"triggers_replace"}, []byte(`{"triggers_replace":null}`), []byte("null")); got != "triggers_replace" {
		t.Errorf("a null attribute is still an attribute: %q", got)
	}
}

// FuzzRenderPath: renderPath, walking canonical JSON, says what the
// decoded walk it replaced said (renderPathDecoded, below) for any values
// and any path. The canonical values are json.Marshal's, which FuzzCanon
// (jsonscan) holds Canon's output to.
func FuzzRenderPath(f *testing.F) {
	f.Add([]byte(`{"tags":{"Team":"x"},"network_interface":[{"subnet_id":"s"}],"sg":["a"]}`), []byte(`{"a":null}`), []byte(`["network_interface",0,"subnet_id"]`))
	f.Add([]byte(`{"sg":["a"]}`), []byte(`null`), []byte(`["sg","a"]`))
	f.Add([]byte(`{"k\u00e9y":{"a b":[[1,2],{"x":1}]}}`), []byte(`[1]`), []byte(`["k\u00e9y","a b",1,"x"]`))
	f.Add([]byte(`[{"a":1}]`), []byte(`{}`), []byte(`[0,"a",1.0,-1,"b"]`))
	f.Fuzz(func(t *testing.T, before, after, path []byte) {
		var p any
		if decodeJSON(path, &p) != nil {
			return
		}
		var values [2][]byte
		var decoded [2]any
		for k, raw := range [][]byte{before, after} {
			if decodeJSON(raw, &decoded[k]) != nil {
				return
			}
			c, err := json.Marshal(decoded[k])
			if err != nil {
				return
			}
			values[k] = c
		}
		got := renderPath(p, values[0], values[1])
		if want := renderPathDecoded(p, decoded[0], decoded[1]); got != want {
			t.Fatalf("renderPath(%s) on %s and %s = %q, the decoded walk says %q", path, values[0], values[1], got, want)
		}
	})
}

// renderPathDecoded is renderPath as it was written over decoded values,
// kept as the oracle of FuzzRenderPath.
func renderPathDecoded(p any, before, after any) string {
	steps, ok := p.([]any)
	if !ok {
		steps = []any{p}
	}
	var b strings.Builder
	cursors := []any{before, after}
	for _, s := range steps {
		switch v := s.(type) {
		case string:
			isKey := false
			for _, o := range cursors {
				if m, ok := o.(map[string]any); ok {
					if _, ok := m[v]; ok {
						isKey = true
					}
				}
			}
			if !isKey {
				b.WriteString("[*]")
				cursors = []any{nil, nil}
				continue
			}
			if identifier.MatchString(v) {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(v)
			} else {
				q, _ := json.Marshal(v)
				b.WriteByte('[')
				b.Write(q)
				b.WriteByte(']')
			}
			for k, c := range cursors {
				m, _ := c.(map[string]any)
				cursors[k] = m[v]
			}
		case json.Number, float64:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			n := fmt.Sprint(v)
			b.WriteString(n)
			for k, c := range cursors {
				cursors[k] = nil
				if list, ok := c.([]any); ok {
					if i, err := strconv.Atoi(n); err == nil && i >= 0 && i < len(list) {
						cursors[k] = list[i]
					}
				}
			}
		default:
			b.WriteString("[*]")
			cursors = []any{nil, nil}
		}
	}
	return b.String()
}
