package planjson

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/blast-dev/blast/plan"
)

// One converter, fed by two decoders. The fast decoder (fast.go) and the
// reference decoder (parse.go, analyze.go) differ in how they read a plan's
// bytes, never in what the plan means: both turn each resource change into a
// rawChange, and convertChange alone makes a plan.Change of it; both gather
// the parts of a plan into planParts, and assemble alone makes the plan.Plan.
// The differential tests (TestFastMatchesReference*, FuzzFastMatchesReference)
// so test the reading; TestCanonMatchesMarshal tests the one promise the
// shared converter rests on, that both give the same canonical bytes.

// rawChange is one resource change as a decoder read it, before any
// judgement: its strings decoded, its values as canonical JSON. Canonical
// JSON is what json.Marshal writes for the value encoding/json decodes (keys
// sorted, a repeated key's last value, numbers as written, encoding/json's
// escaping): the fast decoder writes those bytes straight from the plan's
// bytes (jsonscan.Scanner.Canon), the reference decoder marshals terraform-json's
// decoded values.
type rawChange struct {
	address, previous, module, mode, typ, name, provider, deposed, reason string

	// index is the JSON of "index", the instance key, nil when absent or
	// null; it is read only to rebuild a missing address.
	index []byte

	hasChange bool // "change" is there and not null
	importing bool // "change.importing" is there and not null
	actions   []string

	// before, after and unknown (after_unknown) are canonical JSON, nil when
	// absent (which means the same as null).
	before, after, unknown []byte
	// replacePaths is the JSON of replace_paths, nil when absent or null.
	replacePaths []byte
}

// errNoAddress is an entry that has no address, nor the type and name to
// rebuild one from.
var errNoAddress = errors.New("a resource change without an address, and without the type and name to rebuild it from")

// digester computes the value digests of changes, reusing its hash: the
// fast decoder keeps one per worker.
type digester struct {
	h   hash.Hash
	sum []byte
}

func newDigester() *digester { return &digester{h: sha256.New()} }

func (d *digester) digest(parts ...[]byte) string {
	d.h.Reset()
	for _, p := range parts {
		d.h.Write(p)
	}
	d.sum = d.h.Sum(d.sum[:0])
	return hexString(d.sum)
}

// hexString is hex.EncodeToString in one allocation instead of two: three
// digests per resource change, and one per attribute leaf, add up.
func hexString(sum []byte) string {
	var buf [2 * sha256.Size]byte
	n := hex.Encode(buf[:], sum)
	return string(buf[:n])
}

var (
	jsonNull     = []byte("null")
	openBracket  = []byte("[")
	comma        = []byte(",")
	closeBracket = []byte("]")
)

