package stacks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// formatError is the panic value of the decoder for valid JSON that is not a
// state of the shape it expects.
type formatError struct{ msg string }

// maxPathLen bounds an attribute path. Values deeper than that are skipped:
// no real schema comes near it, and a hostile file cannot grow paths without
// bound.
const maxPathLen = 512

// maxUnwrapDepth is how deep below an attribute a raw state's dynamic value
// wrapper ({"value": ..., "type": ...}) is recognised. Dynamic attributes are
// top-level in practice (terraform_data's input, terraform_remote_state's
// outputs, kubernetes_manifest's manifest); the bound keeps the look-ahead
// that recognises them linear.
const maxUnwrapDepth = 4

// Decode reads one context state, in either format, into a Stack named name.
// source names the file in errors. data is not kept.
func Decode(name, source string, data []byte) (st *Stack, err error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return nil, inputErr(source, hintStatePull, "%w: empty file", ErrNotAState)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return nil, inputErr(source, hintStatePull, "%w (a binary plan file)", ErrIsPlan)
	case trimmed[0] == '[':
		return nil, inputErr(source, hintStatePull, "%w: a JSON array, expected a state object", ErrNotAState)
	case trimmed[0] != '{':
		return nil, inputErr(source, hintStatePull, "%w: not JSON", ErrNotAState)
	}
	d := &decoder{s: scanner{data: data}, st: &Stack{Name: name, Source: source}, pathIdx: map[string]uint32{}}
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		st = nil
		switch e := r.(type) {
		case *syntaxError:
			err = inputErr(source, "", "%w: invalid JSON at line %d: %s", ErrNotAState, lineAt(data, e.off), e.msg)
		case *formatError:
			err = inputErr(source, hintStatePull, "%w: %s", ErrNotAState, e.msg)
		default:
			panic(r)
		}
	}()
	if err := d.document(); err != nil {
		return nil, &InputError{Source: source, Err: err, Hint: hintStatePull}
	}
	d.st.sortResources()
	return d.st, nil
}

type decoder struct {
	s       scanner
	st      *Stack
	unwrap  bool // raw state: unwrap dynamic values
	path    []byte
	pathIdx map[string]uint32
}

func (d *decoder) bad(format string, args ...any) {
	panic(&formatError{msg: fmt.Sprintf(format, args...)})
}

// topKeys are the top-level keys that tell a state from a plan and from the
// other JSON files a folder may hold. Each records where its value starts.
var topKeys = []string{
	"version", "terraform_version", "format_version", "resources", "values", "backend",
	"planned_values", "resource_changes", "prior_state", "output_changes", "configuration",
}

// document reads the top level. Keys can come in any order, so the format
// is known for sure only at the end; but Terraform writes "version" before
// "resources" and a state's "values" is never in a plan, so the part that
// holds resources is read in place, in the one pass that checks the file,
// and read again only when a reordered file proves the guess wrong.
func (d *decoder) document() error {
	s := &d.s
	at := map[string]int{}
	decoded := ""
	s.object(func(key []byte) {
		k := string(key)
		for _, want := range topKeys {
			if k == want {
				if _, dup := at[k]; dup {
					d.bad("the key %q appears twice", k)
				}
				at[k] = s.i
			}
		}
		switch {
		case k == "resources" && decoded == "" && d.versionAt(at) == 4:
			d.unwrap = true
			d.rawResources()
			decoded = k
		case k == "values" && decoded == "" && d.versionAt(at) == -1:
			d.values()
			decoded = k
		default:
			s.skip()
		}
	})
	s.ws()
	if s.i != len(s.data) {
		s.fail("data after the top-level object")
	}
	has := func(k string) bool {
		i, ok := at[k]
		return ok && !bytes.HasPrefix(s.data[i:], []byte("null"))
	}
	for _, k := range []string{"planned_values", "resource_changes", "prior_state", "output_changes"} {
		if has(k) {
			return ErrIsPlan
		}
	}
	if off, ok := at["terraform_version"]; ok {
		d.st.TerraformVersion = d.stringAt(off, "terraform_version")
	}
	read := func(key string, decode func()) {
		if decoded == key {
			return
		}
		d.st.Resources, d.st.leaves, d.st.paths, d.pathIdx = nil, nil, nil, map[string]uint32{}
		if off, ok := at[key]; ok {
			d.seek(off)
			decode()
		}
	}
	switch {
	case has("version"):
		if err := d.rawVersion(at); err != nil {
			return err
		}
		d.unwrap = true
		read("resources", d.rawResources)
		return nil
	case has("format_version") || has("values"):
		if err := d.showVersion(at); err != nil {
			return err
		}
		d.unwrap = false
		read("values", d.values)
		return nil
	}
	return fmt.Errorf(`%w: no "version" or "values" key`, ErrNotAState)
}

