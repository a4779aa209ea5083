package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/blast-dev/blast/scoring/aiassisted"
	"github.com/blast-dev/blast/scoring/catalog"
)

// DefaultFile is read from the working directory when present.
const DefaultFile = ".blast.yml"

// DefaultThreshold is the score at which a plan needs sign-off.
const DefaultThreshold = 50

// maxPolicyBytes bounds a policy file; real ones are a few kilobytes.
const maxPolicyBytes = 1 << 20

// Policy is what a team can tune. The zero value is not useful: start from
// Default or Load.
type Policy struct {
	Source       string             // the file it came from; "" for the built-in defaults
	Threshold    int                // score at which sign-off is required
	ClassWeights map[string]float64 // class name -> weight override
	TypeWeights  map[string]float64 // resource type -> weight override
	TypeClasses  map[string]string  // resource type -> class override
	Critical     []AddressGlob      // addresses that always count as critical
	Ignore       []IgnoreRule
	Signoff      Signoff
	AIAssisted   AIAssisted
	Environments []Environment
	Env          string // the environment applied, "" for none

	// Unmatched says what applies to a plan that no environment's paths
	// match, when the policy has environments: UnmatchedBase (the base
	// policy) or UnmatchedStrictest (the strictest of all of them).
	Unmatched string
	// AllowOverrides lets flags loosen the gate: a --threshold above the
	// policy's, an --environment other than the one the plan's path
	// chooses. Without it flags can only tighten.
	AllowOverrides bool
	// People groups principals (and git identities) into persons: one
	// person is one sign-off, and self-approval covers all of a person's
	// principals. Keys are lower case; a principal not listed is a person
	// of its own.
	People map[string]string
	// EnvNotes say how the environment was chosen, or that none matched.
	EnvNotes []string

	// Context lists other stacks' state (context: in the policy), as
	// --context takes them: PATH or NAME=PATH, a relative PATH relative to
	// the policy file's folder in the working tree.
	Context []string

	// NonProduction: every environment applied says production: false, so
	// a capacity gap of a lone instance weighs less.
	NonProduction bool
}

// What a policy applies to a plan that matches no environment.
const (
	UnmatchedBase      = "base"
	UnmatchedStrictest = "strictest"
)

// IgnoreRule silences a change or a finding, with a reason that the report
// shows. It stops applying after Expires.
type IgnoreRule struct {
	Address *AddressGlob // nil: any address
	Rule    string       // a finding rule id; "" for any
	Kind    string       // a change kind; "" for any
	Reason  string
	Expires time.Time // zero: never
	Line    int       // where it is written, for messages
}

// Signoff says who must sign off and how many.
type Signoff struct {
	Required       int    // valid sign-offs needed at or above the threshold
	TwoAbove       int    // at or above this score two are needed; 0 means never
	AllowedSigners string // git-format allowed_signers file
	// AllowedSignersLine is where the policy names AllowedSigners, for
	// messages; 0 when it does not.
	AllowedSignersLine int
	Dir                string   // folder of .sig files
	Seniors            []string // principals who may approve; empty means every allowed signer
}

// AIAssisted is the stricter gate for AI-assisted changes.
type AIAssisted struct {
	Threshold int              // 0 means no stricter threshold
	Trailers  []*regexp.Regexp // commit trailer lines that mark a change AI-assisted
	// Markers are more words that mark a change AI-assisted wherever they
	// appear in a commit's message or its author's or committer's name or
	// e-mail, compared after normalisation (see aiassisted.Normalize); they add to
	// the built-in ones (see aiassisted.Markers).
	Markers []string
}

// Environment overrides parts of the policy for plans whose path matches,
// or when chosen with --env.
type Environment struct {
	Name        string
	Paths       []PathGlob
	Threshold   int // 0: inherit
	Critical    []AddressGlob
	Required    int // 0: inherit
	TwoAbove    int // 0: inherit
	AIThreshold int // 0: inherit
	// NonProduction is production: false (capacity-gap weighs a lone
	// instance less); the default is production.
	NonProduction bool
}