// convertChange makes the plan.Change of a raw change: the one place where
// a resource change is classified and its values digested. rebuilt is true
// when the entry had no address and convertChange made it from the entry's
// parts.
func convertChange(rc *rawChange, d *digester) (c plan.Change, rebuilt bool, err error) {
	address := rc.address
	if address == "" {
		// Terraform 1.0 wrote resource_drift entries without an address; the
		// parts beside it name the same instance.
		var ok bool
		if address, ok = rebuildAddress(rc); !ok {
			return plan.Change{}, false, errNoAddress
		}
		rebuilt = true
	}
	if !rc.hasChange {
		return plan.Change{}, false, fmt.Errorf("%s: no change object", address)
	}
	kind, ok := plan.Classify(rc.actions)
	if !ok {
		return plan.Change{}, false, fmt.Errorf("%s: %w %q: blast does not judge what it does not know", address, ErrUnknownActions, strings.Join(rc.actions, ","))
	}
	// A plan that does not parse is not refused: hand-made plans have such
	// addresses, and every step after this one handles a zero Addr.
	addr, perr := plan.ParseAddress(address)
	if perr != nil {
		addr = plan.Address{}
	}
	if err := checkConsistent(rc, address, addr); err != nil {
		return plan.Change{}, false, err
	}
	mode := rc.mode
	if mode == "" {
		// Old plans have no "mode": module.data.aws_db_instance.x is a
		// managed resource in a module named data, which only a parser
		// of the whole address tells.
		mode = addr.Mode
		if mode == "" {
			mode = "managed"
		}
	}
	c = plan.Change{
		Address:   address,
		Mode:      mode,
		Type:      rc.typ,
		Name:      rc.name,
		Module:    rc.module,
		Provider:  rc.provider,
		Kind:      kind,
		Actions:   rc.actions,
		Reason:    rc.reason,
		MovedFrom: rc.previous,
		Imported:  rc.importing,
		Deposed:   rc.deposed,
		Addr:      addr,
	}
	if c.Type == "" {
		return plan.Change{}, false, fmt.Errorf("%s: no resource type", address)
	}
	before, after, unknown := orNull(rc.before), orNull(rc.after), orNull(rc.unknown)
	if rc.replacePaths != nil {
		var paths []any
		if err := decodeJSON(rc.replacePaths, &paths); err != nil {
			return plan.Change{}, false, fmt.Errorf("%s: replace_paths: %v", address, err)
		}
		for _, p := range paths {
			c.ForcedBy = append(c.ForcedBy, renderPath(p, before, after))
		}
		sort.Strings(c.ForcedBy)
	}
	// The digests are those of json.Marshal(before) and of
	// json.Marshal([]any{after, after_unknown}).
	c.BeforeHash = d.digest(before)
	c.AfterHash = d.digest(openBracket, after, comma, unknown, closeBracket)
	if kind.Destructive() {
		c.Unprotected = unprotectedCanon(before)
		c.DiesWith = diesWithCanon(before)
	}
	if kind == plan.KindUpdate {
		c.Weakened = weakenedCanon(c.Type, before, after)
	}
	c.Subtype = subtypeOf(c.Type, before, after)
	if mode == "managed" {
		c.Identity = identityCanon(before)
		switch kind {
		case plan.KindDelete:
			c.Attrs = attrDigestsCanon(before, nil)
		case plan.KindCreate:
			var unk any
			if err := decodeJSON(unknown, &unk); err != nil {
				return plan.Change{}, false, fmt.Errorf("%s: after_unknown: %v", address, err)
			}
			c.Attrs = attrDigestsCanon(after, unk)
		}
	}
	return c, rebuilt, nil
}

func orNull(b []byte) []byte {
	if b == nil {
		return jsonNull
	}
	return b
}

// decodeJSON decodes b as the reference decoder does, numbers kept as
// written.
func decodeJSON(b []byte, into any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(into)
}

// rebuildAddress writes the address Terraform gives the instance that the
// parts of an entry name: module_address, mode, type, name and index. ok is
// false when they do not make an address.
func rebuildAddress(rc *rawChange) (string, bool) {
	if rc.typ == "" || rc.name == "" {
		return "", false
	}
	var b strings.Builder
	if rc.module != "" {
		b.WriteString(rc.module)
		b.WriteByte('.')
	}
	switch rc.mode {
	case "", "managed":
	case "data":
		b.WriteString("data.")
	default:
		return "", false
	}
	b.WriteString(rc.typ)
	b.WriteByte('.')
	b.WriteString(rc.name)
	if rc.index != nil {
		var key any
		if decodeJSON(rc.index, &key) != nil {
			return "", false
		}
		switch k := key.(type) {
		case nil:
		case json.Number:
			n, err := strconv.ParseUint(string(k), 10, 63)
			if err != nil {
				return "", false
			}
			b.WriteString("[" + strconv.FormatUint(n, 10) + "]")
		case string:
			b.WriteString("[" + hclQuote(k) + "]")
		default:
			return "", false
		}
	}
	// Parts that do not make an address Terraform would write (a type with a
	// dot, a module path that is none) rebuild nothing.
	if _, err := plan.ParseAddress(b.String()); err != nil {
		return "", false
	}
	return b.String(), true
}

