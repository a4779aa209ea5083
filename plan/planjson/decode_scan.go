package planjson

import (
	"encoding/binary"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The fast decoder (fast.go) reads plan JSON with the scanner of this file
// instead of encoding/json. It accepts only what encoding/json accepts, and
// gives up, by panicking with fastFail, on anything it is not sure to read the
// way encoding/json would: Parse then runs the reference decoder, which is the
// one that words every error.

// fastFail is the panic value of the fast decoder when it gives up.
type fastFail struct{ why string }

func fail(why string) { panic(fastFail{why}) }

// maxFastDepth bounds the nesting the fast decoder follows. encoding/json
// refuses more than 10,000 levels; staying well below keeps the fast decoder
// from accepting what the reference refuses.
const maxFastDepth = 9000

// scan is a position in plan JSON.
type scan struct {
	data  []byte
	i     int
	depth int
	tmp   []byte // scratch for unquoted strings

	members    []member // the members of the objects canon is writing, innermost last
	reorderBuf []byte   // scratch for canonObject's reordering
	strict     int      // canonObject gives up on a repeated key at this depth or less
}

func (s *scan) ws() {
	d := s.data
	i := s.i
	for i < len(d) && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r' || d[i] == '\t') {
		i++
	}
	s.i = i
}

// peek returns the byte at the position after white space.
func (s *scan) peek() byte {
	s.ws()
	if s.i >= len(s.data) {
		fail("unexpected end of input")
	}
	return s.data[s.i]
}

func (s *scan) expect(c byte) {
	if s.peek() != c {
		fail("expected " + string(c))
	}
	s.i++
}

// more reads the separator after a member or element: true after a comma,
// false after the closing byte.
func (s *scan) more(closing byte) bool {
	switch s.peek() {
	case ',':
		s.i++
		return true
	case closing:
		s.i++
		return false
	}
	fail("expected , or " + string(closing))
	return false
}

func (s *scan) push() {
	s.depth++
	if s.depth > maxFastDepth {
		fail("nested too deeply")
	}
}

// Bit tricks over 8 bytes at a time.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

func hasZeroByte(x uint64) uint64 { return (x - lsb) & ^x & msb }

// stringSpecial reports whether any of 8 bytes ends or escapes a string or is
// a control character, which JSON forbids in strings.
func stringSpecial(x uint64) bool {
	return hasZeroByte(x^(lsb*'"'))|hasZeroByte(x^(lsb*'\\'))|((x-lsb*0x20)&^x&msb) != 0
}

// str reads the string at the position and returns its content's span and
// whether it holds escapes.
func (s *scan) str() (start, end int, esc bool) {
	d := s.data
	i := s.i
	if i >= len(d) || d[i] != '"' {
		fail("expected a string")
	}
	i++
	start = i
	for {
		for i+8 <= len(d) && !stringSpecial(binary.LittleEndian.Uint64(d[i:])) {
			i += 8
		}
		for i < len(d) && stringPlain[d[i]] {
			i++
		}
		if i >= len(d) {
			fail("unterminated string")
		}
		switch c := d[i]; {
		case c == '"':
			s.i = i + 1
			return start, i, esc
		case c == '\\':
			esc = true
			if i+1 >= len(d) {
				fail("unterminated string")
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || hex4(d[i+2:i+6]) < 0 {
					fail("bad \\u escape")
				}
				i += 6
			default:
				fail("bad escape")
			}
		default:
			fail("control character in a string")
		}
	}
}

