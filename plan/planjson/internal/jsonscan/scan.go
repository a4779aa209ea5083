package jsonscan

import (
	"encoding/binary"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// Failure is the panic value with which a Scanner gives up: on input that
// is not JSON, and on anything it is not sure to read the way encoding/json
// would. The caller recovers it (and only it: any other panic is a bug) and
// reads the input another way, with encoding/json, which words every error.
type Failure struct{ Why string }

// Fail gives up: it panics with Failure{why}. Callers use it for their own
// reasons to give up while they read with a Scanner.
func Fail(why string) { panic(Failure{why}) }

// MaxDepth bounds the nesting a Scanner follows. encoding/json refuses more
// than 10,000 levels; staying well below keeps a Scanner from accepting what
// encoding/json refuses.
const MaxDepth = 9000

// A Scanner reads JSON at a position in Data. Its methods read one token or
// value at Pos, after white space where they say so, and move Pos past it;
// Push and Pop count the nesting of the containers the caller opens.
type Scanner struct {
	Data  []byte
	Pos   int // the offset of the next byte to read
	Depth int // containers open around Pos
	// Strict is the depth to which Canon gives up on a key repeated in an
	// object, instead of keeping its last value as encoding/json does: 0
	// never, at the top level of Data; see Canon.
	Strict int

	tmp        []byte   // scratch for unquoted strings
	members    []member // the members of the objects canon is writing, innermost last
	reorderBuf []byte   // scratch for canonObject's reordering
}

// Reset points the scanner at data[pos:], with depth containers open
// around pos and the given Strict, keeping its scratch buffers: a scanner
// reused for many values allocates them once.
func (s *Scanner) Reset(data []byte, pos, depth, strict int) {
	s.Data, s.Pos, s.Depth, s.Strict = data, pos, depth, strict
	s.members = s.members[:0]
}

// Space skips white space.
func (s *Scanner) Space() {
	d := s.Data
	i := s.Pos
	for i < len(d) && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r' || d[i] == '\t') {
		i++
	}
	s.Pos = i
}

// Peek returns the byte at Pos after white space, which it skips.
func (s *Scanner) Peek() byte {
	s.Space()
	if s.Pos >= len(s.Data) {
		Fail("unexpected end of input")
	}
	return s.Data[s.Pos]
}

// Expect reads the byte c after white space.
func (s *Scanner) Expect(c byte) {
	if s.Peek() != c {
		Fail("expected " + string(c))
	}
	s.Pos++
}

// More reads the separator after a member or element: true after a comma,
// false after the closing byte.
func (s *Scanner) More(closing byte) bool {
	switch s.Peek() {
	case ',':
		s.Pos++
		return true
	case closing:
		s.Pos++
		return false
	}
	Fail("expected , or " + string(closing))
	return false
}

// Push counts a container opened, giving up past MaxDepth.
func (s *Scanner) Push() {
	s.Depth++
	if s.Depth > MaxDepth {
		Fail("nested too deeply")
	}
}

// Pop counts a container closed.
func (s *Scanner) Pop() { s.Depth-- }

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

