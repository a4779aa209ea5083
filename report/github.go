package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/blast-dev/blast/scoring"
)

func init() {
	register("github", false, func(w io.Writer, r *Report, _ Options) error { return WriteGitHub(w, r) })
}

// githubPerLevel is how many annotations of one level a step gets: GitHub
// shows 10 of each level per step and drops the rest. One of each is kept
// for the closing summary.
const githubPerLevel = 9

// WriteGitHub writes GitHub Actions workflow commands: an annotation
// (::error, ::warning or ::notice, from the severity) per finding and per
// destructive change, most severe and riskiest first, then a line on what
// was not annotated and a closing annotation with the decision and score.
// (The markdown report goes to the step summary: see blast check.)
func WriteGitHub(w io.Writer, r *Report) error {
	ew := &errWriter{w: w}
	used := map[string]int{}
	left := 0
	annotate := func(level, title, msg string) {
		if used[level] >= githubPerLevel {
			left++
			return
		}
		used[level]++
		ew.printf("::%s title=%s::%s\n", level, githubProperty(title), githubData(msg))
	}
	for _, f := range r.Findings {
		title := fmt.Sprintf("blast %s (%s)", f.Rule, f.Severity)
		msg := sarifMessage(f.Address, f.Message)
		if f.Fix != "" {
			msg += "\n" + strings.TrimRight(f.Fix, "\n")
		}
		annotate(githubLevel(f.Severity), title, msg)
	}
	for _, c := range r.Changes {
		if !c.Kind.Destructive() {
			continue
		}
		sev := destructiveSeverity(c, r.Threshold)
		title := fmt.Sprintf("blast %s (risk %.1f)", c.Kind, c.Risk)
		annotate(githubLevel(sev), title, changeSentence(c))
	}
	if left > 0 {
		ew.printf("blast: %d more findings and destructive changes are not annotated: GitHub shows 10 annotations of a kind per step; the step summary and --format json list them all\n", left)
	}

	summary := fmt.Sprintf("score %d/100, threshold %d; %d destructive (%s); %d findings",
		r.Score, r.Threshold, r.Summary.Destructive(), summaryLine(r.Summary), len(r.Findings))
	switch r.Decision {
	case scoring.DecisionSignoffRequired:
		ew.printf("::error title=%s::%s\n", githubProperty("blast: sign-off required"),
			githubData(summary+". A senior signs off on this exact plan with blast approve PLAN --key ~/.ssh/id_ed25519 --out .blast/signoffs/"))
	case scoring.DecisionApproved:
		ew.printf("::notice title=%s::%s\n", githubProperty("blast: approved"), githubData(summary+". Signed off for this exact plan."))
	default:
		ew.printf("::notice title=%s::%s\n", githubProperty("blast: "+string(r.Decision)), githubData(summary+"."))
	}
	return ew.err
}

func githubLevel(severity scoring.Severity) string {
	switch severity {
	case scoring.SeverityCritical, scoring.SeverityHigh:
		return "error"
	case scoring.SeverityMedium:
		return "warning"
	}
	return "notice"
}

// githubData escapes the message of a workflow command, as the runner
// unescapes it: no line break can end the command and start another.
func githubData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// githubProperty escapes a property value of a workflow command, which also
// must not hold the ':' and ',' that separate properties.
func githubProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