// versionAt is the top-level version read so far: -1 when there is none
// yet, -2 when it is not a whole number. The scanner stays where it is.
func (d *decoder) versionAt(at map[string]int) int {
	off, ok := at["version"]
	if !ok {
		return -1
	}
	i, depth := d.s.i, d.s.depth
	defer func() { d.s.i, d.s.depth = i, depth }()
	d.seek(off)
	if c := d.s.peek(); c != '-' && (c < '0' || c > '9') {
		return -2
	}
	n, err := strconv.Atoi(string(d.s.scalar()))
	if err != nil {
		return -2
	}
	return n
}

// seek points the scanner at a recorded value.
func (d *decoder) seek(off int) {
	d.s.i = off
	d.s.depth = 1
}

func (d *decoder) stringAt(off int, key string) string {
	d.seek(off)
	if d.s.peek() != '"' {
		d.bad("%s is not a string", key)
	}
	return string(d.s.str())
}

// rawVersion checks a raw state's version: 4 is read, older and newer
// ones are refused with what to do.
func (d *decoder) rawVersion(at map[string]int) error {
	n := d.versionAt(at)
	switch {
	case n == -2:
		return fmt.Errorf("%w: version is not a whole number", ErrNotAState)
	case n < 4:
		if _, ok := at["backend"]; ok {
			return fmt.Errorf("%w: this is Terraform's backend settings (.terraform/terraform.tfstate), not a state", ErrNotAState)
		}
		return fmt.Errorf("%w: version %d (Terraform 0.11 or older); blast reads version 4: run terraform state pull with Terraform 0.12 or later", ErrOldState, n)
	case n > 4:
		return fmt.Errorf("%w: version %d is newer than this blast reads (4)", ErrFutureFormat, n)
	}
	d.st.Format = FormatState
	return nil
}

// rawResources reads a raw state's resources array at the scanner.
func (d *decoder) rawResources() {
	if d.s.peek() == 'n' {
		d.s.scalar()
		return
	}
	if d.s.peek() != '[' {
		d.bad("resources is not an array")
	}
	d.s.array(func(i int) { d.rawResource(i) })
}

// rawResource reads one element of a raw state's resources: a resource with
// its instances. Its keys can come in any order, so the instances' addresses
// are made at the end.
func (d *decoder) rawResource(i int) {
	s := &d.s
	if s.peek() != '{' {
		d.bad("resources[%d] is not an object", i)
	}
	first := len(d.st.Resources)
	var mode, typ, name, module string
	var keys []string // index key of each instance, rendered
	s.object(func(key []byte) {
		switch string(key) {
		case "mode":
			mode = d.str("resources[%d].mode", i)
		case "type":
			typ = d.str("resources[%d].type", i)
		case "name":
			name = d.str("resources[%d].name", i)
		case "module":
			module = d.str("resources[%d].module", i)
		case "instances":
			if s.peek() == 'n' {
				s.scalar()
				return
			}
			if s.peek() != '[' {
				d.bad("resources[%d].instances is not an array", i)
			}
			s.array(func(j int) { keys = append(keys, d.rawInstance(i, j)) })
		default:
			s.skip()
		}
	})
	if typ == "" || name == "" {
		d.bad("resources[%d] has no type or name", i)
	}
	switch mode {
	case "managed", "data":
	default:
		d.bad("resources[%d].mode is %q, expected managed or data", i, mode)
	}
	prefix := ""
	if module != "" {
		prefix = module + "."
	}
	if mode == "data" {
		prefix += "data."
	}
	base := prefix + typ + "." + name
	for j := range d.st.Resources[first:] {
		r := &d.st.Resources[first+j]
		r.Address, r.Mode, r.Type = base+keys[j], mode, typ
	}
}

