package scoring

// Decision is the gate's verdict on a plan.
type Decision string

// The decisions. Only DecisionSignoffRequired makes blast exit 2.
const (
	DecisionPass            Decision = "pass"
	DecisionSignoffRequired Decision = "signoff_required"
	DecisionApproved        Decision = "approved"
)

// Required is how many valid sign-offs the assessment needs: none below the
// threshold, the policy's number at or above it, and at least two at or
// above the policy's two_above score.
func (a *Assessment) Required() int {
	if a.Score < a.Threshold {
		return 0
	}
	n := a.Policy.Signoff.Required
	if n < 1 {
		n = 1
	}
	if t := a.Policy.Signoff.TwoAbove; t > 0 && a.Score >= t && n < 2 {
		n = 2
	}
	return n
}

// Gate decides on an assessment given how many distinct seniors signed off
// on exactly this plan.
func Gate(a *Assessment, validSignoffs int) Decision {
	need := a.Required()
	switch {
	case need == 0:
		return DecisionPass
	case validSignoffs >= need:
		return DecisionApproved
	}
	return DecisionSignoffRequired
}