// hclQuote quotes an instance key as Terraform writes it in an address
// (StringKey.String in internal/addrs): HCL's quoted-string syntax, with
// template introducers doubled and unprintable characters as \u escapes.
func hclQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch r {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '$', '%':
			b.WriteRune(r)
			if strings.HasPrefix(s[i+1:], "{") {
				b.WriteRune(r)
			}
		default:
			switch {
			case unicode.IsPrint(r):
				b.WriteRune(r)
			case r < 0x10000:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// The lists of a plan that hold resource changes, for rebuilt addresses and
// warnings.
const (
	listChanges = iota
	listDrift
	listDeferred
)

var listNames = [...]string{"resource_changes", "resource_drift", "deferred_changes"}

// planParts is what a decoder read of one plan, its resource changes
// already converted; assemble makes the plan.Plan of it.
type planParts struct {
	changes  []plan.Change // resource_changes, in the plan's order
	drift    []plan.Change
	deferred []*tfjson.DeferredResourceChange

	// rebuilt counts, per list, the entries whose address was rebuilt;
	// dropped counts those left out for want of one (drift only).
	rebuilt [3]int
	dropped [3]int

	priorHas bool        // prior_state has values with a root module
	prior    []*stateOut // what the walk of prior_state found
	planned  []*stateOut // what the walk of planned_values found
	config   *planConfig // nil when the configuration has no root module
	digests  *digester   // for the deferred changes
}

// convertEntry converts entry i of a list of terraform-json changes and
// counts a rebuilt address. keep is false for a drift or deferred entry that
// names no resource: it is counted and left out, since neither list is
// scored, and a report that misses a line is better than a plan not judged.
// A resource change that names nothing is an error: the gate cannot judge
// what it cannot name.
func (parts *planParts) convertEntry(list, i int, rc *tfjson.ResourceChange) (c plan.Change, keep bool, err error) {
	raw, err := rawFromTFJSON(rc)
	if err != nil {
		return plan.Change{}, false, fmt.Errorf("%s[%d]: %w", listNames[list], i, err)
	}
	c, rebuilt, err := convertChange(&raw, parts.digests)
	if errors.Is(err, errNoAddress) && list != listChanges {
		parts.dropped[list]++
		return plan.Change{}, false, nil
	}
	if err != nil {
		return plan.Change{}, false, fmt.Errorf("%s[%d]: %w", listNames[list], i, err)
	}
	if rebuilt {
		parts.rebuilt[list]++
	}
	return c, true, nil
}

// stateOut is what a walk of state modules found.
type stateOut struct {
	addrs []string
	deps  []addrDeps
}

type addrDeps struct {
	addr string
	deps []string
}

// assemble completes p, whose header planHeader read, from the parts a
// decoder read: the one place where a plan's changes are checked together,
// sorted and indexed.
func assemble(p *plan.Plan, parts *planParts) error {
	p.Changes = parts.changes
	for i := range p.Changes {
		if strings.HasPrefix(p.Changes[i].Provider, "registry.opentofu.org/") {
			p.Tool = "opentofu"
			break
		}
	}
	sortChanges(p.Changes)
	if err := firstRepeat(p.Changes); err != nil {
		return err
	}
	p.Drift = parts.drift
	sortChanges(p.Drift)
	for i, d := range parts.deferred {
		if d == nil || d.ResourceChange == nil {
			return fmt.Errorf("deferred_changes[%d]: no resource_change", i)
		}
		c, keep, err := parts.convertEntry(listDeferred, i, d.ResourceChange)
		if err != nil {
			return err
		}
		if !keep {
			continue
		}
		p.Deferred = append(p.Deferred, plan.Deferred{Change: c, Reason: d.Reason})
	}
	sort.SliceStable(p.Deferred, func(i, j int) bool { return p.Deferred[i].Change.Key() < p.Deferred[j].Change.Key() })
	for l, name := range listNames {
		if n := parts.rebuilt[l]; n > 0 {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s: %s without an address (as Terraform 1.0 writes drift): "+
				"addresses rebuilt from module_address, type, name and index", name, entries(n)))
		}
		if n := parts.dropped[l]; n > 0 {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s: %s without an address or the type and name to rebuild one: left out", name, entries(n)))
		}
	}

	n := len(p.Changes)
	for _, o := range parts.planned {
		n += len(o.addrs)
	}
	if parts.priorHas {
		for _, o := range parts.prior {
			n += len(o.addrs)
		}
	}
	addrs := make([]string, 0, n)
	for _, c := range p.Changes {
		if c.Deposed == "" {
			addrs = append(addrs, c.Address)
		}
	}
	if parts.priorHas {
		p.PriorDependsOn = make(map[string][]string)
		for _, o := range parts.prior {
			addrs = append(addrs, o.addrs...)
			for _, d := range o.deps {
				p.PriorDependsOn[d.addr] = mergeSorted(p.PriorDependsOn[d.addr], d.deps)
			}
		}
	}
	for _, o := range parts.planned {
		addrs = append(addrs, o.addrs...)
	}
	slices.Sort(addrs)
	addrs = slices.Compact(addrs)
	if len(addrs) > 0 && addrs[0] == "" {
		addrs = addrs[1:]
	}
	p.Instances = make([]string, len(addrs))
	copy(p.Instances, addrs)
	p.Config = convertConfig(parts.config)
	return nil
}

