package jsonscan

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

// A Schema says what JSON encoding/json accepts for a Go type. It is derived
// from the type by reflection (from terraform-json's types, for planjson), so
// that Check refuses exactly the wrong types encoding/json refuses, for every
// field a caller skips as well as for those it reads, and keeps doing so when
// the type gains fields.
type Schema struct {
	kind   schemaKind
	bits   int          // integer and float sizes
	elem   *Schema      // slice, map
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
	s    *Schema
}

var (
	schemaMu    sync.Mutex
	schemaCache = map[reflect.Type]*Schema{}

	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
)

// SchemaFor returns the schema of t, built once and cached.
func SchemaFor(t reflect.Type) *Schema {
	schemaMu.Lock()
	defer schemaMu.Unlock()
	return buildSchema(t)
}

func implementsUnmarshal(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(unmarshalerType) || pt.Implements(unmarshalerType) ||
		t.Implements(textUnmarshalerType) || pt.Implements(textUnmarshalerType)
}

func buildSchema(t reflect.Type) *Schema {
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
	s := &Schema{typ: t}
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
				*s = Schema{kind: kindOpaque, typ: t}
			}
		default:
			s.kind = kindOpaque
		}
	}
	return s
}

// structFields lists the fields encoding/json decodes into, or says the
// struct is beyond this simple model (embedded structs, ",string" options).
func structFields(s *Schema, t reflect.Type) bool {
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

// Field returns the index of the field of a struct schema that a key decodes
// into, or -1 when encoding/json would ignore the key. It gives up on a key
// that matches a field only without regard to case.
func (s *Schema) Field(key []byte) int {
	if i, ok := s.exact[string(key)]; ok {
		return i
	}
	if _, ok := s.folded[string(foldName(key))]; ok {
		Fail("a key that matches a field only ignoring case")
	}
	return -1
}

// MustField is the index of the field a caller reads itself, named by its
// JSON name; it panics when the struct has no such field.
func (s *Schema) MustField(name string) int {
	i, ok := s.exact[name]
	if !ok || s.kind != kindStruct {
		panic("jsonscan: " + s.typ.String() + " has no field " + name)
	}
	return i
}

// FieldSchema is the schema of the field at index i.
func (s *Schema) FieldSchema(i int) *Schema { return s.fields[i].s }

// Seen marks the field at index i read in *mask and gives up when an object
// names it twice: encoding/json's handling of repeated keys (merging, last
// wins) is left to it.
func Seen(mask *uint64, i int) {
	if *mask&(1<<i) != 0 {
		Fail("a repeated key")
	}
	*mask |= 1 << i
}

// Fields reads the object at s, which the caller has seen starts there, as
// the struct sc stands for: field gets each key's field index, or -1 for a
// key sc does not know, with the scanner at the value, which field must
// read. A field named twice gives up (Seen).
func (s *Scanner) Fields(sc *Schema, field func(f int)) {
	var mask uint64
	s.Members(func(key []byte) {
		f := sc.Field(key)
		if f >= 0 {
			Seen(&mask, f)
		}
		field(f)
	})
}

// Check reads a value, after white space, and gives up unless encoding/json
// would decode it into a Go value of the schema's type without error.
func (s *Scanner) Check(sc *Schema) {
	c := s.Peek()
	if c == 'n' {
		s.Literal("null") // null fits every type
		return
	}
	switch sc.kind {
	case kindAny:
		s.Skip()
	case kindString:
		s.Str()
	case kindBool:
		switch c {
		case 't':
			s.Literal("true")
		case 'f':
			s.Literal("false")
		default:
			Fail("not a boolean")
		}
	case kindInt, kindUint, kindFloat:
		if c != '-' && (c < '0' || c > '9') {
			Fail("not a number")
		}
		start, end := s.Num()
		if !parseIntText(string(s.Data[start:end]), sc.kind, sc.bits) {
			Fail("a number that does not fit")
		}
	case kindSlice:
		if c != '[' {
			Fail("not an array")
		}
		s.Elements(func() { s.Check(sc.elem) })
	case kindStruct:
		if c != '{' {
			Fail("not an object")
		}
		s.Fields(sc, func(f int) {
			if f >= 0 {
				s.Check(sc.fields[f].s)
			} else {
				s.Skip()
			}
		})
	case kindMap:
		if c != '{' {
			Fail("not an object")
		}
		s.Push()
		s.Pos++
		if s.Peek() == '}' {
			s.Pos++
		} else {
			for {
				s.Space()
				s.Str() // any key, escapes included
				s.Expect(':')
				s.Check(sc.elem)
				if !s.More('}') {
					break
				}
			}
		}
		s.Pop()
	case kindOpaque:
		start := s.Pos
		s.Skip()
		dec := json.NewDecoder(bytes.NewReader(s.Data[start:s.Pos]))
		dec.UseNumber()
		if err := dec.Decode(reflect.New(sc.typ).Interface()); err != nil {
			Fail("refused by encoding/json")
		}
	}
}

// CheckedJSON checks a value as Check does and returns its bytes in Data,
// nil for null.
func (s *Scanner) CheckedJSON(sc *Schema) []byte {
	s.Space()
	start := s.Pos
	s.Check(sc)
	if string(s.Data[start:s.Pos]) == "null" {
		return nil
	}
	return s.Data[start:s.Pos]
}
