package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/blast-dev/blast/internal/sarif"
	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/scoring"
)

func init() {
	register("sarif", false, func(w io.Writer, r *Report, opts Options) error { return WriteSARIF(w, r, opts.ToolVersion) })
}

// sarifMaxResults is the most results GitHub code scanning accepts in a run:
// it rejects a file with more. A test lowers it.
var sarifMaxResults = 25000

const sarifHelpBase = "https://github.com/blast-dev/blast/blob/main/README.md"

// Rules for destructive changes, one per kind.
var sarifKindRules = []struct {
	kind                  plan.Kind
	id, name, short, full string
}{
	{plan.KindDelete, "destructive/delete", "DestructiveDelete", "A resource is destroyed",
		"The plan destroys this object and creates nothing in its place. Whatever depends on it may break."},
	{plan.KindReplace, "destructive/replace", "DestructiveReplace", "A resource is destroyed, then created",
		"The plan destroys this object before it creates its replacement: there is a window with neither, and the new object has a new identity."},
	{plan.KindReplaceCBD, "destructive/replace_cbd", "DestructiveReplaceCreateBeforeDestroy", "A resource is replaced, the new one created first",
		"The plan creates a replacement before it destroys this object (create_before_destroy). The new object has a new identity."},
}

// WriteSARIF writes the report as SARIF 2.1.0: a rule per finding rule and
// per destructive kind, a result per finding and per destructive change,
// located in the plan file and, logically, at the resource address. The
// output is deterministic: no timestamps, no paths but the plan's own.
// toolVersion is blast's version, tool.driver.version; "" leaves it out.
func WriteSARIF(w io.Writer, r *Report, toolVersion string) error {
	run := sarif.Run{
		Tool: sarif.Tool{Driver: sarif.Driver{Name: "blast", Version: toolVersion, InformationURI: "https://github.com/blast-dev/blast"}},
		Properties: map[string]any{
			"score": r.Score, "threshold": r.Threshold, "decision": r.Decision,
		},
		Results: []sarif.Result{},
	}

	// Rules: the three kinds, then every finding rule present, sorted.
	ruleIndex := map[string]int{}
	for _, k := range sarifKindRules {
		ruleIndex[k.id] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarif.Rule{
			ID: k.id, Name: k.name,
			ShortDescription:     sarif.Message{Text: k.short},
			FullDescription:      sarif.Message{Text: k.full},
			HelpURI:              sarifHelpBase + "#the-score",
			Help:                 sarif.Message{Text: k.full + " blast scores it by the resource's class and what depends on it; above the threshold a senior signs off on the exact plan."},
			DefaultConfiguration: sarif.RuleConfig{Level: "warning"},
			Properties:           sarif.RuleProperties{Tags: []string{"terraform", "destructive", string(k.kind)}},
		})
	}
	var findingRules []string
	seen := map[string]bool{}
	for _, f := range r.Findings {
		if !seen[f.Rule] {
			seen[f.Rule] = true
			findingRules = append(findingRules, f.Rule)
		}
	}
	sort.Strings(findingRules)
	for _, id := range findingRules {
		// A report built by hand may name a rule scoring does not know: it
		// still gets an entry, described by its id.
		desc := [2]string{"blast finding " + id, "blast finding " + id + "."}
		if rule, ok := scoring.RuleByID(id); ok {
			desc = [2]string{rule.Title, rule.Help}
		}
		ruleIndex[id] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarif.Rule{
			ID: id, Name: sarifRuleName(id),
			ShortDescription:     sarif.Message{Text: desc[0]},
			FullDescription:      sarif.Message{Text: desc[1]},
			HelpURI:              sarifHelpBase + "#findings",
			Help:                 sarif.Message{Text: desc[1]},
			DefaultConfiguration: sarif.RuleConfig{Level: "warning"},
			Properties:           sarif.RuleProperties{Tags: []string{"terraform", "finding"}},
		})
	}

	// Artifacts: one per plan file, in plan order, each listed once.
	artifactIndex := map[string]int{}
	planURI := make([]string, len(r.Plans))
	planLine := make([]int, len(r.Plans))
	for i, p := range r.Plans {
		uri, line := sarifPlanLocation(p.Source)
		planURI[i], planLine[i] = uri, line
		if uri == "" {
			continue
		}
		if _, ok := artifactIndex[uri]; !ok {
			artifactIndex[uri] = len(run.Artifacts)
			run.Artifacts = append(run.Artifacts, sarif.Artifact{Location: sarif.ArtifactLocation{URI: uri}})
		}
	}
	location := func(pl int, addr, kind string) []sarif.Location {
		loc := sarif.Location{}
		if pl >= 0 && pl < len(planURI) && planURI[pl] != "" {
			idx := artifactIndex[planURI[pl]]
			loc.PhysicalLocation = &sarif.PhysicalLocation{
				ArtifactLocation: sarif.ArtifactLocation{URI: planURI[pl], Index: &idx},
				Region:           sarif.Region{StartLine: planLine[pl]},
			}
		}
		if addr != "" {
			loc.LogicalLocations = []sarif.LogicalLocation{{Name: sarifLocalName(addr), FullyQualifiedName: addr, Kind: kind}}
		}
		return []sarif.Location{loc}
	}
	// Fingerprints name the plan only when there are several, whose
	// addresses may repeat (one root module per Terragrunt unit).
	planSource := func(pl int) string {
		if len(r.Plans) > 1 && pl >= 0 && pl < len(r.Plans) {
			return r.Plans[pl].Source
		}
		return ""
	}

	for _, f := range r.Findings {
		kind := "resource"
		if f.Address == "" || strings.HasPrefix(f.Address, "module.") && isModuleAddress(f.Address) {
			kind = "module"
		}
		props := map[string]any{"severity": f.Severity, "points": f.Points}
		if f.Fix != "" {
			props["suggestedFix"] = f.Fix
		}
		if len(r.Plans) > 1 {
			props["plan"] = r.Plans[f.Plan].Source
		}
		run.Results = append(run.Results, sarif.Result{
			RuleID: f.Rule, RuleIndex: ruleIndex[f.Rule], Level: sarifLevel(f.Severity),
			Message:             sarif.Message{Text: sarifMessage(f.Address, f.Message)},
			Locations:           location(f.Plan, f.Address, kind),
			PartialFingerprints: sarifFingerprints(planSource(f.Plan), f.Rule, f.Address, ""),
			Properties:          props,
		})
	}
	for _, c := range r.Changes {
		if !c.Kind.Destructive() {
			continue
		}
		var id string
		for _, k := range sarifKindRules {
			if k.kind == c.Kind {
				id = k.id
			}
		}
		sev := destructiveSeverity(c, r.Threshold)
		props := map[string]any{"severity": sev, "risk": c.Risk, "class": c.Class, "type": c.Type}
		if c.Module != "" {
			props["module"] = c.Module
		}
		if c.Reason != "" {
			props["reason"] = c.Reason
		}
		if len(c.ForcedBy) > 0 {
			props["forcedBy"] = c.ForcedBy
		}
		if c.Deposed != "" {
			props["deposed"] = c.Deposed
		}
		if c.BlastRadius != nil {
			radius := map[string]int{"changed": c.BlastRadius.ChangedCount, "unchanged": c.BlastRadius.UnchangedCount}
			if o := c.BlastRadius.otherCount(); o > 0 {
				radius["otherStacks"] = o
			}
			props["blastRadius"] = radius
		}
		if len(r.Plans) > 1 {
			props["plan"] = r.Plans[c.Plan].Source
		}
		run.Results = append(run.Results, sarif.Result{
			RuleID: id, RuleIndex: ruleIndex[id], Level: sarifLevel(sev),
			Message:             sarif.Message{Text: changeSentence(c)},
			Locations:           location(c.Plan, c.Address, "resource"),
			PartialFingerprints: sarifFingerprints(planSource(c.Plan), string(c.Kind), c.Address, c.Deposed),
			Properties:          props,
		})
	}

	// Findings come first and changes riskiest first, so a cut keeps what
	// matters most, and says so.
	if left := len(run.Results) - sarifMaxResults; left > 0 {
		run.Results = run.Results[:sarifMaxResults]
		run.Properties["omittedResults"] = left
		run.Invocations = []sarif.Invocation{{ExecutionSuccessful: true, ToolExecutionNotifications: []sarif.Notification{{
			Level: "warning",
			Message: sarif.Message{Text: fmt.Sprintf("%d lower-risk results left out: code scanning takes at most %d results in a run; blast check --format json lists every change",
				left, sarifMaxResults)},
		}}}}
	}

	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarif.Log{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarif.Run{run},
	})
}

