package jsonscan

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"unicode/utf8"
)

// Canonical JSON is what json.Marshal writes for the value encoding/json
// decodes into an any: keys sorted, a repeated key keeping its last value,
// numbers as written, strings re-encoded with encoding/json's escaping
// (including its HTML escaping of <, > and & and of U+2028 and U+2029).
// Canon writes those same bytes straight from the input, without decoding
// the value.

// asciiEscape is how json.Marshal writes each ASCII character inside a
// string, nil where it writes the character itself. It is taken from
// json.Marshal, so it cannot drift from it.
var asciiEscape [utf8.RuneSelf][]byte

// needsCare marks the bytes after which a string without escapes is not
// written back byte for byte: ASCII that json.Marshal escapes, and 0xE2, the
// first byte of U+2028 and U+2029.
var needsCare [256]bool

var lineSepEscape = [2][]byte{[]byte(`\u2028`), []byte(`\u2029`)}

func init() {
	for c := range utf8.RuneSelf {
		b, err := json.Marshal(string(rune(c)))
		if err != nil {
			panic(err)
		}
		if inner := b[1 : len(b)-1]; len(inner) != 1 || inner[0] != byte(c) {
			asciiEscape[c] = inner
			needsCare[c] = true
		}
	}
	needsCare[0xE2] = true
	for i, r := range []rune{'\u2028', '\u2029'} {
		b, _ := json.Marshal(string(r))
		if !bytes.Equal(b[1:len(b)-1], lineSepEscape[i]) {
			panic("jsonscan: encoding/json no longer escapes U+2028 as the canonicalizer does")
		}
	}
}