// Default is the policy when no file is given.
func Default() Policy {
	p := Policy{Threshold: DefaultThreshold, Signoff: Signoff{Required: 1}, Unmatched: UnmatchedBase}
	for _, t := range aiassisted.DefaultTrailers {
		p.AIAssisted.Trailers = append(p.AIAssisted.Trailers, regexp.MustCompile(t))
	}
	return p
}

// AllowedSignersFile is the allowed_signers file the policy names, as a
// path from the working folder (the policy names it relative to its own
// folder), and the line that names it; "" when the policy names none.
func (p Policy) AllowedSignersFile() (string, int) {
	name := p.Signoff.AllowedSigners
	if name == "" || filepath.IsAbs(name) || p.Source == "" {
		return name, p.Signoff.AllowedSignersLine
	}
	return filepath.Join(filepath.Dir(p.Source), name), p.Signoff.AllowedSignersLine
}

// Error is a problem in a policy file, with the line it is on.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Load reads and checks a policy file. rules are the ids of the finding
// rules that an ignore rule may name (scoring.RuleIDs()).
func Load(path string, rules []string) (Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return Policy{}, &Error{File: path, Msg: "no such file"}
		}
		return Policy{}, &Error{File: path, Msg: err.Error()}
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, maxPolicyBytes+1)); err != nil {
		return Policy{}, &Error{File: path, Msg: err.Error()}
	}
	if buf.Len() > maxPolicyBytes {
		return Policy{}, &Error{File: path, Msg: "larger than 1 MiB: not a policy file"}
	}
	return Parse(path, buf.Bytes(), rules)
}