// destructiveSeverity grades a destructive change by its risk against the
// threshold: high when it alone reaches half the threshold, medium from a
// tenth, low below. SARIF levels and GitHub annotations follow it.
func destructiveSeverity(c Change, threshold int) scoring.Severity {
	if threshold <= 0 {
		threshold = 50
	}
	switch t := float64(threshold); {
	case c.Risk >= t/2:
		return scoring.SeverityHigh
	case c.Risk >= t/10:
		return scoring.SeverityMedium
	}
	return scoring.SeverityLow
}

// changeSentence is one line on a change, for annotations and tests: what
// happens, why, and how far it reaches. It holds no attribute value.
func changeSentence(c Change) string {
	var b strings.Builder
	b.WriteString(c.Address)
	if c.Deposed != "" {
		b.WriteString(" (deposed object " + c.Deposed + ")")
	}
	switch c.Kind {
	case plan.KindDelete:
		b.WriteString(" is destroyed")
	case plan.KindReplace:
		b.WriteString(" is destroyed, then created again")
	case plan.KindReplaceCBD:
		b.WriteString(" is replaced: the new object is created, then the old one destroyed")
	default:
		b.WriteString(": " + string(c.Kind))
	}
	if w := why(c); w != "" {
		b.WriteString(" (" + w + ")")
	}
	fmt.Fprintf(&b, "; risk %.1f", c.Risk)
	if c.Class != "" {
		b.WriteString(", class " + c.Class)
	}
	switch r := c.BlastRadius; {
	case r == nil:
	case len(r.Changed)+len(r.Unchanged) == 0:
		b.WriteString("; nothing depends on it")
	default:
		fmt.Fprintf(&b, "; blast radius: %s the plan changes too, %d with no planned change", mdCount(len(r.Changed), "dependent", "dependents"), len(r.Unchanged))
	}
	return b.String()
}

