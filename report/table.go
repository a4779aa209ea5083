package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/blast-dev/blast/scoring"
)

// TableOptions tune the terminal report.
type TableOptions struct {
	// All lists every change, not only the destructive ones.
	All bool
	// MaxRows caps the change table; 0 means 50.
	MaxRows int
}

func init() {
	register("table", false, func(w io.Writer, r *Report, opts Options) error { return WriteTable(w, r, opts.Table) })
}

// WriteTable writes the terminal report: the decision first, then the
// destructive changes ranked by risk, then the findings. A plan with nothing
// destructive gets a few lines, not a wall of text.
func WriteTable(w io.Writer, r *Report, opts TableOptions) error {
	ew := &errWriter{w: w}
	ew.printf("blast: %s  score %d/100 (threshold %d)\n", decisionLabel(r.Decision), r.Score, r.Threshold)
	for i, p := range r.Plans {
		ew.printf("plan %s: %s\n", planLabel(r, i), describePlan(p))
		for _, warn := range p.Warnings {
			ew.printf("  note: %s\n", warn)
		}
		if !p.HasConfiguration {
			// The graph's other notes (locals ...) are in the JSON; the
			// table speaks up only when dependents may be missing.
			for _, n := range p.GraphNotes {
				ew.printf("  note: %s\n", n)
			}
		}
		if len(p.Drift) > 0 {
			ew.printf("  drift: %d resources changed outside Terraform since the last apply\n", len(p.Drift))
		}
		if len(p.Deferred) > 0 {
			ew.printf("  deferred: %d changes Terraform could not plan yet\n", len(p.Deferred))
		}
	}
	ew.printf("changes: %s\n", summaryLine(r.Summary))
	if r.PolicySource != nil {
		ew.printf("policy: %s\n", oneLine(r.PolicySource.Text()))
	}
	if len(r.Ignored) > 0 {
		ew.printf("ignored by the policy: %d (listed below)\n", len(r.Ignored))
	}

	var rows []Change
	for _, c := range r.Changes {
		if opts.All || c.Kind.Destructive() {
			rows = append(rows, c)
		}
	}
	max := opts.MaxRows
	if max <= 0 {
		max = 50
	}
	if len(rows) > 0 {
		ew.printf("\n")
		shown := rows
		if len(shown) > max {
			shown = shown[:max]
		}
		ew.err = writeChangeTable(ew, r, shown)
		if len(rows) > len(shown) {
			ew.printf("... and %d more (--format json lists all)\n", len(rows)-len(shown))
		}
	}
	if len(r.Findings) > 0 {
		ew.printf("\nfindings:\n")
		for _, f := range r.Findings {
			ew.printf("  %-8s %s: %s\n", strings.ToUpper(string(f.Severity)), f.Rule, oneLine(f.Message))
			if f.Fix != "" {
				for _, line := range strings.Split(f.Fix, "\n") {
					ew.printf("           %s\n", oneLine(line))
				}
			}
		}
	}
	if len(r.Ignored) > 0 {
		ew.printf("\nignored by %s:\n", r.Policy)
		for _, ig := range r.Ignored {
			ew.printf("  %s %s (line %d): %s\n", ig.What, oneLine(ig.Address), ig.Line, oneLine(ig.Reason))
		}
	}
	for _, n := range r.Notes {
		ew.printf("note: %s\n", n)
	}
	for _, w := range r.Warnings {
		ew.printf("warning: %s\n", w)
	}
	writeSignoff(ew, r)
	return ew.err
}

func writeChangeTable(w io.Writer, r *Report, rows []Change) error {
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Symbols: tw.NewSymbols(tw.StyleASCII),
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
	multi := len(r.Plans) > 1
	header := []string{"RISK", "KIND", "ADDRESS", "CLASS", "DEPENDENTS", "WHY"}
	if multi {
		header = append([]string{"PLAN"}, header...)
	}
	t.Header(header)
	for _, c := range rows {
		addr := oneLine(c.Address)
		if c.Deposed != "" {
			addr += " (deposed " + c.Deposed + ")"
		}
		row := []string{fmt.Sprintf("%.1f", c.Risk), string(c.Kind), addr, c.Class, dependents(c), oneLine(why(c))}
		if multi {
			row = append([]string{planLabel(r, c.Plan)}, row...)
		}
		if err := t.Append(row); err != nil {
			return err
		}
	}
	return t.Render()
}

// dependents counts a destructive change's blast radius: all, and how many
// of them the plan does not change (those may break unannounced).
func dependents(c Change) string {
	if c.BlastRadius == nil {
		return ""
	}
	n := c.BlastRadius.Size()
	if n == 0 && c.BlastRadius.otherCount() == 0 {
		return "0"
	}
	s := fmt.Sprintf("%d (%d unchanged)", n, c.BlastRadius.UnchangedCount)
	if o := c.BlastRadius.otherCount(); o > 0 {
		s += fmt.Sprintf(" + %d in other stacks", o)
	}
	return s
}