// rawInstance reads one instance, adding it to the stack, and returns its
// index key rendered as an address suffix: "", [0] or ["a"].
func (d *decoder) rawInstance(i, j int) (indexKey string) {
	s := &d.s
	if s.peek() != '{' {
		d.bad("resources[%d].instances[%d] is not an object", i, j)
	}
	res := d.newResource()
	s.object(func(key []byte) {
		switch string(key) {
		case "index_key":
			switch s.peek() {
			case '"':
				indexKey = "[" + strconv.Quote(string(s.str())) + "]"
			case 'n':
				s.scalar()
			default:
				v := s.scalar()
				if _, err := strconv.Atoi(string(v)); err != nil {
					d.bad("resources[%d].instances[%d].index_key is neither a string nor a whole number", i, j)
				}
				indexKey = "[" + string(v) + "]"
			}
		case "deposed":
			d.st.Resources[res].Deposed = d.str("resources[%d].instances[%d].deposed", i, j)
		case "attributes":
			d.attributes(res)
		case "attributes_flat":
			d.flatAttributes(res)
		default:
			s.skip()
		}
	})
	return indexKey
}

func (d *decoder) newResource() uint32 {
	d.st.Resources = append(d.st.Resources, Resource{})
	return uint32(len(d.st.Resources) - 1)
}

// str reads a string or null (""), else stops with what is named.
func (d *decoder) str(what string, args ...any) string {
	switch d.s.peek() {
	case '"':
		return string(d.s.str())
	case 'n':
		d.s.scalar()
		return ""
	}
	d.bad(what+" is not a string", args...)
	return ""
}

// showVersion checks the format_version of terraform show -json: 0.x and
// 1.x are read.
func (d *decoder) showVersion(at map[string]int) error {
	if off, ok := at["format_version"]; ok {
		v := d.stringAt(off, "format_version")
		major, _, _ := strings.Cut(v, ".")
		n, err := strconv.Atoi(major)
		if err != nil || n < 0 {
			return fmt.Errorf("%w: format_version %q is not a version number", ErrNotAState, v)
		}
		if n > 1 {
			return fmt.Errorf("%w: format_version %s is newer than this blast reads (0.x and 1.x)", ErrFutureFormat, v)
		}
	}
	d.st.Format = FormatShowJSON
	return nil
}

// values reads the values object of terraform show -json at the scanner;
// an empty state has none, or null.
func (d *decoder) values() {
	s := &d.s
	if s.peek() == 'n' {
		s.scalar()
		return
	}
	if s.peek() != '{' {
		d.bad("values is not an object")
	}
	s.object(func(key []byte) {
		if string(key) == "root_module" {
			d.module("values.root_module")
			return
		}
		s.skip()
	})
}

// module reads a module of the values format: its resources and child
// modules. The scanner's depth bounds the recursion.
func (d *decoder) module(where string) {
	s := &d.s
	if s.peek() == 'n' {
		s.scalar()
		return
	}
	if s.peek() != '{' {
		d.bad("%s is not an object", where)
	}
	s.object(func(key []byte) {
		switch string(key) {
		case "resources":
			d.list(where+".resources", func(i int) { d.showResource(where, i) })
		case "child_modules":
			d.list(where+".child_modules", func(i int) { d.module(where + ".child_modules") })
		default:
			s.skip()
		}
	})
}

func (d *decoder) list(where string, fn func(i int)) {
	s := &d.s
	switch s.peek() {
	case 'n':
		s.scalar()
	case '[':
		s.array(fn)
	default:
		d.bad("%s is not an array", where)
	}
}

