package jsonscan

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// marshal is canonical JSON the slow way: json.Marshal of what encoding/json
// decodes, numbers as written.
func marshal(t testing.TB, in []byte) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %s: %v", in, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// canon is Canon of in, and whether it gave up.
func canon(in []byte, strict int) (out []byte, failed bool) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(Failure); !ok {
				panic(v)
			}
			out, failed = nil, true
		}
	}()
	s := &Scanner{Data: in, Strict: strict}
	out = s.Canon(nil)
	if s.Space(); s.Pos != len(in) {
		Fail("more after the value")
	}
	return out, false
}

// canonObject reorders what it wrote: two members swapped in place, more
// sorted through a copy, repeated keys keeping the last, nested and escaped.
func TestCanonReorders(t *testing.T) {
	for _, in := range []string{
		`{"resources":[{"b":1,"a":2}],"child_modules":[{"z":{"y":1,"x":[2,{"q":1,"p":0}]}}]}`,
		`{"b":"<&>","a":"\u2028","c":{"e":1,"d":2,"e":3}}`,
		`{"a":1,"a":2}`,
		`{"\u0062":1,"a":{"k":"v","\u006a":"w"},"":0}`,
		`{"x":{},"w":[],"v":null,"u":"","t":-0.10e+3}`,
		` [ "\ud83d\ude00" , "\ud83d" , "é\u00e9" , "\/\b" ] `,
	} {
		got, failed := canon([]byte(in), 0)
		if want := marshal(t, []byte(in)); failed || string(got) != string(want) {
			t.Errorf("canon of %s:\n got %s (gave up: %v)\nwant %s", in, got, failed, want)
		}
	}
}

// Strict refuses a repeated key down to its depth, and only there.
func TestCanonStrict(t *testing.T) {
	for _, c := range []struct {
		in     string
		strict int
		fails  bool
	}{
		{`{"a":1,"a":2}`, 0, false},
		{`{"a":1,"a":2}`, 1, true},
		{`{"a":1,"\u0061":2}`, 1, true},
		{`{"b":1,"a":2}`, 1, false},
		{`{"x":{"a":1,"a":2}}`, 1, false},
		{`{"x":{"a":1,"a":2}}`, 2, true},
		{`[{"a":1,"a":2}]`, 1, false},
	} {
		if _, failed := canon([]byte(c.in), c.strict); failed != c.fails {
			t.Errorf("canon of %s, strict %d: gave up %v, want %v", c.in, c.strict, failed, c.fails)
		}
	}
}

// Canon gives up past MaxDepth, where encoding/json would still read.
func TestCanonDepth(t *testing.T) {
	ok := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	if _, failed := canon([]byte(ok), 0); failed {
		t.Errorf("gave up at %d levels", MaxDepth)
	}
	deep := "[" + ok + "]"
	if _, failed := canon([]byte(deep), 0); !failed {
		t.Errorf("read %d levels", MaxDepth+1)
	}
}

// FuzzCanon: on valid UTF-8, Canon reads exactly the JSON encoding/json
// accepts and writes what json.Marshal writes for it.
func FuzzCanon(f *testing.F) {
	for _, s := range []string{`{"b":[1,-0.5e3,true,null],"a":"<\u2028>"}`, `"\ud800x"`, `{"a":1,"a":{}}`, `[1,]`, `01`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if !utf8.Valid(in) {
			return // the caller's to check: planjson reads UTF-8 text only
		}
		got, failed := canon(in, 0)
		if !json.Valid(in) {
			if !failed {
				t.Fatalf("read %q, which encoding/json refuses", in)
			}
			return
		}
		if failed {
			if bytes.Count(in, []byte("["))+bytes.Count(in, []byte("{")) > MaxDepth {
				return
			}
			t.Fatalf("gave up on %q", in)
		}
		if want := marshal(t, in); !bytes.Equal(got, want) {
			t.Fatalf("canon of %q:\n got %s\nwant %s", in, got, want)
		}
		if streamed, failed := canonStream(in, 0); failed || !bytes.Equal(streamed, got) {
			t.Fatalf("CanonStream of %q: %s (gave up: %v), Canon: %s", in, streamed, failed, got)
		}
	})
}

// canonStream is canon through CanonStream, every container streamed.
func canonStream(in []byte, strict int) (out []byte, failed bool) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(Failure); !ok {
				panic(v)
			}
			out, failed = nil, true
		}
	}()
	old := streamChunk
	streamChunk = 1
	defer func() { streamChunk = old }()
	var w bytes.Buffer
	s := &Scanner{Data: in, Strict: strict}
	if _, err := s.CanonStream(&w, nil); err != nil {
		panic(err)
	}
	return w.Bytes(), false
}

// CanonStream writes what Canon appends, and gives up where Canon does, on
// every fixture and corpus plan and on repeated keys at every depth.
func TestCanonStreamIsCanon(t *testing.T) {
	files, _ := filepath.Glob("../../../../fixtures/*/plan.json")
	corpus, _ := filepath.Glob("../../../../../shared/corpus/plans/*.json")
	inputs := [][]byte{
		[]byte(`{"b":{"y":1,"x":[{"k":2,"j":3}]},"a":"<\u2028>","b":0}`),
		[]byte(`{"a":{"b":{"c":1,"c":2}}}`),
		[]byte(`[{"z":1,"a":2},{"\u0061":1,"a":2}]`),
		[]byte(`{}`), []byte(`[]`), []byte(`"x"`), []byte(`{"a":[]}`),
	}
	for _, f := range append(files, corpus...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, data)
	}
	for _, in := range inputs {
		for _, strict := range []int{0, 1, 2, 3} {
			want, wantFailed := canon(in, strict)
			got, failed := canonStream(in, strict)
			if failed != wantFailed || !bytes.Equal(got, want) {
				t.Fatalf("strict %d: CanonStream gave up %v, Canon %v; equal %v, on %.80q", strict, failed, wantFailed, bytes.Equal(got, want), in)
			}
		}
	}
}