// Parse checks a policy strictly: an unknown key, a wrong type or a bad
// pattern is an error naming the line and what was expected. rules are the
// ids of the finding rules that an ignore rule may name (scoring.RuleIDs()).
func Parse(file string, data []byte, rules []string) (Policy, error) {
	p := Default()
	p.Source = file
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return Policy{}, yamlError(file, data, err)
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		return Policy{}, &Error{File: file, Line: max(1, next.Line), Msg: "a second YAML document starts here: a policy file holds one"}
	} else if err != io.EOF {
		return Policy{}, yamlError(file, data, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return p, nil // an empty file: the defaults
	}
	d := &decoder{file: file, rules: rules, last: lineAt(data, len(bytes.TrimRight(data, "\r\n\t ")))}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return p, nil
	}
	d.mapping(root, "the policy", func(key string, v *yaml.Node) {
		switch key {
		case "version":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Value != "1" {
				d.fail(v, fmt.Sprintf("expected version 1, the only version of the policy format, got %s", describe(v)))
			}
		case "threshold":
			p.Threshold = d.integer(v, 1, 100)
		case "weights":
			d.mapping(v, "weights", func(key string, v *yaml.Node) {
				switch key {
				case "classes":
					p.ClassWeights = map[string]float64{}
					d.mapping(v, "weights.classes", func(class string, w *yaml.Node) {
						if _, ok := catalog.ClassByName(class); !ok {
							d.fail(w, fmt.Sprintf("unknown class %q (known: %s)", class, strings.Join(classNames(), ", ")))
							return
						}
						p.ClassWeights[class] = d.weight(w)
					})
				case "types":
					p.TypeWeights = map[string]float64{}
					d.mapping(v, "weights.types", func(typ string, w *yaml.Node) {
						p.TypeWeights[typ] = d.weight(w)
					})
				default:
					d.unknown(v, key, "weights", "classes, types")
				}
			})
		case "classes":
			p.TypeClasses = map[string]string{}
			d.mapping(v, "classes", func(typ string, c *yaml.Node) {
				class := d.str(c)
				if _, ok := catalog.ClassByName(class); !ok && d.err == nil {
					d.fail(c, fmt.Sprintf("unknown class %q (known: %s)", class, strings.Join(classNames(), ", ")))
				}
				p.TypeClasses[typ] = class
			})
		case "critical":
			p.Critical = d.addressGlobs(v)
		case "ignore":
			d.sequence(v, "ignore", func(item *yaml.Node) {
				p.Ignore = append(p.Ignore, d.ignoreRule(item))
			})
		case "signoff":
			d.mapping(v, "signoff", func(key string, v *yaml.Node) {
				switch key {
				case "required":
					p.Signoff.Required = d.integer(v, 1, 10)
				case "two_above":
					p.Signoff.TwoAbove = d.integer(v, 1, 100)
				case "allowed_signers":
					p.Signoff.AllowedSigners, p.Signoff.AllowedSignersLine = d.str(v), v.Line
				case "signoffs":
					p.Signoff.Dir = d.str(v)
				case "seniors":
					p.Signoff.Seniors = d.strings(v, "signoff.seniors")
				default:
					d.unknown(v, key, "signoff", "required, two_above, allowed_signers, signoffs, seniors")
				}
			})
		case "ai_assisted":
			d.mapping(v, "ai_assisted", func(key string, v *yaml.Node) {
				switch key {
				case "threshold":
					p.AIAssisted.Threshold = d.integer(v, 1, 100)
				case "trailers":
					p.AIAssisted.Trailers = nil
					d.sequence(v, "ai_assisted.trailers", func(item *yaml.Node) {
						s := d.str(item)
						if d.err != nil {
							return
						}
						re, err := regexp.Compile(s)
						if err != nil {
							why := err.Error()
							var rerr *syntax.Error
							if errors.As(err, &rerr) {
								why = string(rerr.Code)
							}
							d.fail(item, fmt.Sprintf("trailer pattern %q is not a regular expression: %s", s, why))
							return
						}
						p.AIAssisted.Trailers = append(p.AIAssisted.Trailers, re)
					})
				case "markers":
					d.sequence(v, "ai_assisted.markers", func(item *yaml.Node) {
						m := aiassisted.Normalize(d.str(item))
						if d.err == nil && strings.TrimSpace(m) == "" {
							d.fail(item, "an ai_assisted marker must not be empty")
							return
						}
						p.AIAssisted.Markers = append(p.AIAssisted.Markers, m)
					})
				default:
					d.unknown(v, key, "ai_assisted", "threshold, trailers, markers")
				}
			})
		case "guard":
			// blast guard's settings: package guard reads and checks them.
		case "environments":
			d.mapping(v, "environments", func(name string, v *yaml.Node) {
				p.Environments = append(p.Environments, d.environment(name, v))
			})
		case "unmatched":
			p.Unmatched = d.str(v)
			if d.err == nil && p.Unmatched != UnmatchedBase && p.Unmatched != UnmatchedStrictest {
				d.fail(v, fmt.Sprintf("unmatched must be %s or %s, got %q", UnmatchedBase, UnmatchedStrictest, p.Unmatched))
			}
		case "allow_overrides":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
				d.fail(v, fmt.Sprintf("allow_overrides must be true or false, got %s", describe(v)))
				return
			}
			p.AllowOverrides = v.Value == "true"
		case "people":
			p.People = d.people(v)
		case "context":
			p.Context = d.strings(v, "context")
		default:
			d.unknown(v, key, "the policy", "version, threshold, weights, classes, critical, ignore, signoff, ai_assisted, environments, unmatched, allow_overrides, people, context")
		}
	})
	if d.err != nil {
		return Policy{}, d.err
	}
	return p, nil
}

func classNames() []string {
	var out []string
	for _, c := range catalog.Classes() {
		out = append(out, c.Name)
	}
	return out
}

// parserProblems are the messages of go-yaml's parser (not its scanner).
// It numbers their lines from 0 and leaves the line out when it is 0.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// yamlError turns a go-yaml error into an Error on the right line.
func yamlError(file string, data []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, tail, ok := strings.Cut(rest, ": "); ok {
			if l, err := strconv.Atoi(n); err == nil {
				line, msg = l, tail
			}
		}
	}
	switch {
	case parserProblems[msg]:
		line++
	case strings.HasPrefix(msg, "unknown anchor '"):
		name := strings.TrimSuffix(strings.TrimPrefix(msg, "unknown anchor '"), "' referenced")
		if i := bytes.Index(data, []byte("*"+name)); i >= 0 {
			line = lineAt(data, i)
		}
	case line == 0:
		// Reader errors (a control character, bad UTF-8) carry no line;
		// scanner errors leave out line 1.
		line = lineAt(data, badByte(data))
	}
	// A problem found at the end of the file is on its last line.
	if last := lineAt(data, len(bytes.TrimRight(data, "\r\n\t "))); line > last {
		line = last
	}
	return &Error{File: file, Line: line, Msg: "not valid YAML: " + msg}
}

