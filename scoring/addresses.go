package scoring

import (
	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/scoring/catalog"
)

// plan indexes what the scorer looks up by address in the plan it is
// scoring: each moved object's previous address, for the policy's critical
// and ignore globs, and each generic object's subtype, for the catalog.
func (s *scorer) plan(p *plan.Plan) {
	s.movedFrom, s.subtypes = map[string]string{}, map[string]string{}
	for _, c := range p.Changes {
		if c.Deposed != "" {
			continue
		}
		if c.MovedFrom != "" {
			s.movedFrom[c.Address] = c.MovedFrom
		}
		if c.Subtype != "" {
			s.subtypes[c.Address] = c.Subtype
		}
	}
}

// classOfChange is the class of a change's object.
func (s *scorer) classOfChange(c *plan.Change) classInfo { return s.classOfSub(c.Type, c.Subtype) }

// classWeight is a class's weight under the policy.
func (s *scorer) classWeight(name string) float64 {
	if w, ok := s.pol.ClassWeights[name]; ok {
		return w
	}
	c, _ := catalog.ClassByName(name)
	return c.Weight
}
