package stacks

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
)

// A state file can be hundreds of megabytes and fifty of them are read for
// one check, so states are read with this scanner, not encoding/json: one
// pass over the bytes, no value kept unless it could be an identity, no tree
// of interface{} values. It accepts only valid JSON and stops, by panicking
// with *syntaxError (recovered by Decode), at the first byte that is not.

// maxDepth bounds nesting, as encoding/json does, so that a small hostile
// file cannot cost a deep recursion.
const maxDepth = 10000

type syntaxError struct {
	msg string
	off int
}

type scanner struct {
	data  []byte
	i     int
	depth int
}

func (s *scanner) fail(msg string) {
	panic(&syntaxError{msg: msg, off: s.i})
}

func (s *scanner) ws() {
	d, i := s.data, s.i
	for i < len(d) && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r' || d[i] == '\t') {
		i++
		// Raw state is indented: skip runs of spaces 8 bytes at a time.
		for i+8 <= len(d) && binary.LittleEndian.Uint64(d[i:]) == lsb*' ' {
			i += 8
		}
	}
	s.i = i
}

// peek returns the next byte after white space.
func (s *scanner) peek() byte {
	s.ws()
	if s.i >= len(s.data) {
		s.fail("unexpected end of input")
	}
	return s.data[s.i]
}

func (s *scanner) expect(c byte) {
	if s.peek() != c {
		s.fail("expected " + string(c))
	}
	s.i++
}

func (s *scanner) push() {
	s.depth++
	if s.depth > maxDepth {
		s.fail("nested more than 10000 levels deep")
	}
}

func (s *scanner) pop() { s.depth-- }

// object reads an object, calling fn with each key (the raw bytes between
// the quotes, unescaped when needed) with the scanner at its value; fn must
// read or skip the value.
func (s *scanner) object(fn func(key []byte)) {
	s.expect('{')
	s.push()
	if s.peek() == '}' {
		s.i++
		s.pop()
		return
	}
	for {
		if s.peek() != '"' {
			s.fail("expected a string key")
		}
		key := s.str()
		s.expect(':')
		s.ws()
		fn(key)
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			s.pop()
			return
		default:
			s.fail("expected , or }")
		}
	}
}

// array reads an array, calling fn with each index with the scanner at the
// element; fn must read or skip it.
func (s *scanner) array(fn func(i int)) {
	s.expect('[')
	s.push()
	if s.peek() == ']' {
		s.i++
		s.pop()
		return
	}
	for n := 0; ; n++ {
		s.ws()
		fn(n)
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			s.pop()
			return
		default:
			s.fail("expected , or ]")
		}
	}
}

// skip reads and checks any value.
func (s *scanner) skip() {
	switch c := s.peek(); c {
	case '{':
		s.object(func([]byte) { s.skip() })
	case '[':
		s.array(func(int) { s.skip() })
	case '"':
		s.rawStr()
	default:
		s.scalar()
	}
}

// scalar reads true, false, null or a number, and returns its bytes.
func (s *scanner) scalar() []byte {
	start := s.i
	d := s.data
	switch c := s.peek(); {
	case c == 't':
		s.lit("true")
	case c == 'f':
		s.lit("false")
	case c == 'n':
		s.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		s.number()
	default:
		s.fail("invalid character " + quoteByte(c) + " looking for a value")
	}
	return d[start:s.i]
}

func quoteByte(c byte) string {
	b, _ := json.Marshal(string([]byte{c}))
	return string(b)
}

func (s *scanner) lit(word string) {
	if !bytes.HasPrefix(s.data[s.i:], []byte(word)) {
		s.fail("invalid literal")
	}
	s.i += len(word)
}

// number checks JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() {
	d := s.data
	if s.i < len(d) && d[s.i] == '-' {
		s.i++
	}
	if s.i < len(d) && d[s.i] == '0' {
		s.i++
	} else {
		s.digits()
	}
	if s.i < len(d) && d[s.i] == '.' {
		s.i++
		s.digits()
	}
	if s.i < len(d) && (d[s.i] == 'e' || d[s.i] == 'E') {
		s.i++
		if s.i < len(d) && (d[s.i] == '+' || d[s.i] == '-') {
			s.i++
		}
		s.digits()
	}
}

// digits reads one or more decimal digits.
func (s *scanner) digits() {
	d, i := s.data, s.i
	for i < len(d) && d[i] >= '0' && d[i] <= '9' {
		i++
	}
	if i == s.i {
		s.fail("invalid number")
	}
	s.i = i
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

func hasZeroByte(x uint64) uint64 { return (x - lsb) & ^x & msb }

// special reports whether any of 8 bytes ends or escapes a string or is a
// control character, which JSON forbids in strings.
func special(x uint64) bool {
	return hasZeroByte(x^(lsb*'"'))|hasZeroByte(x^(lsb*'\\'))|((x-lsb*0x20)&^x&msb) != 0
}

// rawStr reads a string and returns the bytes between its quotes, escapes
// still in, and whether there are any. Escapes are checked.
func (s *scanner) rawStr() (raw []byte, esc bool) {
	d := s.data
	i := s.i
	if i >= len(d) || d[i] != '"' {
		s.fail("expected a string")
	}
	i++
	start := i
	for {
		for i+8 <= len(d) && !special(binary.LittleEndian.Uint64(d[i:])) {
			i += 8
		}
		for i < len(d) && d[i] != '"' && d[i] != '\\' && d[i] >= 0x20 {
			i++
		}
		if i >= len(d) {
			s.i = i
			s.fail("unterminated string")
		}
		switch c := d[i]; {
		case c == '"':
			s.i = i + 1
			return d[start:i], esc
		case c == '\\':
			esc = true
			if i+1 >= len(d) {
				s.i = i
				s.fail("unterminated string")
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || !isHex4(d[i+2:i+6]) {
					s.i = i
					s.fail("invalid \\u escape")
				}
				i += 6
			default:
				s.i = i
				s.fail("invalid escape")
			}
		default:
			s.i = i
			s.fail("control character in string")
		}
	}
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// str reads a string and returns its content, unescaped. Without escapes the
// bytes are the input's own, not a copy.
func (s *scanner) str() []byte {
	start := s.i
	raw, esc := s.rawStr()
	if !esc {
		return raw
	}
	return unescape(s.data[start:s.i])
}

// unescape decodes a quoted JSON string, already checked, as encoding/json
// does (bad surrogates become U+FFFD), so that both sides of a match see the
// same string. Escapes are rare in state (Terraform writes <, > and & as
// \u003c ...), so the simple way is fast enough.
func unescape(quoted []byte) []byte {
	var v string
	if err := json.Unmarshal(quoted, &v); err != nil {
		return nil
	}
	return []byte(v)
}

// lineAt is the line number of an offset, for error messages.
func lineAt(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return bytes.Count(data[:off], []byte("\n")) + 1
}