// lineAt is the line of a byte offset, counting line breaks as go-yaml does:
// LF, CR, CR LF, and the Unicode NEL, LS and PS.
func lineAt(data []byte, offset int) int {
	line := 1
	for i := 0; i < offset && i < len(data); i++ {
		switch {
		case data[i] == '\n':
			line++
		case data[i] == '\r':
			if i+1 >= len(data) || data[i+1] != '\n' {
				line++
			}
		case bytes.HasPrefix(data[i:], []byte("\u0085")), bytes.HasPrefix(data[i:], []byte("\u2028")), bytes.HasPrefix(data[i:], []byte("\u2029")):
			line++
		}
	}
	return line
}

// badByte is the offset of the first byte YAML does not allow (invalid
// UTF-8, a control character other than tab and line breaks), or 0.
func badByte(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && n <= 1,
			r < 0x20 && r != '\t' && r != '\n' && r != '\r',
			r >= 0x7f && r <= 0x9f && r != 0x85,
			r == 0xfffe || r == 0xffff:
			return i
		}
		i += n
	}
	return 0
}

// decoder walks the YAML tree and keeps the first error.
type decoder struct {
	file  string
	rules []string // the ids an ignore rule may name
	err   error
	key   *yaml.Node // the key whose value is being decoded
	last  int        // the last line with content
}

func (d *decoder) fail(n *yaml.Node, msg string) {
	if d.err == nil {
		// go-yaml puts an empty value at the end of the file on the line
		// after it.
		d.err = &Error{File: d.file, Line: min(n.Line, d.last), Msg: msg}
	}
}

// unknown reports an unknown key on the key's own line: its value may start
// on the next one.
func (d *decoder) unknown(v *yaml.Node, key, where, known string) {
	at := v
	if d.key != nil && d.key.Value == key {
		at = d.key
	}
	d.fail(at, fmt.Sprintf("unknown key %q in %s (known: %s)", key, where, known))
}

// describe names a node's kind, and a scalar's value where it is short.
func describe(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" && n.Tag != "!!str" && len(n.Value) <= 40 {
		if q := strconv.Quote(n.Value); q[1:len(q)-1] != n.Value {
			return q
		}
		return n.Value
	}
	return kindName(n)
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.Tag {
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!null":
		return "nothing"
	}
	return "a string"
}

func (d *decoder) mapping(n *yaml.Node, what string, fn func(key string, v *yaml.Node)) {
	if d.err != nil {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n, fmt.Sprintf("%s must be a mapping, not %s", what, kindName(n)))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content) && d.err == nil; i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!null" || k.Value == "" {
			d.fail(k, fmt.Sprintf("a key in %s must be a name", what))
			return
		}
		if seen[k.Value] {
			d.fail(k, fmt.Sprintf("key %q appears twice in %s", k.Value, what))
			return
		}
		seen[k.Value] = true
		// Report errors on the key's line when the value sits on it.
		if v.Line == 0 {
			v.Line = k.Line
		}
		d.key = k
		fn(k.Value, v)
	}
}

func (d *decoder) sequence(n *yaml.Node, what string, fn func(item *yaml.Node)) {
	if d.err != nil {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, fmt.Sprintf("%s must be a list, not %s", what, kindName(n)))
		return
	}
	for _, item := range n.Content {
		if d.err != nil {
			return
		}
		fn(item)
	}
}

func (d *decoder) str(n *yaml.Node) string {
	if d.err != nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || n.Tag == "!!bool" || n.Tag == "!!int" || n.Tag == "!!float" {
		d.fail(n, fmt.Sprintf("expected a string, got %s", kindName(n)))
		return ""
	}
	return n.Value
}

func (d *decoder) strings(n *yaml.Node, what string) []string {
	var out []string
	d.sequence(n, what, func(item *yaml.Node) { out = append(out, d.str(item)) })
	return out
}

