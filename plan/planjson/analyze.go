package planjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/blast-dev/blast/plan"
)

// analyze is the reference decoder's part of the conversion: it reads
// terraform-json's types into the parts that assemble, shared with the fast
// decoder, makes the plan of. entryHashes are the digests of the entries of
// changes (bind.go).
func analyze(p *plan.Plan, changes, drift []*tfjson.ResourceChange, deferred []*tfjson.DeferredResourceChange,
	prior, planned *tfjson.StateValues, config *planConfig, entryHashes []string) error {
	parts := &planParts{deferred: deferred, digests: newDigester()}
	parts.changes = make([]plan.Change, 0, len(changes))
	for i, rc := range changes {
		c, _, err := parts.convertEntry(listChanges, i, rc)
		if err != nil {
			return err
		}
		parts.changes = append(parts.changes, c)
	}
	setEntryHashes(parts.changes, entryHashes)
	for i, rc := range drift {
		c, keep, err := parts.convertEntry(listDrift, i, rc)
		if err != nil {
			return err
		}
		if keep {
			parts.drift = append(parts.drift, c)
		}
	}
	if prior != nil && prior.RootModule != nil {
		parts.priorHas = true
		o := &stateOut{}
		walkState(prior.RootModule, 0, func(r *tfjson.StateResource) {
			o.addrs = append(o.addrs, r.Address)
			if len(r.DependsOn) > 0 {
				o.deps = append(o.deps, addrDeps{r.Address, r.DependsOn})
			}
		})
		parts.prior = []*stateOut{o}
	}
	if planned != nil && planned.RootModule != nil {
		o := &stateOut{}
		walkState(planned.RootModule, 0, func(r *tfjson.StateResource) { o.addrs = append(o.addrs, r.Address) })
		parts.planned = []*stateOut{o}
	}
	if config != nil && config.RootModule != nil {
		parts.config = config
	}
	return assemble(p, parts)
}

// rawFromTFJSON reads a terraform-json resource change into the record the
// converter takes, its values marshalled back into canonical JSON.
func rawFromTFJSON(rc *tfjson.ResourceChange) (rawChange, error) {
	if rc == nil {
		return rawChange{}, errors.New("null where a resource change belongs")
	}
	raw := rawChange{
		address: rc.Address, previous: rc.PreviousAddress, module: rc.ModuleAddress, mode: string(rc.Mode),
		typ: rc.Type, name: rc.Name, provider: rc.ProviderName, deposed: rc.DeposedKey, reason: string(rc.ActionReason),
	}
	var err error
	if raw.index, err = canonical(rc.Index); err != nil {
		return rawChange{}, err
	}
	ch := rc.Change
	if ch == nil {
		return raw, nil
	}
	raw.hasChange = true
	raw.importing = ch.Importing != nil
	raw.actions = make([]string, len(ch.Actions))
	for i, a := range ch.Actions {
		raw.actions[i] = string(a)
	}
	for _, v := range []struct {
		dst *[]byte
		val any
	}{{&raw.before, ch.Before}, {&raw.after, ch.After}, {&raw.unknown, ch.AfterUnknown}} {
		if *v.dst, err = canonical(v.val); err != nil {
			return rawChange{}, err
		}
	}
	if ch.ReplacePaths != nil {
		if raw.replacePaths, err = json.Marshal(ch.ReplacePaths); err != nil {
			return rawChange{}, err
		}
	}
	return raw, nil
}

// canonical is the canonical JSON of a decoded value, nil for nil: absent
// and null mean the same to the converter.
func canonical(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("a value that does not encode again: %v", err)
	}
	return b, nil
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
			ProviderKey: r.ProviderConfigKey, Provisioners: provisionersOf(r.Provisioners),
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

// uniqueSorted is a sorted copy of s without repeats; nil when s is empty.
func uniqueSorted(s []string) []string { return mergeSorted(s, nil) }

// mergeSorted is a sorted copy of a and b together without repeats; nil
// when both are empty.
func mergeSorted(a, b []string) []string {
	if len(a)+len(b) == 0 {
		return nil
	}
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Clip(slices.Compact(out))
}
