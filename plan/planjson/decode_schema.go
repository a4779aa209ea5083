package planjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// A schema says what JSON encoding/json accepts for a Go type. It is derived
// from terraform-json's types by reflection, so the fast decoder refuses
// exactly the wrong types the reference decoder refuses, for every field it
// skips as well as for those it reads, and keeps doing so when terraform-json
// adds fields.
type schema struct {
	kind   schemaKind
	bits   int          // integer and float sizes
	elem   *schema      // slice, map
	typ    reflect.Type // opaque
	fields []schemaField
	exact  map[string]int // JSON name -> field index
	folded map[string]int // folded JSON name -> field index
}

type schemaKind uint8

const (
	kindAny    schemaKind = iota // interface{} and json.RawMessage: any JSON value
	kindString                   // string kinds
	kindBool
	kindInt
	kindUint
	kindFloat
	kindSlice
	kindMap
	kindStruct
	kindOpaque // anything else: decoded by encoding/json itself to check it
)

type schemaField struct {
	name string
	s    *schema
}

var (
	schemaMu    sync.Mutex
	schemaCache = map[reflect.Type]*schema{}

	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
)

// schemaFor returns the schema of t.
func schemaFor(t reflect.Type) *schema {
	schemaMu.Lock()
	defer schemaMu.Unlock()
	return buildSchema(t)
}

func implementsUnmarshal(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(unmarshalerType) || pt.Implements(unmarshalerType) ||
		t.Implements(textUnmarshalerType) || pt.Implements(textUnmarshalerType)
}

func buildSchema(t reflect.Type) *schema {
	if s, ok := schemaCache[t]; ok {
		return s
	}
	if t.Kind() == reflect.Pointer && !implementsUnmarshal(t.Elem()) {
		// null sets a pointer to nil; anything else decodes into the
		// pointed-to type.
		s := buildSchema(t.Elem())
		schemaCache[t] = s
		return s
	}
	s := &schema{typ: t}
	schemaCache[t] = s // before recursing: types refer to themselves
	switch {
	case t == rawMessageType:
		s.kind = kindAny
	case implementsUnmarshal(t):
		s.kind = kindOpaque
	default:
		switch t.Kind() {
		case reflect.Interface:
			if t.NumMethod() == 0 {
				s.kind = kindAny
			} else {
				s.kind = kindOpaque
			}
		case reflect.String:
			s.kind = kindString
		case reflect.Bool:
			s.kind = kindBool
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			s.kind, s.bits = kindInt, t.Bits()
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			s.kind, s.bits = kindUint, t.Bits()
		case reflect.Float32, reflect.Float64:
			s.kind, s.bits = kindFloat, t.Bits()
		case reflect.Slice:
			if t.Elem().Kind() == reflect.Uint8 {
				s.kind = kindOpaque // base64
				break
			}
			s.kind, s.elem = kindSlice, buildSchema(t.Elem())
		case reflect.Map:
			if t.Key().Kind() != reflect.String || implementsUnmarshal(t.Key()) {
				s.kind = kindOpaque
				break
			}
			s.kind, s.elem = kindMap, buildSchema(t.Elem())
		case reflect.Struct:
			s.kind = kindStruct
			if !structFields(s, t) {
				*s = schema{kind: kindOpaque, typ: t}
			}
		default:
			s.kind = kindOpaque
		}
	}
	return s
}

// structFields lists the fields encoding/json decodes into, or says the
// struct is beyond this simple model (embedded structs, ",string" options).
func structFields(s *schema, t reflect.Type) bool {
	s.exact, s.folded = map[string]int{}, map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return false
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",string,") {
			return false
		}
		if name == "" || !validTagName(name) {
			name = f.Name
		}
		if _, dup := s.exact[name]; dup {
			return false
		}
		folded := string(foldName([]byte(name)))
		if _, dup := s.folded[folded]; dup {
			return false
		}
		s.exact[name] = len(s.fields)
		s.folded[folded] = len(s.fields)
		s.fields = append(s.fields, schemaField{name: name, s: buildSchema(f.Type)})
	}
	return len(s.fields) <= 64
}

// validTagName is encoding/json's isValidTag.
func validTagName(s string) bool {
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// foldName is encoding/json's: the key a JSON name matches a field by when no
// field has exactly that name.
func foldName(in []byte) []byte {
	var out []byte
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(in[i:])
		out = utf8.AppendRune(out, unicode.ToUpper(unicode.ToLower(r)))
		i += n
	}
	return out
}

// field returns the index of the field a key decodes into, or -1 when
// encoding/json would ignore the key. A key that matches a field only without
// regard to case makes the fast decoder give up.
func (s *schema) field(key []byte) int {
	if i, ok := s.exact[string(key)]; ok {
		return i
	}
	if _, ok := s.folded[string(foldName(key))]; ok {
		fail("a key that matches a field only ignoring case")
	}
	return -1
}

// mustField is the index of a field the fast decoder reads itself.
func (s *schema) mustField(name string) int {
	i, ok := s.exact[name]
	if !ok || s.kind != kindStruct {
		panic("planjson: terraform-json has no field " + name)
	}
	return i
}

// seen marks a field read and gives up when an object names it twice:
// encoding/json's handling of repeated keys (merging, last wins) is left to
// it.
func seen(mask *uint64, i int) {
	if *mask&(1<<i) != 0 {
		fail("a repeated key")
	}
	*mask |= 1 << i
}

// check reads a value and gives up unless encoding/json would decode it into
// a Go value of the schema's type without error.
func (s *scan) check(sc *schema) {
	c := s.peek()
	if c == 'n' {
		s.literal("null") // null fits every type
		return
	}
	switch sc.kind {
	case kindAny:
		s.skip()
	case kindString:
		s.str()
	case kindBool:
		switch c {
		case 't':
			s.literal("true")
		case 'f':
			s.literal("false")
		default:
			fail("not a boolean")
		}
	case kindInt, kindUint, kindFloat:
		if c != '-' && (c < '0' || c > '9') {
			fail("not a number")
		}
		start, end := s.num()
		if !parseIntText(string(s.data[start:end]), sc.kind, sc.bits) {
			fail("a number that does not fit")
		}
	case kindSlice:
		if c != '[' {
			fail("not an array")
		}
		s.push()
		s.i++
		if s.peek() == ']' {
			s.i++
		} else {
			for {
				s.check(sc.elem)
				if !s.more(']') {
					break
				}
			}
		}
		s.depth--
	case kindMap, kindStruct:
		if c != '{' {
			fail("not an object")
		}
		s.push()
		s.i++
		var mask uint64
		if s.peek() == '}' {
			s.i++
		} else {
			for {
				if sc.kind == kindMap {
					s.ws()
					s.str()
					s.expect(':')
					s.check(sc.elem)
				} else {
					k := s.key()
					if f := sc.field(k); f >= 0 {
						seen(&mask, f)
						s.check(sc.fields[f].s)
					} else {
						s.skip()
					}
				}
				if !s.more('}') {
					break
				}
			}
		}
		s.depth--
	case kindOpaque:
		start := s.i
		s.skip()
		dec := json.NewDecoder(bytes.NewReader(s.data[start:s.i]))
		dec.UseNumber()
		if err := dec.Decode(reflect.New(sc.typ).Interface()); err != nil {
			fail("refused by encoding/json")
		}
	}
}

// checkedJSON checks a value as check does and returns its bytes, nil for
// null.
func (s *scan) checkedJSON(sc *schema) []byte {
	s.ws()
	start := s.i
	s.check(sc)
	if string(s.data[start:s.i]) == "null" {
		return nil
	}
	return s.data[start:s.i]
}