func (d *decoder) integer(n *yaml.Node, lo, hi int) int {
	if d.err != nil {
		return 0
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		d.fail(n, fmt.Sprintf("expected a whole number from %d to %d, got %s", lo, hi, describe(n)))
		return 0
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil || v < lo || v > hi {
		d.fail(n, fmt.Sprintf("expected a whole number from %d to %d, got %s", lo, hi, n.Value))
		return 0
	}
	return v
}

func (d *decoder) weight(n *yaml.Node) float64 {
	if d.err != nil {
		return 0
	}
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		d.fail(n, fmt.Sprintf("expected a weight from 0 to 1, got %s", describe(n)))
		return 0
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	if err != nil || math.IsNaN(v) || v < 0 || v > 1 {
		d.fail(n, fmt.Sprintf("expected a weight from 0 to 1, got %s", n.Value))
		return 0
	}
	return v
}

func (d *decoder) addressGlobs(n *yaml.Node) []AddressGlob {
	var out []AddressGlob
	d.sequence(n, "critical", func(item *yaml.Node) {
		s := d.str(item)
		if d.err != nil {
			return
		}
		g, err := ParseAddressGlob(s)
		if err != nil {
			d.fail(item, err.Error())
			return
		}
		out = append(out, g)
	})
	return out
}

var changeKinds = []string{"create", "update", "delete", "replace", "replace_cbd", "read", "no_op", "forget"}

func (d *decoder) ignoreRule(n *yaml.Node) IgnoreRule {
	r := IgnoreRule{Line: n.Line}
	d.mapping(n, "an ignore rule", func(key string, v *yaml.Node) {
		switch key {
		case "address":
			s := d.str(v)
			if d.err != nil {
				return
			}
			g, err := ParseAddressGlob(s)
			if err != nil {
				d.fail(v, err.Error())
				return
			}
			r.Address = &g
		case "rule":
			r.Rule = d.str(v)
			if d.err == nil && !slices.Contains(d.rules, r.Rule) {
				d.fail(v, fmt.Sprintf("unknown rule %q (known: %s)", r.Rule, strings.Join(d.rules, ", ")))
			}
		case "kind":
			r.Kind = d.str(v)
			if d.err == nil && !contains(changeKinds, r.Kind) {
				d.fail(v, fmt.Sprintf("unknown kind %q (known: %s)", r.Kind, strings.Join(changeKinds, ", ")))
			}
		case "reason":
			r.Reason = strings.TrimSpace(d.str(v))
		case "expires":
			s := d.str(v)
			if d.err != nil {
				return
			}
			t, err := time.Parse("2006-01-02", s)
			if err != nil {
				d.fail(v, fmt.Sprintf("expires must be a date like 2027-01-31, got %q", s))
				return
			}
			r.Expires = t
		default:
			d.unknown(v, key, "an ignore rule", "address, rule, kind, reason, expires")
		}
	})
	if d.err == nil {
		switch {
		case r.Reason == "":
			d.fail(n, "an ignore rule needs a reason")
		case r.Address == nil && r.Rule == "" && r.Kind == "":
			d.fail(n, "an ignore rule needs an address, a rule or a kind")
		case r.Rule != "" && r.Kind != "":
			d.fail(n, "an ignore rule names a rule (for findings) or a kind (for changes), not both")
		}
	}
	return r
}

func (d *decoder) environment(name string, n *yaml.Node) Environment {
	e := Environment{Name: name}
	d.mapping(n, "environment "+name, func(key string, v *yaml.Node) {
		switch key {
		case "paths":
			d.sequence(v, "environment "+name+" paths", func(item *yaml.Node) {
				s := d.str(item)
				if d.err != nil {
					return
				}
				g, err := ParsePathGlob(s)
				if err != nil {
					d.fail(item, err.Error())
					return
				}
				e.Paths = append(e.Paths, g)
			})
		case "threshold":
			e.Threshold = d.integer(v, 1, 100)
		case "critical":
			e.Critical = d.addressGlobs(v)
		case "signoff":
			d.mapping(v, "environment "+name+" signoff", func(key string, v *yaml.Node) {
				switch key {
				case "required":
					e.Required = d.integer(v, 1, 10)
				case "two_above":
					e.TwoAbove = d.integer(v, 1, 100)
				default:
					d.unknown(v, key, "an environment's signoff", "required, two_above")
				}
			})
		case "ai_assisted":
			d.mapping(v, "environment "+name+" ai_assisted", func(key string, v *yaml.Node) {
				if key != "threshold" {
					d.unknown(v, key, "an environment's ai_assisted", "threshold")
					return
				}
				e.AIThreshold = d.integer(v, 1, 100)
			})
		case "production":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
				d.fail(v, fmt.Sprintf("expected true or false, got %s", describe(v)))
				return
			}
			e.NonProduction = strings.EqualFold(v.Value, "false")
		default:
			d.unknown(v, key, "environment "+name, "paths, threshold, critical, signoff, ai_assisted, production")
		}
	})
	return e
}