func (d *decoder) showResource(where string, i int) {
	s := &d.s
	if s.peek() != '{' {
		d.bad("%s.resources[%d] is not an object", where, i)
	}
	res := d.newResource()
	var r Resource
	s.object(func(key []byte) {
		switch string(key) {
		case "address":
			r.Address = d.str("%s.resources[%d].address", where, i)
		case "mode":
			r.Mode = d.str("%s.resources[%d].mode", where, i)
		case "type":
			r.Type = d.str("%s.resources[%d].type", where, i)
		case "deposed_key":
			r.Deposed = d.str("%s.resources[%d].deposed_key", where, i)
		case "values":
			d.attributes(res)
		default:
			s.skip()
		}
	})
	if r.Address == "" || r.Type == "" {
		d.bad("%s.resources[%d] has no address or type", where, i)
	}
	switch r.Mode {
	case "managed", "data":
	default:
		d.bad("%s.resources[%d].mode is %q, expected managed or data", where, i, r.Mode)
	}
	d.st.Resources[res] = r
}

// attributes reads an instance's attribute object, recording every
// candidate value with its path.
func (d *decoder) attributes(res uint32) {
	s := &d.s
	if !d.objectOrNull("attributes") {
		return
	}
	s.object(func(key []byte) {
		d.path = appendKey(d.path[:0], key)
		d.walk(res, 1)
	})
	d.path = d.path[:0]
}

// objectOrNull reports whether an object is at the scanner; it reads a
// null, and stops at anything else.
func (d *decoder) objectOrNull(what string) bool {
	switch d.s.peek() {
	case 'n':
		d.s.scalar()
		return false
	case '{':
		return true
	}
	d.bad("%s of a resource is not an object", what)
	return false
}

// flatAttributes reads the flatmap attributes of a state upgraded from
// Terraform 0.11: their keys are paths already (ingress.0.cidr_blocks.0);
// the counts (ingress.#, tags.%) are not values.
func (d *decoder) flatAttributes(res uint32) {
	s := &d.s
	if !d.objectOrNull("attributes_flat") {
		return
	}
	s.object(func(key []byte) {
		if s.peek() != '"' || bytes.HasSuffix(key, []byte("#")) || bytes.HasSuffix(key, []byte("%")) {
			s.skip()
			return
		}
		d.path = append(d.path[:0], key...)
		d.leaf(res)
	})
	d.path = d.path[:0]
}

// walk reads the value at the scanner, under the path in d.path.
func (d *decoder) walk(res uint32, depth int) {
	s := &d.s
	switch s.peek() {
	case '{':
		if d.unwrap && depth <= maxUnwrapDepth && d.isWrapper() {
			// {"value": V, "type": T}: V is the attribute's value.
			s.expect('{')
			s.push()
			s.ws()
			s.str()
			s.expect(':')
			d.walk(res, depth+1)
			s.expect(',')
			s.ws()
			s.str()
			s.expect(':')
			s.skip()
			s.expect('}')
			s.pop()
			return
		}
		n := len(d.path)
		s.object(func(key []byte) {
			d.path = appendKey(d.path[:n], key)
			d.walk(res, depth+1)
		})
		d.path = d.path[:n]
	case '[':
		n := len(d.path)
		s.array(func(i int) {
			d.path = appendIndex(d.path[:n], i)
			d.walk(res, depth+1)
		})
		d.path = d.path[:n]
	case '"':
		d.leaf(res)
	default:
		s.scalar()
	}
}

// leaf reads the string at the scanner and records it if it is a candidate.
func (d *decoder) leaf(res uint32) {
	s := &d.s
	start := s.i
	raw, esc := s.rawStr()
	// An escape is at most 6 bytes for 1, so these bounds on the raw bytes
	// never drop a candidate.
	if len(raw) < MinCandidateLen || len(raw) > 6*MaxCandidateLen || len(d.path) > maxPathLen {
		return
	}
	v := raw
	if esc {
		v = unescape(s.data[start:s.i])
	}
	dg, ok := ValueDigestBytes(v)
	if !ok {
		return
	}
	d.st.leaves.add(leaf{d: dg, res: res, path: d.intern()})
}

