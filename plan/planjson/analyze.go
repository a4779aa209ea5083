package planjson

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/blast-dev/blast/plan"
)

// analyze has a twin in the fast decoder (fastPlan.finish in fast.go), held
// to the same result by TestFastMatchesReference*.
func analyze(p *plan.Plan, changes, drift []*tfjson.ResourceChange, deferred []*tfjson.DeferredResourceChange,
	prior, planned *tfjson.StateValues, config *planConfig) error {
	seen := make(map[string]bool, len(changes))
	p.Changes = make([]plan.Change, 0, len(changes))
	for i, rc := range changes {
		c, err := convertChange(rc)
		if err != nil {
			return fmt.Errorf("resource_changes[%d]: %w", i, err)
		}
		if seen[c.Key()] {
			if c.Deposed == "" {
				return fmt.Errorf("resource_changes: %s appears twice and is not a deposed object", c.Address)
			}
			return fmt.Errorf("resource_changes: %s appears twice", c.Key())
		}
		seen[c.Key()] = true
		if strings.HasPrefix(rc.ProviderName, "registry.opentofu.org/") {
			p.Tool = "opentofu"
		}
		p.Changes = append(p.Changes, c)
	}
	sortChanges(p.Changes)
	for i, rc := range drift {
		c, err := convertChange(rc)
		if err != nil {
			return fmt.Errorf("resource_drift[%d]: %w", i, err)
		}
		p.Drift = append(p.Drift, c)
	}
	sortChanges(p.Drift)
	for i, d := range deferred {
		if d == nil || d.ResourceChange == nil {
			return fmt.Errorf("deferred_changes[%d]: no resource_change", i)
		}
		c, err := convertChange(d.ResourceChange)
		if err != nil {
			return fmt.Errorf("deferred_changes[%d]: %w", i, err)
		}
		p.Deferred = append(p.Deferred, plan.Deferred{Change: c, Reason: d.Reason})
	}
	sort.SliceStable(p.Deferred, func(i, j int) bool { return p.Deferred[i].Change.Key() < p.Deferred[j].Change.Key() })

	instances := make(map[string]bool)
	for _, c := range p.Changes {
		if c.Deposed == "" {
			instances[c.Address] = true
		}
	}
	if prior != nil && prior.RootModule != nil {
		p.PriorDependsOn = make(map[string][]string)
		walkState(prior.RootModule, 0, func(r *tfjson.StateResource) {
			instances[r.Address] = true
			if len(r.DependsOn) > 0 {
				p.PriorDependsOn[r.Address] = mergeSorted(p.PriorDependsOn[r.Address], r.DependsOn)
			}
		})
	}
	if planned != nil && planned.RootModule != nil {
		walkState(planned.RootModule, 0, func(r *tfjson.StateResource) { instances[r.Address] = true })
	}
	delete(instances, "")
	p.Instances = sortedKeys(instances)
	p.Config = convertConfig(config)
	return nil
}

// planConfig is the part of a plan's configuration blast decodes: parse.go
// and fast.go both decode into it, so both build the same Config.
type planConfig struct {
	ProviderConfig map[string]*tfjson.ProviderConfig `json:"provider_config"`
	RootModule     *tfjson.ConfigModule              `json:"root_module"`
}

// convertConfig keeps what the dependency graph needs of a configuration:
// nil when there is no root module.
func convertConfig(c *planConfig) *plan.Config {
	if c == nil || c.RootModule == nil {
		return nil
	}
	out := &plan.Config{Root: convertModule(c.RootModule, 0)}
	for key, pc := range c.ProviderConfig {
		if pc == nil {
			continue
		}
		groups := exprGroups(nil, pc.Expressions)
		var refs []string
		for _, g := range groups {
			refs = append(refs, g...)
		}
		sortGroups(groups)
		if out.Providers == nil {
			out.Providers = map[string]plan.ProviderConfig{}
		}
		out.Providers[key] = plan.ProviderConfig{Module: pc.ModuleAddress, References: uniqueSorted(refs), ReferenceGroups: groups}
	}
	return out
}

func sortChanges(cs []plan.Change) {
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].Address != cs[j].Address {
			return cs[i].Address < cs[j].Address
		}
		return cs[i].Deposed < cs[j].Deposed
	})
}

func walkState(m *tfjson.StateModule, depth int, fn func(*tfjson.StateResource)) {
	if m == nil || depth > plan.MaxModuleDepth {
		return
	}
	for _, r := range m.Resources {
		if r != nil {
			fn(r)
		}
	}
	for _, child := range m.ChildModules {
		walkState(child, depth+1, fn)
	}
}