// Str reads the string at Pos and returns the span of its content in Data
// and whether it holds escapes.
func (s *Scanner) Str() (start, end int, esc bool) {
	d := s.Data
	i := s.Pos
	if i >= len(d) || d[i] != '"' {
		Fail("expected a string")
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
			Fail("unterminated string")
		}
		switch c := d[i]; {
		case c == '"':
			s.Pos = i + 1
			return start, i, esc
		case c == '\\':
			esc = true
			if i+1 >= len(d) {
				Fail("unterminated string")
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || hex4(d[i+2:i+6]) < 0 {
					Fail("bad \\u escape")
				}
				i += 6
			default:
				Fail("bad escape")
			}
		default:
			Fail("control character in a string")
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

// Num reads the number at Pos and returns its span in Data.
func (s *Scanner) Num() (start, end int) {
	d := s.Data
	i := s.Pos
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
		Fail("bad number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			Fail("bad number")
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
			Fail("bad number")
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	s.Pos = i
	return start, i
}

// Literal reads word (true, false, null) at Pos.
func (s *Scanner) Literal(word string) {
	if len(s.Data)-s.Pos < len(word) || string(s.Data[s.Pos:s.Pos+len(word)]) != word {
		Fail("bad literal")
	}
	s.Pos += len(word)
}

// IsNull reads a null after white space, if there is one.
func (s *Scanner) IsNull() bool {
	if s.Peek() == 'n' {
		s.Literal("null")
		return true
	}
	return false
}

// Skip reads and checks any value, after white space.
func (s *Scanner) Skip() {
	switch c := s.Peek(); c {
	case '{':
		s.Push()
		s.Pos++
		if s.Peek() == '}' {
			s.Pos++
		} else {
			for {
				s.Space()
				s.Str()
				s.Expect(':')
				s.Skip()
				if !s.More('}') {
					break
				}
			}
		}
		s.Pop()
	case '[':
		s.Push()
		s.Pos++
		if s.Peek() == ']' {
			s.Pos++
		} else {
			for {
				s.Skip()
				if !s.More(']') {
					break
				}
			}
		}
		s.Pop()
	case '"':
		s.Str()
	case 't':
		s.Literal("true")
	case 'f':
		s.Literal("false")
	case 'n':
		s.Literal("null")
	default:
		s.Num()
	}
}

// StringValue reads a string or null (which leaves a Go string empty, as in
// encoding/json), after white space, and returns it decoded.
func (s *Scanner) StringValue() string {
	if s.IsNull() {
		return ""
	}
	start, end, esc := s.Str()
	if !esc {
		return string(s.Data[start:end])
	}
	return unquote(s.Data[start:end])
}

// unquote is the content of a JSON string (raw, between its quotes, checked
// by Str or written by Canon), escapes resolved, in one allocation: an
// unescaped string is never longer than its escaped form. Addresses with
// for_each keys (module.env["a"]) all have escapes, so this is on the hot
// path of every such plan.
func unquote(raw []byte) string {
	b := AppendUnquoted(make([]byte, 0, len(raw)), raw)
	// b is never written again: the string may share it, as
	// strings.Builder does.
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// StringsValue reads an array of strings, or null (nil). A null element is
// an empty string, as in encoding/json.
func (s *Scanner) StringsValue() []string {
	if s.IsNull() {
		return nil
	}
	if s.Peek() != '[' {
		Fail("not an array of strings")
	}
	out := []string{}
	s.Elements(func() { out = append(out, s.StringValue()) })
	return out
}

// Members reads the object at s, which the caller has seen starts there,
// calling member with each key (read by Key: a key with escapes gives up)
// and the scanner at its value, which member must read. It is the loop of
// every reader of an object whose keys it knows; Skip, and Check for a map,
// keep loops of their own, which take any key and run on every value of a
// plan.
func (s *Scanner) Members(member func(key []byte)) {
	s.Push()
	s.Pos++
	if s.Peek() == '}' {
		s.Pos++
	} else {
		for {
			member(s.Key())
			if !s.More('}') {
				break
			}
		}
	}
	s.Pop()
}

// Elements reads the array at s, which the caller has seen starts there,
// calling elem with the scanner at each element, which elem must read.
func (s *Scanner) Elements(elem func()) {
	s.Push()
	s.Pos++
	if s.Peek() == ']' {
		s.Pos++
	} else {
		for {
			elem()
			if !s.More(']') {
				break
			}
		}
	}
	s.Pop()
}

// Key reads an object key and the colon after it and returns the key's
// bytes in Data. It gives up on a key with escapes: encoding/json matches
// those to a field after unquoting.
func (s *Scanner) Key() []byte {
	s.Space()
	start, end, esc := s.Str()
	if esc {
		Fail("escaped key")
	}
	s.Expect(':')
	return s.Data[start:end]
}

// AppendUnquoted appends the content of a JSON string (raw, between its
// quotes, checked by Str or written by Canon), escapes resolved exactly as
// encoding/json resolves them (a lone surrogate becomes U+FFFD).
func AppendUnquoted(dst, raw []byte) []byte {
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

// skimClass sorts bytes for Skim: 1 opens a string, 2 a container, 3 closes
// one.
var skimClass = [256]uint8{'"': 1, '{': 2, '[': 2, '}': 3, ']': 3}

// Skim returns the end of the value at d[i] without checking it: a later,
// checking pass must read every byte of it. It returns -1 when the input
// ends first.
func Skim(d []byte, i int) int {
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