func why(c Change) string {
	var parts []string
	if c.Reason != "" {
		parts = append(parts, c.Reason)
	}
	if len(c.ForcedBy) > 0 {
		parts = append(parts, "forced by "+strings.Join(c.ForcedBy, ", "))
	}
	if c.MovedFrom != "" {
		parts = append(parts, "moved from "+c.MovedFrom)
	}
	if c.Imported {
		parts = append(parts, "imported")
	}
	return strings.Join(parts, "; ")
}

func decisionLabel(d scoring.Decision) string {
	switch d {
	case scoring.DecisionPass:
		return "PASS"
	case scoring.DecisionApproved:
		return "APPROVED"
	case scoring.DecisionSignoffRequired:
		return "SIGN-OFF REQUIRED"
	}
	return strings.ToUpper(string(d))
}

func planLabel(r *Report, i int) string {
	if len(r.Plans) == 1 {
		return r.Plans[i].Source
	}
	return fmt.Sprintf("#%d %s", i+1, r.Plans[i].Source)
}

func describePlan(p Plan) string {
	var parts []string
	tool := p.Tool
	if tool == "" {
		tool = "terraform"
	}
	if p.TerraformVersion != "" {
		parts = append(parts, tool+" "+p.TerraformVersion)
	}
	if p.FormatVersion != "" {
		parts = append(parts, "format "+p.FormatVersion)
	}
	parts = append(parts, fmt.Sprintf("%d destructive", p.Summary.Destructive()))
	return strings.Join(parts, ", ")
}

// summaryLine counts changes per kind, leaving out kinds with none.
func summaryLine(s Summary) string {
	counts := []struct {
		n    int
		name string
	}{
		{s.Delete, "delete"}, {s.Replace, "replace"}, {s.ReplaceCBD, "replace (create before destroy)"},
		{s.Update, "update"}, {s.Create, "create"}, {s.Forget, "forget"}, {s.Read, "read"},
		{s.NoOp, "no-op"}, {s.Moved, "moved"}, {s.Imported, "imported"},
	}
	var parts []string
	for _, c := range counts {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.name))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// errWriter keeps the first write error so a renderer can print freely and
// check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}

func writeSignoff(ew *errWriter, r *Report) {
	so := r.Signoff
	switch r.Decision {
	case scoring.DecisionSignoffRequired:
		need := 1
		if so != nil && so.Required > 0 {
			need = so.Required
		}
		ew.printf("\nsign-off required: the score reaches the threshold; %d senior sign-off(s) needed", need)
		if so != nil {
			ew.printf(", %d valid", so.Valid)
		}
		ew.printf("\n")
		ew.printf("  a senior signs this exact plan: blast approve %s --key ~/.ssh/id_ed25519 --out .blast/signoffs\n", planArgs(r))
	case scoring.DecisionApproved:
		ew.printf("\napproved: %d valid senior sign-off(s) for this exact plan\n", so.Valid)
	}
	if so == nil {
		return
	}
	if r.Decision != scoring.DecisionPass {
		ew.printf("  plan digest %s\n", so.Digest)
	}
	for _, rec := range so.Listed() {
		who := rec.Principal
		if who == "" {
			who = "unknown key " + rec.Fingerprint
		}
		mark := "rejected"
		if rec.Valid {
			mark = "valid"
		}
		ew.printf("  %s: %s, %s (%s): %s\n", oneLine(rec.File), mark, oneLine(who), rec.Reason, oneLine(rec.Detail))
	}
	for _, n := range so.Notes {
		ew.printf("  note: %s\n", n)
	}
}

// oneLine keeps text from a plan on its line and out of the terminal's
// control: hand-made plan JSON can hold escape sequences in an address.
func oneLine(s string) string { return mdOneLine(s) }

// planArgs are the plans as a command line names them, for a hint.
func planArgs(r *Report) string {
	seen := map[string]bool{}
	var args []string
	for _, p := range r.Plans {
		src := p.Source
		if i := strings.LastIndexByte(src, ':'); i > 0 && strings.Trim(src[i+1:], "0123456789") == "" {
			src = src[:i] // a line of an NDJSON stream
		}
		if strings.ContainsAny(src, " ()") || src == "" {
			src = "PLAN"
		}
		if !seen[src] {
			seen[src] = true
			args = append(args, oneLine(src))
		}
	}
	if len(args) == 0 {
		return "PLAN"
	}
	return strings.Join(args, " ")
}
