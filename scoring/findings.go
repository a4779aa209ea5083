package scoring

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
)

func (s *scorer) dataLossFindings(risks []ChangeRisk) []Finding {
	var out []Finding
	for _, r := range risks {
		c := r.Change
		if !c.Kind.Destructive() || c.Deposed != "" {
			continue
		}
		if !s.classOfChange(c).class.Stateful {
			continue
		}
		f := Finding{Address: c.Address}
		verb := "deleted"
		switch c.Kind {
		case plan.KindReplace:
			verb = "destroyed and recreated"
		case plan.KindReplaceCBD:
			verb = "replaced (create before destroy)"
		}
		f.Message = fmt.Sprintf("%s (%s) is %s: its data goes with it", c.Address, c.Type, verb)
		if len(c.Unprotected) > 0 {
			f.Severity = SeverityCritical
			f.Message += "; the prior state shows no protection (" + strings.Join(c.Unprotected, ", ") + ")"
		}
		out = append(out, f)
	}
	return out
}

// teardownFindings finds module instances, and the whole configuration, of
// which most managed resources are destroyed in this plan.
//
// Only objects that exist count: a create adds nothing to an environment
// being torn down. A destructive change the policy ignores counts as kept.
// Dependents of what is destroyed do not make a teardown smaller: a module of
// at least teardownMinResources resources is torn down when it would be with
// some of those dependents taken away, that is when the destroyed are at
// least half of max(teardownMinResources, the resources outside the blast
// radius). So adding a dependent, or destroying one more object, never makes
// the finding go away, and one destroyed hub with many dependents is still
// no teardown.
//
// Glue (a class weight under teardownMinWeight, such as null_resource,
// random_id or terraform_data, unless the policy weighs it more or marks it
// critical) is not infrastructure and does not count either way: replacing
// five null_resource triggers is no environment teardown.
//
// inRadius holds every instance that depends on a destroyed current object.
func (s *scorer) teardownFindings(p *plan.Plan, g *graph.Graph, risks []ChangeRisk, inRadius map[string]bool) []Finding {
	counts := func(addr, typ string) bool {
		ci := s.classOfSub(typ, s.subtypes[addr])
		return ci.weight >= teardownMinWeight || s.isCritical(addr, ci)
	}
	type tally struct{ total, destroyed, dependents int }
	byModule := map[string]*tally{}
	all := &tally{}
	destroyed := map[string]bool{}
	for _, r := range risks {
		c := r.Change
		if !c.Kind.Destructive() || c.Deposed != "" || c.Mode != "managed" {
			continue
		}
		if r.Ignored == "" && counts(c.Address, c.Type) {
			destroyed[c.Address] = true
		}
		// What depends on anything destroyed, glue or ignored included
		// (inRadius), never makes a teardown smaller.
	}
	count := func(addr string, module []plan.ModuleStep) {
		bump := func(t *tally) {
			t.total++
			switch {
			case destroyed[addr]:
				t.destroyed++
			case inRadius[addr]:
				t.dependents++
			}
		}
		for d := len(module); d > 0; d-- {
			m := plan.Address{Module: module[:d]}.ModulePath()
			t := byModule[m]
			if t == nil {
				t = &tally{}
				byModule[m] = t
			}
			bump(t)
		}
		bump(all)
	}
	counted := map[string]bool{}
	for _, c := range p.Changes {
		if c.Deposed != "" || c.Mode != "managed" {
			continue
		}
		counted[c.Address] = true
		if c.Kind != plan.KindCreate && counts(c.Address, c.Type) {
			var module []plan.ModuleStep
			if i, ok := g.Index(c.Address); ok {
				a, _ := g.Address(i)
				module = a.Module
			}
			count(c.Address, module)
		}
	}
	for _, addr := range p.Instances {
		if counted[addr] {
			continue
		}
		i, ok := g.Index(addr)
		if !ok {
			continue
		}
		a, ok := g.Address(i)
		if !ok || a.Mode != "managed" || !counts(addr, a.Type) {
			continue
		}
		count(addr, a.Module)
	}
	torn := func(t *tally) bool {
		base := max(teardownMinResources, t.total-t.dependents)
		return t.total >= teardownMinResources && float64(t.destroyed) >= teardownShare*float64(base)
	}
	message := func(t *tally, of string) string {
		msg := fmt.Sprintf("%d of %d managed resources (%d%%) of %s are destroyed or replaced",
			t.destroyed, t.total, percent(t.destroyed, t.total), of)
		if t.dependents > 0 {
			msg += fmt.Sprintf("; %d more depend on what is destroyed", t.dependents)
		}
		return msg
	}
	var out []Finding
	if torn(all) {
		out = append(out, Finding{Points: teardownPoints, Message: message(all, "the whole configuration")})
	}
	modules := make([]string, 0, len(byModule))
	for m := range byModule {
		modules = append(modules, m)
	}
	sort.Strings(modules)
	for _, m := range modules {
		if t := byModule[m]; torn(t) {
			out = append(out, Finding{Address: m, Points: teardownPoints, Message: message(t, m)})
		}
	}
	return out
}