func (d *decoder) intern() uint32 {
	if id, ok := d.pathIdx[string(d.path)]; ok {
		return id
	}
	p := string(d.path)
	id := uint32(len(d.st.paths))
	d.st.paths = append(d.st.paths, p)
	d.pathIdx[p] = id
	return id
}

// isWrapper looks ahead: is the object at the scanner a raw state's dynamic
// value, exactly {"value": V, "type": T} with T a type as cty writes it? The
// scanner is left where it was.
func (d *decoder) isWrapper() (ok bool) {
	s := &d.s
	i, depth := s.i, s.depth
	defer func() {
		if r := recover(); r != nil {
			if _, syn := r.(*syntaxError); !syn {
				panic(r)
			}
			ok = false
		}
		s.i, s.depth = i, depth
	}()
	s.expect('{')
	s.push()
	if s.peek() != '"' || string(s.str()) != "value" {
		return false
	}
	s.expect(':')
	s.skip()
	if s.peek() != ',' {
		return false
	}
	s.i++
	if s.peek() != '"' || string(s.str()) != "type" {
		return false
	}
	s.expect(':')
	if !d.ctyType() {
		return false
	}
	return s.peek() == '}'
}

// ctyType reads a value and reports whether it is a type in cty's JSON form:
// "string", "number", "bool", "dynamic", or ["list"|"set"|"map"|"object"|"tuple", ...].
func (d *decoder) ctyType() bool {
	s := &d.s
	switch s.peek() {
	case '"':
		switch string(s.str()) {
		case "string", "number", "bool", "dynamic":
			return true
		}
		return false
	case '[':
		start := s.i
		s.i++
		if s.peek() != '"' {
			return false
		}
		switch string(s.str()) {
		case "list", "set", "map", "object", "tuple":
		default:
			return false
		}
		s.i = start
		s.skip()
		return true
	}
	return false
}

var identStart, identRest [256]bool

func init() {
	for c := 0; c < 256; c++ {
		b := byte(c)
		identStart[c] = b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b == '_'
		identRest[c] = identStart[c] || b >= '0' && b <= '9' || b == '-'
	}
}

func isIdentifier(k []byte) bool {
	if len(k) == 0 || !identStart[k[0]] {
		return false
	}
	for _, c := range k[1:] {
		if !identRest[c] {
			return false
		}
	}
	return true
}

// appendKey writes a step into an object the way blast writes attribute
// paths (forced_by): .name for identifiers, ["key"] for other keys.
func appendKey(path, key []byte) []byte {
	if len(path) > maxPathLen {
		return path
	}
	if isIdentifier(key) {
		if len(path) > 0 {
			path = append(path, '.')
		}
		return append(path, key...)
	}
	q, _ := json.Marshal(string(key))
	path = append(path, '[')
	path = append(path, q...)
	return append(path, ']')
}

// appendIndex writes a step into a list: .0, as forced_by does.
func appendIndex(path []byte, i int) []byte {
	if len(path) > maxPathLen {
		return path
	}
	if len(path) > 0 {
		path = append(path, '.')
	}
	return strconv.AppendInt(path, int64(i), 10)
}

// sortResources orders resources by address and deposed key, so that the
// same state gives the same Stack whatever order its file lists them in.
func (st *Stack) sortResources() {
	order := make([]int, len(st.Resources))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ra, rb := &st.Resources[order[a]], &st.Resources[order[b]]
		if ra.Address != rb.Address {
			return ra.Address < rb.Address
		}
		return ra.Deposed < rb.Deposed
	})
	newIndex := make([]uint32, len(order))
	sorted := make([]Resource, len(order))
	for to, from := range order {
		sorted[to] = st.Resources[from]
		newIndex[from] = uint32(to)
	}
	st.Resources = sorted
	for _, c := range st.leaves {
		for i := range c {
			c[i].res = newIndex[c[i].res]
		}
	}
}