// people reads people: {alice: [alice@corp.example, asmith@corp.example]}.
// A principal under two people would let one human count twice or escape
// the self-approval check under the other name: it is an error.
func (d *decoder) people(n *yaml.Node) map[string]string {
	out := map[string]string{}
	d.mapping(n, "people", func(person string, v *yaml.Node) {
		d.sequence(v, "people."+person, func(item *yaml.Node) {
			id := strings.ToLower(strings.TrimSpace(d.str(item)))
			if d.err != nil {
				return
			}
			if id == "" {
				d.fail(item, fmt.Sprintf("people.%s: an empty principal", person))
				return
			}
			if prev, ok := out[id]; ok {
				if prev == person {
					d.fail(item, fmt.Sprintf("principal %q is listed twice under %s", id, person))
				} else {
					d.fail(item, fmt.Sprintf("principal %q is listed under both %s and %s: one principal is one person", id, prev, person))
				}
				return
			}
			out[id] = person
		})
	})
	return out
}

// Person is who a principal or git identity belongs to: the people entry
// that lists it, or the identity itself.
func (p Policy) Person(id string) string {
	id = strings.ToLower(strings.TrimSpace(id))
	if person, ok := p.People[id]; ok {
		return person
	}
	return id
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// PlanPath is a plan as environments see it: Path is its path relative to
// the policy's root (the repository root), with forward slashes and
// normalised; "" when it has none there (standard input, a file outside the
// root). Name is how the report names the plan.
type PlanPath struct {
	Name string
	Path string
}

// ForEnvironment is SelectEnvironment for plans named by their paths.
func (p Policy) ForEnvironment(env string, planPaths []string) (Policy, error) {
	plans := make([]PlanPath, len(planPaths))
	for i, path := range planPaths {
		plans[i] = PlanPath{Name: path, Path: path}
	}
	return p.SelectEnvironment(env, plans)
}

// SelectEnvironment applies environments to the policy. Each plan is
// judged under the first environment, by name, whose paths match its path;
// a plan that none matches is judged under the base policy, or under the
// strictest of all environments with unmatched: strictest. Plans judged
// together get one score, so the strictest of their settings applies: a dev
// plan on the command line must not loosen the gate of a prod plan.
//
// env, from --environment, chooses for the plans that no path matches
// (standard input, a file outside the repository). For a plan whose path
// matches an environment it can only tighten: both apply, the strictest of
// each setting winning, unless the policy allows overrides. An env the
// policy does not define is an error. EnvNotes of the result say what was
// chosen and why, and name every plan no environment matched.
func (p Policy) SelectEnvironment(env string, plans []PlanPath) (Policy, error) {
	envs := append([]Environment(nil), p.Environments...)
	sort.SliceStable(envs, func(i, j int) bool { return envs[i].Name < envs[j].Name })
	var chosen *Environment
	if env != "" {
		for i := range envs {
			if envs[i].Name == env {
				chosen = &envs[i]
			}
		}
		if chosen == nil {
			names := make([]string, 0, len(envs))
			for _, e := range envs {
				names = append(names, e.Name)
			}
			if len(names) == 0 {
				return Policy{}, fmt.Errorf("--environment %s: the policy defines no environments", env)
			}
			return Policy{}, fmt.Errorf("--environment %s: the policy has no such environment (it has: %s)", env, strings.Join(names, ", "))
		}
	}
	var matched []*Environment
	add := func(e *Environment) {
		if !slices.ContainsFunc(matched, func(m *Environment) bool { return m.Name == e.Name }) {
			matched = append(matched, e)
		}
	}
	var unmatched []string
	for _, pl := range plans {
		var env *Environment
	search:
		for i := range envs {
			for _, g := range envs[i].Paths {
				if pl.Path != "" && g.Match(pl.Path) {
					env = &envs[i]
					break search
				}
			}
		}
		if env == nil {
			unmatched = append(unmatched, pl.Name)
		} else {
			add(env)
		}
	}
	var notes []string
	base := len(plans) == 0 || len(unmatched) > 0
	switch {
	case chosen != nil && p.AllowOverrides:
		// The trusted policy lets the flag decide.
		matched, base = nil, false
		add(chosen)
		notes = append(notes, fmt.Sprintf("environment %s chosen by --environment (the policy allows overrides)", chosen.Name))
	case chosen != nil:
		// The flag chooses for the plans no path matches; for the others
		// it adds its settings to theirs.
		base = false
		if len(matched) > 0 && !slices.ContainsFunc(matched, func(m *Environment) bool { return m.Name == chosen.Name }) {
			names := envNames(matched)
			notes = append(notes, fmt.Sprintf("--environment %s adds to environment %s that the plan paths choose: flags only tighten, the strictest setting of each applies", chosen.Name, strings.Join(names, "+")))
		} else {
			notes = append(notes, fmt.Sprintf("environment %s chosen by --environment", chosen.Name))
		}
		add(chosen)
	case len(unmatched) > 0 && len(envs) > 0 && p.Unmatched == UnmatchedStrictest:
		for i := range envs {
			add(&envs[i])
		}
		notes = append(notes, fmt.Sprintf("no environment of the policy matches %s: the strictest of its environments applies (unmatched: strictest)", strings.Join(unmatched, ", ")))
	case len(unmatched) > 0 && len(envs) > 0:
		notes = append(notes, fmt.Sprintf("no environment of the policy matches %s: the base policy applies (choose one with --environment, or set unmatched: strictest)", strings.Join(unmatched, ", ")))
	}
	if len(matched) == 0 {
		out := p
		out.EnvNotes = notes
		return out, nil
	}
	if base {
		matched = append(matched, &Environment{})
	}
	out := p.apply(matched)
	out.EnvNotes = notes
	return out, nil
}

func envNames(envs []*Environment) []string {
	var names []string
	for _, e := range envs {
		names = append(names, e.Name)
	}
	sort.Strings(names)
	return names
}

// apply merges environments into the policy, the strictest setting of each
// winning; an environment without a setting keeps the base policy's.
func (p Policy) apply(envs []*Environment) Policy {
	out := p
	out.Critical = append([]AddressGlob(nil), p.Critical...)
	var names []string
	// Non-production only when every environment applied says so: a base
	// policy or a production environment among them keeps production.
	out.NonProduction = true
	for i, e := range envs {
		out.NonProduction = out.NonProduction && e.NonProduction
		threshold, required, twoAbove, ai := p.Threshold, p.Signoff.Required, p.Signoff.TwoAbove, p.AIAssisted.Threshold
		if e.Threshold > 0 {
			threshold = e.Threshold
		}
		if e.Required > 0 {
			required = e.Required
		}
		if e.TwoAbove > 0 {
			twoAbove = e.TwoAbove
		}
		if e.AIThreshold > 0 {
			ai = e.AIThreshold
		}
		if i == 0 {
			out.Threshold, out.Signoff.Required, out.Signoff.TwoAbove, out.AIAssisted.Threshold = threshold, required, twoAbove, ai
		} else {
			out.Threshold = min(out.Threshold, threshold)
			out.Signoff.Required = max(out.Signoff.Required, required)
			out.Signoff.TwoAbove = minSet(out.Signoff.TwoAbove, twoAbove)
			out.AIAssisted.Threshold = minSet(out.AIAssisted.Threshold, ai)
		}
		out.Critical = append(out.Critical, e.Critical...)
		if e.Name != "" {
			names = append(names, e.Name)
		}
	}
	sort.Strings(names)
	out.Env = strings.Join(names, "+")
	return out
}

// minSet is the smaller of two settings where 0 means unset.
func minSet(a, b int) int {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	return min(a, b)
}