func percent(a, b int) int { return int(math.Round(100 * float64(a) / float64(b))) }

// identityAttrs differ between two objects that are otherwise the same: the
// provider assigns them, or they carry the name that was changed.
var identityAttrs = map[string]bool{
	"id": true, "arn": true, "self_link": true, "unique_id": true, "name": true, "name_prefix": true,
	"tags": true, "tags_all": true, "labels": true, "display_name": true, "etag": true, "fingerprint": true,
	"creation_timestamp": true, "create_time": true, "created_at": true, "output": true,
}

// minSimilarity is the share of a created object's known values that must
// equal the deleted object's for blast to suggest a moved block.
const minSimilarity = 0.6

// movedCandidates pairs deletes with creates of the same type whose known
// values mostly match: a renamed resource or for_each key that destroys an
// object a moved block would keep.
func movedCandidates(p *plan.Plan) []Finding {
	type cand struct {
		del, cre *plan.Change
		sim      float64
	}
	deletes := map[string][]*plan.Change{}
	for i := range p.Changes {
		c := &p.Changes[i]
		if c.Kind == plan.KindDelete && c.Mode == "managed" && c.Deposed == "" {
			deletes[c.Type] = append(deletes[c.Type], c)
		}
	}
	if len(deletes) == 0 {
		return nil
	}
	creates := map[string][]*plan.Change{}
	for i := range p.Changes {
		c := &p.Changes[i]
		if c.Kind == plan.KindCreate && c.Mode == "managed" && len(deletes[c.Type]) > 0 {
			creates[c.Type] = append(creates[c.Type], c)
		}
	}
	var cands []cand
	indexes := map[string]map[string][]*plan.Change{}
	for typ, cs := range creates {
		for _, c := range cs {
			for _, d := range renameSuspects(typ, c, deletes[typ], len(cs), indexes) {
				if sim, ok := similarity(d.Attrs, c.Attrs); ok && sim >= minSimilarity {
					cands = append(cands, cand{del: d, cre: c, sim: sim})
				}
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].sim != cands[j].sim {
			return cands[i].sim > cands[j].sim
		}
		if cands[i].del.Address != cands[j].del.Address {
			return cands[i].del.Address < cands[j].del.Address
		}
		return cands[i].cre.Address < cands[j].cre.Address
	})
	used := map[*plan.Change]bool{}
	var out []Finding
	for _, c := range cands {
		if used[c.del] || used[c.cre] {
			continue
		}
		used[c.del], used[c.cre] = true, true
		out = append(out, Finding{
			Address: c.del.Address,
			Message: fmt.Sprintf("%s is deleted and %s created with %d%% of the same known values: probably a rename; a moved block keeps the object",
				c.del.Address, c.cre.Address, int(math.Round(100*c.sim))),
			Fix: fmt.Sprintf("moved {\n  from = %s\n  to   = %s\n}", c.del.Address, c.cre.Address),
		})
	}
	return out
}

// maxPairs is how many delete-create pairs of one type are compared one by
// one; beyond it, only pairs sharing an uncommon value are (renaming a whole
// for_each of thousands must not take minutes).
const maxPairs = 250_000