// convertChange has a twin in the fast decoder (resourceChange in fast.go,
// with unprotectedCanon and attrDigestsCanon for the value parts): a change
// here needs the same change there, and TestFastMatchesReference* fail until
// it has one.
func convertChange(rc *tfjson.ResourceChange) (plan.Change, error) {
	if rc == nil {
		return plan.Change{}, fmt.Errorf("null where a resource change belongs")
	}
	if rc.Address == "" {
		return plan.Change{}, fmt.Errorf("a resource change without an address")
	}
	if rc.Change == nil {
		return plan.Change{}, fmt.Errorf("%s: no change object", rc.Address)
	}
	actions := make([]string, len(rc.Change.Actions))
	for i, a := range rc.Change.Actions {
		actions[i] = string(a)
	}
	kind, ok := plan.Classify(actions)
	if !ok {
		return plan.Change{}, fmt.Errorf("%s: %w %q: blast does not judge what it does not know", rc.Address, ErrUnknownActions, strings.Join(actions, ","))
	}
	mode := string(rc.Mode)
	if mode == "" {
		mode = modeOf(rc.Address)
	}
	c := plan.Change{
		Address:   rc.Address,
		Mode:      mode,
		Type:      rc.Type,
		Name:      rc.Name,
		Module:    rc.ModuleAddress,
		Provider:  rc.ProviderName,
		Kind:      kind,
		Actions:   actions,
		Reason:    string(rc.ActionReason),
		MovedFrom: rc.PreviousAddress,
		Imported:  rc.Change.Importing != nil,
		Deposed:   rc.DeposedKey,
	}
	if c.Type == "" {
		return plan.Change{}, fmt.Errorf("%s: no resource type", rc.Address)
	}
	for _, p := range rc.Change.ReplacePaths {
		c.ForcedBy = append(c.ForcedBy, renderPath(p, rc.Change.Before, rc.Change.After))
	}
	sort.Strings(c.ForcedBy)
	c.BeforeHash = hashValue(rc.Change.Before)
	c.AfterHash = hashValue([]any{rc.Change.After, rc.Change.AfterUnknown})
	if kind.Destructive() {
		c.Unprotected = unprotected(rc.Change.Before)
		c.DiesWith = diesWith(rc.Change.Before)
	}
	if mode == "managed" {
		switch kind {
		case plan.KindDelete:
			c.Attrs = attrDigests(rc.Change.Before, nil)
		case plan.KindCreate:
			c.Attrs = attrDigests(rc.Change.After, rc.Change.AfterUnknown)
		}
	}
	return c, nil
}