func entries(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return strconv.Itoa(n) + " entries"
}

// firstRepeat refuses sorted changes of which two have the same address and
// deposed key, naming the first such in address order: where they stood in
// the plan does not change which one the error names.
func firstRepeat(cs []plan.Change) error {
	for i := 1; i < len(cs); i++ {
		c := &cs[i]
		if c.Address != cs[i-1].Address || c.Deposed != cs[i-1].Deposed {
			continue
		}
		if c.Deposed == "" {
			return fmt.Errorf("resource_changes: %s appears twice and is not a deposed object", c.Address)
		}
		return fmt.Errorf("resource_changes: %s appears twice", c.Key())
	}
	return nil
}

func sortChanges(cs []plan.Change) {
	slices.SortStableFunc(cs, func(a, b plan.Change) int {
		if c := strings.Compare(a.Address, b.Address); c != 0 {
			return c
		}
		return strings.Compare(a.Deposed, b.Deposed)
	})
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// renderPath writes a replace_paths entry the way people read attribute
// paths: network_interface.0.subnet_id, tags["team"].
//
// Terraform writes a step into a set of strings as the element itself, so a
// path can hold a value. The step is only shown when the object before (or
// after) the change has it as an attribute or map key, or it is a list
// index; anything else, a set element among them, is written [*]. before
// and after are canonical JSON (jsonscan.Canon), walked where they are
// rather than decoded.
func renderPath(p any, before, after []byte) string {
	steps, ok := p.([]any)
	if !ok {
		steps = []any{p}
	}
	var b strings.Builder
	// Where each of before and after is along the path: the offset of a
	// value, or -1 once the path has left it.
	cursors := [2]int{0, 0}
	values := [2][]byte{before, after}
	lost := [2]int{-1, -1}
	for _, s := range steps {
		switch v := s.(type) {
		case string:
			next := [2]int{canonMember(before, cursors[0], v), canonMember(after, cursors[1], v)}
			if next == lost {
				b.WriteString("[*]")
				cursors = lost
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
			cursors = next
		case json.Number, float64:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			n := fmt.Sprint(v)
			b.WriteString(n)
			i, err := strconv.Atoi(n)
			for k := range cursors {
				if err != nil || i < 0 {
					cursors[k] = -1
				} else {
					cursors[k] = canonElem(values[k], cursors[k], i)
				}
			}
		default:
			b.WriteString("[*]")
			cursors = lost
		}
	}
	return b.String()
}

// protections are attributes whose prior value says an object is not
// protected against deletion, and the value that says so.
var protections = []struct {
	attr   string
	unsafe func(any) bool
}{
	{"deletion_protection", isFalse},
	{"deletion_protection_enabled", isFalse},
	{"skip_final_snapshot", isTrue},
	{"force_destroy", isTrue},
	{"force_delete", isTrue},
	{"backup_retention_period", isZero},
	{"prevent_destroy", isFalse},
}

func isTrue(v any) bool  { b, ok := v.(bool); return ok && b }
func isFalse(v any) bool { b, ok := v.(bool); return ok && !b }
func isZero(v any) bool  { n, ok := v.(json.Number); return ok && (n == "0" || n == "0.0") }

// maxAttrLeaves bounds the digests kept per object: enough to recognise a
// renamed resource, never a memory problem on a plan of huge objects.
const maxAttrLeaves = 64

func joinPath(prefix, step string) string {
	if prefix == "" {
		return step
	}
	return prefix + "." + step
}