// commonValue is how many deleted objects may share an attribute value
// before that value says nothing about which of them a created one was.
const commonValue = 32

// renameSuspects are the deleted objects a created one may be a renamed
// copy of: all of them when the type has few, else those sharing with it a
// value that few deleted objects share.
//
// indexes caches, per type, an index from an attribute path and value digest
// to the deleted objects that have it.
func renameSuspects(typ string, c *plan.Change, dels []*plan.Change, creates int, indexes map[string]map[string][]*plan.Change) []*plan.Change {
	if len(dels)*creates <= maxPairs {
		return dels
	}
	index, ok := indexes[typ]
	if !ok {
		index = map[string][]*plan.Change{}
		for _, d := range dels {
			for path, digest := range d.Attrs {
				if !identityAttrs[strings.SplitN(path, ".", 2)[0]] {
					index[path+"\x00"+digest] = append(index[path+"\x00"+digest], d)
				}
			}
		}
		indexes[typ] = index
	}
	seen := map[*plan.Change]bool{}
	var out []*plan.Change
	for path, digest := range c.Attrs {
		posting := index[path+"\x00"+digest]
		if len(posting) > commonValue {
			continue
		}
		for _, d := range posting {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out
}

// similarity is the share of the created object's known leaf values, names
// and ids aside, that the deleted object has too.
func similarity(deleted, created map[string]string) (float64, bool) {
	compared, equal := 0, 0
	for path, digest := range created {
		if identityAttrs[strings.SplitN(path, ".", 2)[0]] {
			continue
		}
		compared++
		if deleted[path] == digest {
			equal++
		}
	}
	if compared == 0 || equal == 0 {
		return 0, false
	}
	return float64(equal) / float64(compared), true
}

// trivialAttrs rarely justify destroying an object: labels, not substance.
var trivialAttrs = map[string]bool{
	"name": true, "name_prefix": true, "tags": true, "tags_all": true, "labels": true, "description": true,
	"display_name": true, "comment": true, "title": true, "friendly_name": true,
}

func trivialReplaces(p *plan.Plan) []Finding {
	var out []Finding
	for _, c := range p.Changes {
		if (c.Kind != plan.KindReplace && c.Kind != plan.KindReplaceCBD) || len(c.ForcedBy) == 0 || c.Deposed != "" {
			continue
		}
		trivial := true
		for _, path := range c.ForcedBy {
			if !trivialAttrs[strings.SplitN(strings.SplitN(path, "[", 2)[0], ".", 2)[0]] {
				trivial = false
				break
			}
		}
		if !trivial {
			continue
		}
		out = append(out, Finding{Address: c.Address,
			Message: fmt.Sprintf("%s is recreated only because %s changed: consider keeping the old value, or ignore_changes",
				c.Address, strings.Join(c.ForcedBy, ", "))})
	}
	return out
}

// driftReverts finds planned changes to objects that changed outside
// Terraform: applying puts them back, undoing someone's manual fix.
func driftReverts(p *plan.Plan) []Finding {
	drifted := map[string]bool{}
	for _, d := range p.Drift {
		if d.Kind != plan.KindNoOp && d.Kind != plan.KindRead {
			drifted[d.Address] = true
		}
	}
	var out []Finding
	for _, c := range p.Changes {
		if !drifted[c.Address] || c.Deposed != "" {
			continue
		}
		switch c.Kind {
		case plan.KindUpdate, plan.KindDelete, plan.KindReplace, plan.KindReplaceCBD:
		default:
			continue
		}
		sev := SeverityLow
		if c.Kind.Destructive() {
			sev = SeverityMedium
		}
		out = append(out, Finding{Severity: sev, Address: c.Address,
			Message: fmt.Sprintf("%s changed outside Terraform since the last apply, and this plan %s it: the outside change is undone",
				c.Address, verbOf(c.Kind))})
	}
	return out
}

func verbOf(k plan.Kind) string {
	switch k {
	case plan.KindUpdate:
		return "updates"
	case plan.KindDelete:
		return "deletes"
	}
	return "replaces"
}