// appendEncoded appends s as json.Marshal writes the string s.
func appendEncoded(out, s []byte) []byte {
	out = append(out, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if e := asciiEscape[c]; e != nil {
				out = append(out, e...)
			} else {
				out = append(out, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		switch {
		case r == '\u2028':
			out = append(out, lineSepEscape[0]...)
		case r == '\u2029':
			out = append(out, lineSepEscape[1]...)
		case r == utf8.RuneError && n == 1:
			out = append(out, `\ufffd`...) // cannot happen: input is valid UTF-8
		default:
			out = append(out, s[i:i+n]...)
		}
		i += n
	}
	return append(out, '"')
}

// canonString appends the canonical form of the string at the position.
func (s *Scanner) canonString(out []byte) []byte {
	start, end, esc := s.Str()
	raw := s.Data[start:end]
	if !esc {
		clean := true
		for _, c := range raw {
			if needsCare[c] {
				clean = false
				break
			}
		}
		if clean {
			return append(out, s.Data[start-1:end+1]...)
		}
		return appendEncoded(out, raw)
	}
	s.tmp = AppendUnquoted(s.tmp[:0], raw)
	return appendEncoded(out, s.tmp)
}

// Canon reads a value, after white space, and appends its canonical form to
// out. In an object nested Strict levels deep or less it gives up on a
// repeated key instead.
func (s *Scanner) Canon(out []byte) []byte {
	switch c := s.Peek(); c {
	case '{':
		return s.canonObject(out)
	case '[':
		s.Push()
		s.Pos++
		out = append(out, '[')
		if s.Peek() == ']' {
			s.Pos++
		} else {
			for {
				out = s.Canon(out)
				if !s.More(']') {
					break
				}
				out = append(out, ',')
			}
		}
		s.Pop()
		return append(out, ']')
	case '"':
		return s.canonString(out)
	case 't':
		s.Literal("true")
		return append(out, "true"...)
	case 'f':
		s.Literal("false")
		return append(out, "false"...)
	case 'n':
		s.Literal("null")
		return append(out, "null"...)
	default:
		start, end := s.Num()
		return append(out, s.Data[start:end]...)
	}
}

// canonObject writes an object in one pass, each member's value once, and
// then, when the keys did not come sorted and unique (Terraform writes the
// keys of its own records in struct order: address before mode), reorders
// the members it wrote: what a decoded map[string]any gives json.Marshal.
func (s *Scanner) canonObject(out []byte) []byte {
	s.Push()
	s.Pos++
	out = append(out, '{')
	if s.Peek() == '}' {
		s.Pos++
		s.Pop()
		return append(out, '}')
	}
	objStart := len(out)
	base := len(s.members)
	sorted := true
	for n := 0; ; n++ {
		s.Space()
		start, end, esc := s.Str()
		m := member{keyAt: start, keyEnd: end}
		if esc {
			m.key = string(AppendUnquoted(nil, s.Data[start:end]))
		}
		if n > 0 {
			out = append(out, ',')
			if sorted && bytes.Compare(s.memberKey(&s.members[len(s.members)-1]), s.memberKey(&m)) >= 0 {
				sorted = false
			}
		}
		m.at = len(out)
		out = s.appendKey(out, start, end, m.key, esc)
		s.Expect(':')
		out = append(out, ':')
		out = s.Canon(out)
		m.end = len(out)
		s.members = append(s.members, m)
		if !s.More('}') {
			break
		}
	}
	if !sorted {
		out = s.reorder(out, objStart, s.members[base:], s.Depth <= s.Strict)
	}
	s.Pop()
	s.members = s.members[:base]
	return append(out, '}')
}

// member is a member of an object being written: its key in the input
// (key when it holds escapes, else data[keyAt:keyEnd]) and its bytes in the
// output, out[at:end], key included.
type member struct {
	key           string
	keyAt, keyEnd int
	at, end       int
}

func (s *Scanner) memberKey(m *member) []byte {
	if m.key != "" || m.keyAt == m.keyEnd {
		return []byte(m.key)
	}
	return s.Data[m.keyAt:m.keyEnd]
}

// appendKey writes the key at data[start:end] as json.Marshal does.
func (s *Scanner) appendKey(out []byte, start, end int, unquoted string, esc bool) []byte {
	if esc {
		return appendEncoded(out, []byte(unquoted))
	}
	for _, c := range s.Data[start:end] {
		if needsCare[c] {
			return appendEncoded(out, s.Data[start:end])
		}
	}
	return append(out, s.Data[start-1:end+1]...)
}

// reorder rewrites the members written from out[objStart:] sorted by key,
// a repeated key keeping its last value, or giving up when strict.
func (s *Scanner) reorder(out []byte, objStart int, ms []member, strict bool) []byte {
	if len(ms) == 2 && bytes.Compare(s.memberKey(&ms[0]), s.memberKey(&ms[1])) > 0 {
		// Two members (a state module's resources before its
		// child_modules, which can be most of a plan): swap them in place,
		// A,B to B,A, by three reversals, rather than copy them.
		r := out[objStart:]
		slices.Reverse(r)
		nb := ms[1].end - ms[1].at
		slices.Reverse(r[:nb])
		slices.Reverse(r[nb+1:])
		return out
	}
	slices.SortStableFunc(ms, func(a, b member) int { return bytes.Compare(s.memberKey(&a), s.memberKey(&b)) })
	s.reorderBuf = append(slices.Grow(s.reorderBuf[:0], len(out)-objStart), out[objStart:]...)
	written := out[:objStart]
	n := 0
	for j := range ms {
		if j+1 < len(ms) && bytes.Equal(s.memberKey(&ms[j+1]), s.memberKey(&ms[j])) {
			if strict {
				Fail("a repeated key")
			}
			continue // a repeated key keeps its last value
		}
		if n > 0 {
			written = append(written, ',')
		}
		n++
		written = append(written, s.reorderBuf[ms[j].at-objStart:ms[j].end-objStart]...)
	}
	return written
}

// Reading canonical JSON back: compact, valid, keys sorted and unique.

// CanonEnd returns the end of the canonical value at c[i].
func CanonEnd(c []byte, i int) int {
	return Skim(c, i)
}

// CanonKey decodes the canonical key at c[i] and returns it and the offset
// of its value. The key may be written in tmp.
func CanonKey(c []byte, i int, tmp []byte) (key []byte, next int) {
	end := skimString(c, i)
	raw := c[i+1 : end-1]
	if bytes.IndexByte(raw, '\\') >= 0 {
		raw = AppendUnquoted(tmp[:0], raw)
	}
	return raw, end + 1 // past the colon
}

// CanonMembers calls fn for each member of the canonical object c, in order;
// it does nothing when c is not an object.
func CanonMembers(c []byte, fn func(key []byte, val []byte)) {
	if len(c) < 2 || c[0] != '{' || c[1] == '}' {
		return
	}
	var tmp []byte
	for i := 1; ; {
		key, at := CanonKey(c, i, tmp)
		end := CanonEnd(c, at)
		fn(key, c[at:end])
		if c[end] == '}' {
			return
		}
		i = end + 1
	}
}

// streamChunk is the size under which CanonStream writes a value through
// Canon into its buffer, and above which it streams the value's containers.
// Tests lower it to stream every container.
var streamChunk = 64 << 10

// CanonStream reads a value, after white space, and writes its canonical
// form to w, the same bytes Canon appends, without ever holding the whole of
// it: a large object's members are found first, sorted by key, and each
// value is then written in turn, so that a section of tens of megabytes
// (prior_state, configuration) is hashed in a buffer of a few. buf is
// scratch; CanonStream returns it for the next call.
func (s *Scanner) CanonStream(w io.Writer, buf []byte) ([]byte, error) {
	s.Space()
	return s.canonStream(w, buf, Skim(s.Data, s.Pos))
}

// canonStream is CanonStream of the value at s.Pos, which ends at end (as
// Skim finds it; the caller often knows it already).
func (s *Scanner) canonStream(w io.Writer, buf []byte, end int) ([]byte, error) {
	c := s.Peek()
	if end < 0 || end-s.Pos < streamChunk || (c != '{' && c != '[') {
		buf = s.Canon(buf[:0])
		_, err := w.Write(buf)
		return buf, err
	}
	write := func(b []byte) error { _, err := w.Write(b); return err }
	s.Push()
	s.Pos++
	var err error
	if c == '[' {
		if err = write([]byte{'['}); err != nil {
			return buf, err
		}
		if s.Peek() == ']' {
			s.Pos++
		} else {
			for n := 0; ; n++ {
				if n > 0 {
					if err = write([]byte{','}); err != nil {
						return buf, err
					}
				}
				s.Space()
				if buf, err = s.canonStream(w, buf, Skim(s.Data, s.Pos)); err != nil {
					return buf, err
				}
				if !s.More(']') {
					break
				}
			}
		}
		s.Pop()
		return buf, write([]byte{']'})
	}
	// An object: its members, each key and where its value is, in key
	// order, a repeated key keeping its last value as Canon does.
	type streamMember struct {
		key           []byte
		keyAt, keyEnd int
		esc           bool
		value, end    int
	}
	var ms []streamMember
	if s.Peek() != '}' {
		for {
			s.Space()
			start, end, esc := s.Str()
			m := streamMember{keyAt: start, keyEnd: end, esc: esc, key: s.Data[start:end]}
			if esc {
				m.key = AppendUnquoted(nil, s.Data[start:end])
			}
			s.Expect(':')
			s.Space()
			m.value = s.Pos
			m.end = Skim(s.Data, s.Pos)
			if m.end < 0 {
				Fail("truncated JSON")
			}
			s.Pos = m.end
			ms = append(ms, m)
			if !s.More('}') {
				break
			}
		}
	} else {
		s.Pos++
	}
	after := s.Pos
	slices.SortStableFunc(ms, func(a, b streamMember) int { return bytes.Compare(a.key, b.key) })
	if err = write([]byte{'{'}); err != nil {
		return buf, err
	}
	n := 0
	for j := range ms {
		if j+1 < len(ms) && bytes.Equal(ms[j+1].key, ms[j].key) {
			if s.Depth <= s.Strict {
				Fail("a repeated key")
			}
			continue
		}
		buf = buf[:0]
		if n > 0 {
			buf = append(buf, ',')
		}
		n++
		buf = s.appendKey(buf, ms[j].keyAt, ms[j].keyEnd, string(ms[j].key), ms[j].esc)
		buf = append(buf, ':')
		if err = write(buf); err != nil {
			return buf, err
		}
		s.Pos = ms[j].value
		if buf, err = s.canonStream(w, buf, ms[j].end); err != nil {
			return buf, err
		}
	}
	s.Pos = after
	s.Pop()
	return buf, write([]byte{'}'})
}