// stringPlain marks the bytes a string holds as they are: not a quote, a
// backslash or a control character.
var stringPlain = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c != '"' && c != '\\'
	}
	return t
}()

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// num reads the number at the position and returns its span.
func (s *scan) num() (start, end int) {
	d := s.data
	i := s.i
	start = i
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	default:
		fail("bad number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			fail("bad number")
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			fail("bad number")
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	s.i = i
	return start, i
}

func (s *scan) literal(word string) {
	if len(s.data)-s.i < len(word) || string(s.data[s.i:s.i+len(word)]) != word {
		fail("bad literal")
	}
	s.i += len(word)
}

// isNull reads a null at the position, if there is one.
func (s *scan) isNull() bool {
	if s.peek() == 'n' {
		s.literal("null")
		return true
	}
	return false
}

// skip reads and checks any value.
func (s *scan) skip() {
	switch c := s.peek(); c {
	case '{':
		s.push()
		s.i++
		if s.peek() == '}' {
			s.i++
		} else {
			for {
				s.ws()
				s.str()
				s.expect(':')
				s.skip()
				if !s.more('}') {
					break
				}
			}
		}
		s.depth--
	case '[':
		s.push()
		s.i++
		if s.peek() == ']' {
			s.i++
		} else {
			for {
				s.skip()
				if !s.more(']') {
					break
				}
			}
		}
		s.depth--
	case '"':
		s.str()
	case 't':
		s.literal("true")
	case 'f':
		s.literal("false")
	case 'n':
		s.literal("null")
	default:
		s.num()
	}
}

// stringValue reads a string or null (which leaves a Go string empty, as in
// encoding/json) and returns it decoded.
func (s *scan) stringValue() string {
	if s.isNull() {
		return ""
	}
	start, end, esc := s.str()
	if !esc {
		return string(s.data[start:end])
	}
	return string(appendUnquoted(nil, s.data[start:end]))
}

// stringsValue reads an array of strings, or null (nil). A null element is
// an empty string, as in encoding/json.
func (s *scan) stringsValue() []string {
	if s.isNull() {
		return nil
	}
	if s.peek() != '[' {
		fail("not an array of strings")
	}
	s.push()
	s.i++
	out := []string{}
	if s.peek() == ']' {
		s.i++
	} else {
		for {
			out = append(out, s.stringValue())
			if !s.more(']') {
				break
			}
		}
	}
	s.depth--
	return out
}

// key reads an object key and the colon after it. Keys with escapes are left
// to the reference decoder: encoding/json matches them after unquoting.
func (s *scan) key() []byte {
	s.ws()
	start, end, esc := s.str()
	if esc {
		fail("escaped key")
	}
	s.expect(':')
	return s.data[start:end]
}

// appendUnquoted appends the content of a JSON string, escapes resolved
// exactly as encoding/json resolves them (a lone surrogate becomes U+FFFD).
// raw has been checked by str.
func appendUnquoted(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			j := i + 1
			for j < len(raw) && raw[j] != '\\' {
				j++
			}
			dst = append(dst, raw[i:j]...)
			i = j
			continue
		}
		r, n := unescape(raw[i:])
		dst = utf8.AppendRune(dst, r)
		i += n
	}
	return dst
}

// unescape decodes the escape at the start of b and says how many bytes it
// took, as encoding/json's unquote does.
func unescape(b []byte) (rune, int) {
	switch b[1] {
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
		rr := hex4(b[2:6])
		if utf16.IsSurrogate(rr) {
			if len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
				if rr1 := hex4(b[8:12]); rr1 >= 0 {
					if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
						return dec, 12
					}
				}
			}
			return unicode.ReplacementChar, 6
		}
		return rr, 6
	}
	return rune(b[1]), 2 // " \ /
}

// skimClass sorts bytes for skim: 1 opens a string, 2 a container, 3 closes
// one.
var skimClass = [256]uint8{'"': 1, '{': 2, '[': 2, '}': 3, ']': 3}

// skim returns the end of the value at i without checking it: a later,
// checking pass reads every byte of it. It returns -1 when the input ends
// first.
func skim(d []byte, i int) int {
	if i >= len(d) {
		return -1
	}
	switch d[i] {
	case '"':
		return skimString(d, i)
	case '{', '[':
	default:
		for i < len(d) {
			switch d[i] {
			case ',', '}', ']', ' ', '\n', '\r', '\t':
				return i
			}
			i++
		}
		return i
	}
	depth := 0
	for i < len(d) {
		switch skimClass[d[i]] {
		case 0:
			i++
		case 1:
			if i = skimString(d, i); i < 0 {
				return -1
			}
		case 2:
			depth++
			i++
		case 3:
			depth--
			i++
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

func quoteOrBackslash(x uint64) bool {
	return hasZeroByte(x^(lsb*'"'))|hasZeroByte(x^(lsb*'\\')) != 0
}

// skimString returns the end of the string at i, or -1.
func skimString(d []byte, i int) int {
	i++
	for {
		for i+8 <= len(d) && !quoteOrBackslash(binary.LittleEndian.Uint64(d[i:])) {
			i += 8
		}
		for i < len(d) && d[i] != '"' && d[i] != '\\' {
			i++
		}
		if i >= len(d) {
			return -1
		}
		if d[i] == '"' {
			return i + 1
		}
		i += 2
	}
}

// parseIntText converts a number the way encoding/json stores it in an integer
// or float field, and says whether it fits.
func parseIntText(text string, kind schemaKind, bits int) bool {
	switch kind {
	case kindInt:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return false
		}
		if bits < 64 {
			lim := int64(1) << (bits - 1)
			return -lim <= n && n < lim
		}
		return true
	case kindUint:
		n, err := strconv.ParseUint(text, 10, 64)
		if err != nil {
			return false
		}
		return bits == 64 || n < uint64(1)<<bits
	case kindFloat:
		_, err := strconv.ParseFloat(text, bits)
		return err == nil
	}
	return false
}
