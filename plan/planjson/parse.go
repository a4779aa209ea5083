package planjson

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/blast-dev/blast/plan"
)

// Parse reads plan JSON from data. data holds one plan, or several plans as
// newline-delimited JSON (what `terragrunt run --all show -json` prints); each
// plan of a stream is named source:LINE.
//
// Parse reads with the fast decoder of fast.go, which gives the same plans as
// the terraform-json decoder (parseReference) in a fraction of the time and
// memory; on anything the fast decoder does not take, bad input included,
// the reference decoder reads the input again and words the error.
func Parse(source string, data []byte) ([]*plan.Plan, error) {
	data, note, err := checkText(source, data)
	if err != nil {
		return nil, err
	}
	plans, ok := parseFast(source, data)
	if !ok {
		if plans, err = parseStream(source, data); err != nil {
			return nil, err
		}
	}
	return noted(plans, note), nil
}

// parseReference is Parse with terraform-json and encoding/json alone: the
// plain implementation that the fast decoder must agree with.
func parseReference(source string, data []byte) ([]*plan.Plan, error) {
	data, note, err := checkText(source, data)
	if err != nil {
		return nil, err
	}
	plans, err := parseStream(source, data)
	if err != nil {
		return nil, err
	}
	return noted(plans, note), nil
}

// noted puts a note on how the input was read first among each plan's
// warnings: it is about the bytes, before anything the plan says.
func noted(plans []*plan.Plan, note string) []*plan.Plan {
	if note != "" {
		for _, p := range plans {
			p.Warnings = append([]string{note}, p.Warnings...)
		}
	}
	return plans
}

// checkText refuses what is not JSON text holding an object, and returns the
// text as UTF-8. Text with a byte-order mark (UTF-8, or UTF-16 as a
// PowerShell redirect writes it) is read as what it is, with a note saying
// so; UTF-16 without one is refused, since nothing marks it as such.
func checkText(source string, data []byte) (text []byte, note string, err error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		data = data[3:]
		note = "the file begins with a UTF-8 byte-order mark (as Windows PowerShell's Out-File writes): read without it"
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		if data, note, err = decodeUTF16(source, data); err != nil {
			return nil, "", err
		}
	}
	if source == "-" && note != "" {
		note = strings.Replace(note, "the file", "standard input", 1)
	}
	if len(data) >= 2 && (data[0] == 0 || data[1] == 0) {
		return nil, "", inputErr(source, "in PowerShell write it with: terraform show -json plan.out | Out-File -Encoding utf8 plan.json",
			"is UTF-16 text without a byte-order mark; blast reads UTF-8, or UTF-16 that starts with one")
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, "", inputErr(source, hintShowJSON, "is empty")
	}
	if trimmed[0] != '{' {
		return nil, "", notJSONObject(source, trimmed)
	}
	if !utf8.Valid(trimmed) {
		return nil, "", inputErr(source, "", "is not valid UTF-8 text")
	}
	return data, note, nil
}

// decodeUTF16 decodes UTF-16 text that starts with a byte-order mark into
// UTF-8. Text that is not valid UTF-16 (an odd number of bytes, a surrogate
// without its pair) is refused, not patched with U+FFFD: a plan that cannot
// be read exactly is not judged.
func decodeUTF16(source string, data []byte) ([]byte, string, error) {
	order, name := binary.ByteOrder(binary.LittleEndian), "UTF-16LE"
	if data[0] == 0xfe {
		order, name = binary.BigEndian, "UTF-16BE"
	}
	data = data[2:]
	if len(data)%2 != 0 {
		return nil, "", inputErr(source, "", "is not valid %s text: an odd number of bytes, so it was cut short", name)
	}
	out := make([]byte, 0, len(data)/2+len(data)/8)
	for i := 0; i < len(data); i += 2 {
		r := rune(order.Uint16(data[i:]))
		if utf16.IsSurrogate(r) {
			var r2 rune = -1
			if i+4 <= len(data) {
				r2 = rune(order.Uint16(data[i+2:]))
			}
			if r = utf16.DecodeRune(r, r2); r == unicode.ReplacementChar {
				return nil, "", inputErr(source, "", "is not valid %s text: an unpaired surrogate at byte %d", name, i+2)
			}
			i += 2
		}
		out = utf8.AppendRune(out, r)
	}
	note := "the file is " + name + " text"
	if name == "UTF-16LE" {
		note += " (as a PowerShell redirect writes it)"
	}
	return out, note + ": judged as the same plan in UTF-8", nil
}