func sarifLevel(severity scoring.Severity) string {
	switch severity {
	case scoring.SeverityCritical, scoring.SeverityHigh:
		return "error"
	case scoring.SeverityMedium:
		return "warning"
	}
	return "note"
}

func sarifMessage(addr, msg string) string {
	if addr == "" || strings.Contains(msg, addr) {
		return msg
	}
	return addr + ": " + msg
}

// sarifFingerprints identify a result across runs by rule or kind and
// address (and the plan file when there are several), never by line, so that an alert survives a re-plan.
// primaryLocationLineHash is set too, or GitHub's uploader would fill it
// from the plan file's first line, which changes with every plan.
func sarifFingerprints(source, what, addr, deposed string) map[string]string {
	sum := sha256.Sum256([]byte(source + "\x00" + what + "\x00" + addr + "\x00" + deposed))
	h := hex.EncodeToString(sum[:])
	return map[string]string{
		"blast/v1":                h,
		"primaryLocationLineHash": h[:16] + ":1",
	}
}

// sarifRuleName turns a rule id into the PascalCase name SARIF suggests.
func sarifRuleName(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		if r == '-' || r == '_' || r == '/' || r == '.' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

// sarifLocalName is the last step of an address: the resource name with its
// instance key, or the module call.
func sarifLocalName(addr string) string {
	depth := 0
	inStr := false
	for i := len(addr) - 1; i >= 0; i-- {
		switch c := addr[i]; {
		case c == '"' && (i == 0 || addr[i-1] != '\\'):
			inStr = !inStr
		case inStr:
		case c == ']':
			depth++
		case c == '[':
			depth--
		case c == '.' && depth == 0:
			return addr[i+1:]
		}
	}
	return addr
}

func isModuleAddress(addr string) bool {
	// A module instance address is module.NAME[KEY] repeated, nothing after.
	rest := addr
	for strings.HasPrefix(rest, "module.") {
		rest = rest[len("module."):]
		i := strings.IndexAny(rest, ".[")
		if i < 0 {
			return true
		}
		if rest[i] == '[' {
			j := closingBracket(rest, i)
			if j < 0 {
				return false
			}
			rest = rest[j+1:]
		} else {
			rest = rest[i:]
		}
		if rest == "" {
			return true
		}
		if !strings.HasPrefix(rest, ".") {
			return false
		}
		rest = rest[1:]
	}
	return false
}

func closingBracket(s string, open int) int {
	inStr := false
	for i := open + 1; i < len(s); i++ {
		switch {
		case inStr && s[i] == '\\':
			i++
		case s[i] == '"':
			inStr = !inStr
		case !inStr && s[i] == ']':
			return i
		}
	}
	return -1
}

var ndjsonSource = regexp.MustCompile(`^(.+):([0-9]+)$`)

// sarifPlanLocation turns a plan's source into an artifact URI and a line:
// the file as a relative URI (or a file: URI when absolute), and the line of
// an NDJSON plan, 1 otherwise (terraform show -json writes one line). A plan
// read from standard input has no artifact.
func sarifPlanLocation(source string) (uri string, line int) {
	if source == "" || source == "-" {
		return "", 0
	}
	line = 1
	if m := ndjsonSource.FindStringSubmatch(source); m != nil {
		if n, err := strconv.Atoi(m[2]); err == nil && n > 0 {
			source, line = m[1], n
		}
	}
	p := filepath.ToSlash(source)
	if filepath.IsAbs(source) || strings.HasPrefix(p, "/") {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // C:/x -> /C:/x
		}
		return (&url.URL{Scheme: "file", Path: p}).String(), line
	}
	p = strings.TrimPrefix(p, "./")
	return (&url.URL{Path: p}).String(), line
}