// modeOf reads the mode from an address, for old plans without "mode":
// module.data.aws_db_instance.x is a managed resource in a module named data.
func modeOf(addr string) string {
	if a, err := plan.ParseAddress(addr); err == nil {
		return a.Mode
	}
	return "managed"
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// renderPath writes a replace_paths entry the way people read attribute
// paths: network_interface.0.subnet_id, tags["team"].
//
// Terraform writes a step into a set of strings as the element itself, so a
// path can hold a value. The step is only shown when the object before (or
// after) the change has it as an attribute or map key, or it is a list
// index; anything else, a set element among them, is written [*].
func renderPath(p any, before, after any) string {
	steps, ok := p.([]any)
	if !ok {
		steps = []any{p}
	}
	var b strings.Builder
	cursors := []any{before, after}
	for _, s := range steps {
		switch v := s.(type) {
		case string:
			if !isKeyOf(cursors, v) {
				b.WriteString("[*]")
				cursors = []any{nil, nil}
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
			for k, c := range cursors {
				m, _ := c.(map[string]any)
				cursors[k] = m[v]
			}
		case json.Number, float64:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			n := fmt.Sprint(v)
			b.WriteString(n)
			for k, c := range cursors {
				cursors[k] = nil
				if list, ok := c.([]any); ok {
					if i, err := strconv.Atoi(n); err == nil && i >= 0 && i < len(list) {
						cursors[k] = list[i]
					}
				}
			}
		default:
			b.WriteString("[*]")
			cursors = []any{nil, nil}
		}
	}
	return b.String()
}

// isKeyOf reports whether step names a key of one of the objects.
func isKeyOf(objects []any, step string) bool {
	for _, o := range objects {
		if m, ok := o.(map[string]any); ok {
			if _, ok := m[step]; ok {
				return true
			}
		}
	}
	return false
}

// hashValue digests a value's canonical JSON: encoding/json sorts object keys
// and json.Number keeps numbers exactly as Terraform wrote them.
func hashValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(fmt.Sprintf("%#v", v))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
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

func unprotected(before any) []string {
	obj, ok := before.(map[string]any)
	if !ok {
		return nil
	}
	var out []string
	for _, p := range protections {
		if v, ok := obj[p.attr]; ok && p.unsafe(v) {
			out = append(out, p.attr)
		}
	}
	return out
}

// maxAttrLeaves bounds the digests kept per object: enough to recognise a
// renamed resource, never a memory problem on a plan of huge objects.
const maxAttrLeaves = 64

// attrDigests digests the known leaf values of an object by attribute path
// (input.region, tags.team), skipping the parts after_unknown marks unknown.
func attrDigests(v, unknown any) map[string]string {
	obj, ok := v.(map[string]any)
	if !ok || len(obj) == 0 {
		return nil
	}
	out := make(map[string]string)
	walkLeaves("", obj, unknown, out)
	if len(out) == 0 {
		return nil
	}
	return out
}

func walkLeaves(prefix string, v, unknown any, out map[string]string) {
	if len(out) >= maxAttrLeaves || v == nil || unknown == true {
		return
	}
	switch val := v.(type) {
	case map[string]any:
		unk, _ := unknown.(map[string]any)
		keys := make([]string, 0, len(val))
		for k := range val {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walkLeaves(joinPath(prefix, k), val[k], unk[k], out)
		}
	case []any:
		unk, _ := unknown.([]any)
		for i, e := range val {
			var u any
			if i < len(unk) {
				u = unk[i]
			}
			walkLeaves(joinPath(prefix, fmt.Sprint(i)), e, u, out)
		}
	default:
		out[prefix] = hashValue(val)[:16]
	}
}

func joinPath(prefix, step string) string {
	if prefix == "" {
		return step
	}
	return prefix + "." + step
}

func convertModule(m *tfjson.ConfigModule, depth int) *plan.ConfigModule {
	out := &plan.ConfigModule{Outputs: map[string][]string{}, ModuleCalls: map[string]*plan.ConfigModuleCall{}}
	if m == nil || depth > plan.MaxModuleDepth {
		return out
	}
	for _, r := range m.Resources {
		if r == nil {
			continue
		}
		var groups [][]string
		groups = exprGroups(groups, r.Expressions)
		groups = addGroup(groups, exprRefs(r.CountExpression))
		groups = addGroup(groups, exprRefs(r.ForEachExpression))
		for _, d := range r.DependsOn {
			groups = addGroup(groups, []string{d})
		}
		for _, pr := range r.Provisioners {
			if pr != nil {
				groups = exprGroups(groups, pr.Expressions)
			}
		}
		var refs []string
		for _, g := range groups {
			refs = append(refs, g...)
		}
		sortGroups(groups)
		out.Resources = append(out.Resources, plan.ConfigResource{
			Address: r.Address, Mode: string(r.Mode), Type: r.Type, References: uniqueSorted(refs), ReferenceGroups: groups,
			ProviderKey: r.ProviderConfigKey,
		})
	}
	for name, o := range m.Outputs {
		if o == nil {
			continue
		}
		out.Outputs[name] = uniqueSorted(append(exprRefs(o.Expression), o.DependsOn...))
	}
	for name, mc := range m.ModuleCalls {
		if mc == nil {
			continue
		}
		call := &plan.ConfigModuleCall{
			Source:     mc.Source,
			Inputs:     map[string][]string{},
			DependsOn:  uniqueSorted(mc.DependsOn),
			Repetition: uniqueSorted(append(exprRefs(mc.CountExpression), exprRefs(mc.ForEachExpression)...)),
			Module:     convertModule(mc.Module, depth+1),
		}
		for v, e := range mc.Expressions {
			call.Inputs[v] = uniqueSorted(exprRefs(e))
		}
		out.ModuleCalls[name] = call
	}
	return out
}

func refsOf(exprs map[string]*tfjson.Expression) []string {
	var refs []string
	for _, e := range exprs {
		refs = append(refs, exprRefs(e)...)
	}
	return refs
}

// exprGroups adds the references of each expression of a map (and of each
// expression of its nested blocks) as a group of its own.
func exprGroups(groups [][]string, exprs map[string]*tfjson.Expression) [][]string {
	for _, e := range exprs {
		if e == nil || e.ExpressionData == nil {
			continue
		}
		groups = addGroup(groups, e.References)
		for _, block := range e.NestedBlocks {
			groups = exprGroups(groups, block)
		}
	}
	return groups
}

func addGroup(groups [][]string, refs []string) [][]string {
	if len(refs) == 0 {
		return groups
	}
	return append(groups, uniqueSorted(refs))
}

// sortGroups orders groups so that map iteration leaves no trace.
func sortGroups(groups [][]string) {
	sort.Slice(groups, func(i, j int) bool { return strings.Join(groups[i], "\x00") < strings.Join(groups[j], "\x00") })
}

// exprRefs collects the references of an expression, nested blocks included.
func exprRefs(e *tfjson.Expression) []string {
	if e == nil || e.ExpressionData == nil {
		return nil
	}
	refs := append([]string(nil), e.References...)
	for _, block := range e.NestedBlocks {
		refs = append(refs, refsOf(block)...)
	}
	return refs
}

func uniqueSorted(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return sortedKeys(m)
}

func mergeSorted(a, b []string) []string {
	return uniqueSorted(append(append([]string(nil), a...), b...))
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