// parseStream decodes one plan or a stream of them with encoding/json.
func parseStream(source string, data []byte) ([]*plan.Plan, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var plans []*plan.Plan
	for {
		start := dec.InputOffset()
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			break
		}
		line := lineAt(data, start+leadingSpace(data[start:]))
		name := source
		if err != nil {
			if len(plans) > 0 || line > 1 {
				name = fmt.Sprintf("%s:%d", source, line)
			}
			return nil, jsonError(name, data, err)
		}
		plans = append(plans, nil)
		if len(plans) == 1 {
			// Decide on a stream only once a second value shows up.
			if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) == 0 {
				p, err := decodePlan(source, raw)
				if err != nil {
					return nil, err
				}
				return []*plan.Plan{p}, nil
			}
		}
		name = fmt.Sprintf("%s:%d", source, line)
		p, err := decodePlan(name, raw)
		if err != nil {
			return nil, err
		}
		plans[len(plans)-1] = p
	}
	return plans, nil
}

func leadingSpace(b []byte) int64 {
	return int64(len(b) - len(bytes.TrimLeft(b, " \t\r\n")))
}

func lineAt(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

func notJSONObject(source string, b []byte) error {
	switch {
	case b[0] == '[':
		return inputErr(source, hintShowJSON, "%w: a JSON array, expected a plan object", ErrNotAPlan)
	case bytes.Contains(b[:min(len(b), 4096)], []byte("Terraform will perform")) ||
		bytes.Contains(b[:min(len(b), 4096)], []byte("OpenTofu will perform")):
		return inputErr(source, hintShowJSON, "%w: this is the human-readable plan text, not plan JSON", ErrNotAPlan)
	case b[0] == '"' || b[0] == '-' || (b[0] >= '0' && b[0] <= '9') || bytes.HasPrefix(b, []byte("true")) ||
		bytes.HasPrefix(b, []byte("false")) || bytes.HasPrefix(b, []byte("null")):
		return inputErr(source, hintShowJSON, "%w: a JSON scalar, expected a plan object", ErrNotAPlan)
	}
	return inputErr(source, hintShowJSON, "is not JSON")
}

func jsonError(source string, data []byte, err error) error {
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return inputErr(source, "the file was cut short; write it again with terraform show -json", "truncated JSON: it ends before the plan does")
	case errors.As(err, &syn) && strings.Contains(syn.Error(), "exceeded max depth"):
		// encoding/json stops at 10,000 levels; no plan comes near that, and
		// stopping there keeps a small hostile file from costing much.
		return inputErr(source, "", "%w: JSON nested more than 10000 levels deep (line %d)", ErrNotAPlan, lineAt(data, syn.Offset))
	case errors.As(err, &syn):
		return inputErr(source, "", "invalid JSON at line %d: %s", lineAt(data, syn.Offset), strings.TrimPrefix(syn.Error(), "json: "))
	}
	return inputErr(source, "", "invalid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// planKeys are the top-level keys blast reads. The others (planned_values,
// variables, output_changes, provider schemas ...) are never decoded.
type planKeys struct {
	FormatVersion     json.RawMessage `json:"format_version"`
	PlanFormatVersion json.RawMessage `json:"plan_format_version"`
	TerraformVersion  json.RawMessage `json:"terraform_version"`
	ResourceChanges   json.RawMessage `json:"resource_changes"`
	ResourceDrift     json.RawMessage `json:"resource_drift"`
	DeferredChanges   json.RawMessage `json:"deferred_changes"`
	Complete          json.RawMessage `json:"complete"`
	PriorState        json.RawMessage `json:"prior_state"`
	PlannedValues     json.RawMessage `json:"planned_values"`
	Configuration     json.RawMessage `json:"configuration"`

	// Keys that identify a state file given by mistake.
	Values  json.RawMessage `json:"values"`
	Lineage json.RawMessage `json:"lineage"`
	Serial  json.RawMessage `json:"serial"`
}

func present(r json.RawMessage) bool { return len(r) > 0 && string(r) != "null" }

// planHeader checks that the keys make a plan and reads the small ones:
// versions, complete, and the warnings they call for.
func planHeader(source string, keys *planKeys) (*plan.Plan, error) {
	if present(keys.Lineage) && present(keys.Serial) {
		return nil, inputErr(source, hintShowJSON, "%w: this is a Terraform state file", ErrNotAPlan)
	}
	if present(keys.Values) && !present(keys.ResourceChanges) && !present(keys.PlannedValues) {
		return nil, inputErr(source, hintShowJSON, "%w: this is state JSON (terraform show -json without a plan file)", ErrNotAPlan)
	}
	p := &plan.Plan{Source: source, Tool: "terraform"}
	version := keys.FormatVersion
	hcp := false
	if !present(version) && present(keys.PlanFormatVersion) {
		version, hcp = keys.PlanFormatVersion, true
	}
	if present(version) {
		var v string
		if err := json.Unmarshal(version, &v); err != nil {
			return nil, inputErr(source, "", "format_version is not a string")
		}
		if err := checkFormatVersion(v); err != nil {
			return nil, &InputError{Source: source, Err: err, Hint: "upgrade blast, or check what wrote this file"}
		}
		p.FormatVersion = v
	}
	// Every plan Terraform writes has planned_values, and resource_changes
	// when anything changes; a file with neither (a misspelt key, a trimmed
	// copy) must not pass as a plan that changes nothing.
	if !present(keys.ResourceChanges) && !present(keys.PlannedValues) {
		return nil, inputErr(source, hintShowJSON, `%w: no "resource_changes" or "planned_values" key`, ErrNotAPlan)
	}
	switch {
	case hcp:
		p.Warnings = append(p.Warnings, "an HCP Terraform redacted plan: judged from its resource_changes")
	case p.FormatVersion == "":
		p.Warnings = append(p.Warnings, "no format_version: a trimmed or hand-made plan, judged from what it holds")
	}
	if present(keys.TerraformVersion) {
		if err := json.Unmarshal(keys.TerraformVersion, &p.TerraformVersion); err != nil {
			return nil, inputErr(source, "", "terraform_version is not a string")
		}
	}
	if present(keys.Complete) {
		var c bool
		if err := json.Unmarshal(keys.Complete, &c); err != nil {
			return nil, inputErr(source, "", "complete is not a boolean")
		}
		p.Complete = &c
	}
	return p, nil
}

func decodePlan(source string, raw json.RawMessage) (*plan.Plan, error) {
	if err := rejectDuplicateKeys(raw); err != nil {
		return nil, inputErr(source, "", "%v", err)
	}
	var keys planKeys
	if err := json.Unmarshal(raw, &keys); err != nil {
		return nil, typeError(source, "", err)
	}
	p, err := planHeader(source, &keys)
	if err != nil {
		return nil, err
	}

	var changes, drift []*tfjson.ResourceChange
	var deferred []*tfjson.DeferredResourceChange
	if err := decodeKey(source, "resource_changes", keys.ResourceChanges, &changes); err != nil {
		return nil, err
	}
	if err := decodeKey(source, "resource_drift", keys.ResourceDrift, &drift); err != nil {
		return nil, err
	}
	if err := decodeKey(source, "deferred_changes", keys.DeferredChanges, &deferred); err != nil {
		return nil, err
	}
	var prior, planned struct {
		Values *tfjson.StateValues `json:"values"`
	}
	if err := decodeKey(source, "prior_state", keys.PriorState, &prior); err != nil {
		return nil, err
	}
	p.HasPriorState = present(keys.PriorState)
	var plannedValues *tfjson.StateValues
	if err := decodeKey(source, "planned_values", keys.PlannedValues, &plannedValues); err != nil {
		return nil, err
	}
	planned.Values = plannedValues
	var config planConfig
	if err := decodeKey(source, "configuration", keys.Configuration, &config); err != nil {
		return nil, err
	}
	p.HasConfiguration = present(keys.Configuration) && config.RootModule != nil

	hashes, err := entryHashesReference(keys.ResourceChanges)
	if err == nil {
		p.Sections, err = bindReference(raw)
	}
	if err == nil {
		err = analyze(p, changes, drift, deferred, prior.Values, planned.Values, &config, hashes)
	}
	if err != nil {
		// No hint: the file is plan JSON, and making it again with terraform
		// show -json gives the same file.
		return nil, &InputError{Source: source, Err: err}
	}
	return p, nil
}

// checkFormatVersion accepts every plan format blast knows: 0.x and 1.x.
// A new major version may change what the keys mean, so it is refused.
func checkFormatVersion(v string) error {
	major, rest, ok := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	if err != nil || n < 0 || (ok && rest == "") {
		return fmt.Errorf("format_version %q is not a version number", v)
	}
	if ok {
		if _, err := strconv.Atoi(strings.SplitN(rest, ".", 2)[0]); err != nil {
			return fmt.Errorf("format_version %q is not a version number", v)
		}
	}
	if n > 1 {
		return fmt.Errorf("%w: format_version %s is newer than this blast reads (0.x and 1.x)", ErrFutureFormat, v)
	}
	return nil
}

func decodeKey(source, key string, raw json.RawMessage, into any) error {
	if !present(raw) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(into); err != nil {
		return typeError(source, key, err)
	}
	return nil
}

// typeError turns encoding/json's complaint about a wrong type into a line
// that names the key in the plan, not the Go type.
func typeError(source, key string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		switch {
		case field == "":
			field = key
		case key != "" && !strings.HasPrefix(field, key):
			field = key + "." + field
		}
		if field == "" {
			return inputErr(source, hintShowJSON, "%w: a JSON %s, expected a plan object", ErrNotAPlan, te.Value)
		}
		return inputErr(source, "", "wrong type at %s: a JSON %s where the plan format has %s", field, te.Value, jsonKind(te.Type.Kind().String()))
	}
	return inputErr(source, "", "invalid %s: %s", key, strings.TrimPrefix(err.Error(), "json: "))
}

func jsonKind(goKind string) string {
	switch goKind {
	case "slice", "array":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "interface":
		return "a value"
	}
	return "a number"
}

// rejectDuplicateKeys refuses a key given twice in the objects that make up
// a plan's structure: the plan itself, each element of its top-level lists
// (resource changes, drift ...) and the objects directly in those (change,
// importing). encoding/json keeps the last, other readers the first, so such a
// file could show a reviewer one plan and blast another; Terraform never
// writes one. Attribute values are left alone: hand-edited plans in the wild
// repeat keys there, and their digest takes the last, as encoding/json does.
// The fast decoder refuses repeated keys itself and leaves such input here.
func rejectDuplicateKeys(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	type frame struct {
		keys   map[string]bool // nil: not checked
		object bool
		expect bool // the next token in this object is a key
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // the end, or a syntax error the decoder proper reports
		}
		top := len(stack) - 1
		if top >= 0 && stack[top].object && stack[top].expect {
			if key, ok := tok.(string); ok {
				if stack[top].keys != nil {
					if stack[top].keys[key] {
						return fmt.Errorf("%w: the key %q appears twice in one object (line %d)", ErrNotAPlan, key, lineAt(raw, dec.InputOffset()))
					}
					stack[top].keys[key] = true
				}
				stack[top].expect = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			depth := len(stack) + 1
			check := depth == 1 ||
				(depth == 3 && !stack[1].object) ||
				(depth == 4 && stack[2].object && stack[2].keys != nil)
			f := frame{object: true, expect: true}
			if check {
				f.keys = map[string]bool{}
			}
			stack = append(stack, f)
			continue
		case json.Delim('['):
			stack = append(stack, frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		// A value ended: an object expects its next key.
		if top = len(stack) - 1; top >= 0 && stack[top].object {
			stack[top].expect = true
		}
	}
}
