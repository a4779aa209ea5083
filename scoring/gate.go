package scoring

// Decision is the gate's verdict on a plan.
type Decision string

// The decisions. Only DecisionSignoffRequired makes blast exit 2.
const (
	DecisionPass            Decision = "pass"
	DecisionSignoffRequired Decision = "signoff_required"
	DecisionApproved        Decision = "approved"
)

// Gate decides on an assessment given how many valid sign-offs were found and
// how many the policy requires at this score.
func Gate(a *Assessment, validSignoffs, required int) Decision {
	if a.Score < a.Threshold {
		return DecisionPass
	}
	if required > 0 && validSignoffs >= required {
		return DecisionApproved
	}
	return DecisionSignoffRequired
}
