package planjson

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/blast-dev/blast/plan"
)

func encodeUTF16(s string, bigEndian bool) []byte {
	out := []byte{0xff, 0xfe}
	if bigEndian {
		out = []byte{0xfe, 0xff}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLoadEncodings: a plan written as UTF-16 (either byte order, with a
// byte-order mark) or as UTF-8 with a byte-order mark is judged exactly as
// the same plan in plain UTF-8, from a file, from standard input and as
// NDJSON, with one note first among its warnings.
func TestLoadEncodings(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "nested-modules", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	// Characters beyond ASCII and beyond the BMP, in a value and a key, so
	// that surrogate pairs are decoded and digested.
	text := strings.Replace(string(base), `"resource_changes":[`,
		`"variables":{"é😀":{"value":"ü 日本 😀"}},"resource_changes":[`, 1)
	if text == string(base) {
		t.Fatal("the fixture has no resource_changes to put text before")
	}
	ndjson := strings.ReplaceAll(strings.TrimSpace(text), "\n", "") + "\n" + `{"format_version":"1.2","resource_changes":[]}` + "\n"
	cases := []struct {
		name  string
		data  []byte
		plain string
		note  string
	}{
		{"utf16le", encodeUTF16(text, false), text, "the file is UTF-16LE text (as a PowerShell redirect writes it): judged as the same plan in UTF-8"},
		{"utf16be", encodeUTF16(text, true), text, "the file is UTF-16BE text: judged as the same plan in UTF-8"},
		{"utf8bom", append([]byte("\xef\xbb\xbf"), text...), text, "the file begins with a UTF-8 byte-order mark (as Windows PowerShell's Out-File writes): read without it"},
		{"ndjson utf16le", encodeUTF16(ndjson, false), ndjson, "the file is UTF-16LE text (as a PowerShell redirect writes it): judged as the same plan in UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			agree(t, c.data)
			path := writeTemp(t, "plan.json", c.data)
			plain := writeTemp(t, "plan.json", []byte(c.plain))
			want, err := Load(plain, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, input := range []string{"file", "stdin"} {
				var got []*plan.Plan
				var err error
				note := c.note
				if input == "file" {
					got, err = Load(path, Options{})
				} else {
					got, err = Load("-", Options{Stdin: bytes.NewReader(c.data)})
					note = strings.Replace(note, "the file", "standard input", 1)
				}
				if err != nil {
					t.Fatalf("%s: %v", input, err)
				}
				if len(got) != len(want) {
					t.Fatalf("%s: %d plans, want %d", input, len(got), len(want))
				}
				for i, p := range got {
					if len(p.Warnings) == 0 || p.Warnings[0] != note {
						t.Fatalf("%s: warnings %q, want first %q", input, p.Warnings, note)
					}
					q := *p
					q.Warnings = q.Warnings[1:]
					if len(q.Warnings) == 0 {
						q.Warnings = nil
					}
					q.Source = want[i].Source // the name of the file, not the content
					if !reflect.DeepEqual(&q, want[i]) {
						t.Fatalf("%s: plan %d differs from the same plan in UTF-8:\n%s", input, i, planDiff([]*plan.Plan{&q}, want[i:i+1]))
					}
				}
			}
		})
	}
}

// TestLoadBadUTF16: UTF-16 that is not valid is refused with one line that
// names the file and says what is wrong, without a hint that does not fit.
func TestLoadBadUTF16(t *testing.T) {
	good := encodeUTF16(`{"format_version":"1.2","resource_changes":[]}`, false)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"odd length", good[:len(good)-1], "is not valid UTF-16LE text: an odd number of bytes, so it was cut short"},
		{"lone high surrogate at the end", append(append([]byte{}, good...), 0x3d, 0xd8), "is not valid UTF-16LE text: an unpaired surrogate at byte " + strconv.Itoa(len(good))},
		{"lone low surrogate", append([]byte{0xff, 0xfe, '{', 0, 0x00, 0xde}, good[2:]...), "is not valid UTF-16LE text: an unpaired surrogate at byte 4"},
		{"high then not low", []byte{0xfe, 0xff, 0, '{', 0xd8, 0x3d, 0, 'x', 0, '}'}, "is not valid UTF-16BE text: an unpaired surrogate at byte 4"},
		{"no byte-order mark", good[2:], "is UTF-16 text without a byte-order mark; blast reads UTF-8, or UTF-16 that starts with one"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			agree(t, c.data)
			path := writeTemp(t, "plan.json", c.data)
			_, err := Load(path, Options{})
			if err == nil || err.Error() != path+": "+c.want {
				t.Fatalf("error %v, want %s: %s", err, path, c.want)
			}
			ie, ok := err.(*InputError)
			if !ok || (c.name != "no byte-order mark" && ie.Hint != "") {
				t.Fatalf("error %#v", err)
			}
		})
	}
}
